// The worker side of bench/download.ts: one real downloadFile() (the code the download job runs) in its own process,
// so its memory is measured alone. Says {"ready":true} once loaded and starts on a line on stdin (the bench decides when,
// as it does for curl). Prints one JSON line per 100 MiB (RSS then) and one at the end.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { downloadFile } from '../src/jobs/downloads/transfer.js';
import { downloadHosts } from '../src/jobs/downloads/hosts.js';

const [url, destination, size, apiUrl, caFile] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const MiB = 1_048_576;
const expectedSize = Number(size);
let nextSample = 100 * MiB;
const input = createInterface({ input: process.stdin });
console.log(JSON.stringify({ ready: true }));
await once(input, 'line');
input.close();
const started = process.hrtime.bigint();

const result = await downloadFile({
  url,
  destination,
  expectedSize,
  hosts: downloadHosts({ zoom: { apiUrl } as never, recordings: { dir: '', downloadConcurrency: 1, extraDownloadHosts: ['localhost'] } }),
  token: { current: async () => 'bench-token', renew: async () => undefined },
  ...(caFile ? { tls: { ca: readFileSync(caFile) } } : {}),
  onProgress: (onDisk) => {
    if (onDisk >= nextSample) {
      console.log(JSON.stringify({ sample: onDisk, rss: process.memoryUsage.rss() }));
      nextSample += 100 * MiB;
    }
  },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ done: true, ...result, seconds, maxRss: process.resourceUsage().maxRSS * 1024 }));
