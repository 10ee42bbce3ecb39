// The worker side of bench/download.ts: one real downloadFile() (the code the download job runs) in its own process,
// so its memory and CPU are measured alone. Says {"ready":true} once loaded and starts on a line on stdin (the bench
// decides when, as it does for curl). Prints one JSON line per 100 MiB (RSS then) and one at the end, with the CPU
// time (user + system, process.cpuUsage) the download took. BENCH_CLIENT picks the HTTP client: undici (default),
// http1 (src/jobs/downloads/http1.ts) or node-http (node:http, for comparison only).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import { downloadFile } from '../src/jobs/downloads/transfer.js';
import { downloadHosts } from '../src/jobs/downloads/hosts.js';
import { get as http1Get, type HttpGet } from '../src/jobs/downloads/http1.js';
import { get as undiciGet, StreamedResponse } from '../src/jobs/downloads/undici-client.js';

/** node:http into the same part writer (its body chunks copied in, as undici's are). */
const nodeHttpGet: HttpGet = (url, options) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { headers: options.headers, signal: options.signal, ...(options.tls ?? {}) }, (res) =>
      resolve(new StreamedResponse(res.statusCode!, res.headers, res)),
    );
    req.once('error', reject);
    req.end();
  });

const clients: Record<string, HttpGet> = { undici: undiciGet, http1: http1Get, 'node-http': nodeHttpGet };
const client = clients[process.env.BENCH_CLIENT ?? 'undici'];
if (!client) throw new Error(`BENCH_CLIENT must be one of ${Object.keys(clients).join(', ')}`);

const [url, destination, size, apiUrl, caFile] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const MiB = 1_048_576;
const expectedSize = Number(size);
let nextSample = 100 * MiB;
const input = createInterface({ input: process.stdin });
console.log(JSON.stringify({ ready: true }));
await once(input, 'line');
input.close();
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();

const result = await downloadFile({
  url,
  destination,
  expectedSize,
  client,
  hosts: downloadHosts({ zoom: { apiUrl } as never, recordings: { dir: '', downloadConcurrency: 1, extraDownloadHosts: ['localhost'] } } as never),
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
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ done: true, ...result, seconds, cpuSeconds, maxRss: process.resourceUsage().maxRSS * 1024 }));
process.exit(0);
