// A download never blocks the event loop, even on storage that takes its time to accept each write (NFS, SMB): the
// same loop answers Zoom webhooks and Slack acks within 3 s and renews BullMQ locks. The slow storage is real, not a
// mock: the `.part` is a named pipe whose reader (another process) takes 64 KiB every 200 ms, so every write into it
// blocks in the kernel until the reader has room, whichever fs API the download uses.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadHosts } from '../../../../src/jobs/downloads/hosts.js';
import { downloadFile } from '../../../../src/jobs/downloads/transfer.js';
import { FileServer, fileBytes } from './file-server.js';

const server = new FileServer();
let dir: string;
beforeAll(async () => {
  await server.start();
  dir = await mkdtemp(join(tmpdir(), 'zoomops-loop-'));
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

// Reads the pipe slowly and prints the sha256 and length of all it read; gives up after 15 s so nothing hangs.
const SLOW_READER = `
const fs = require('node:fs');
const hash = require('node:crypto').createHash('sha256');
setTimeout(() => process.exit(2), 15000).unref();
const fd = fs.openSync(process.argv[1], 'r');
const buf = Buffer.alloc(65536);
let total = 0;
const tick = () => {
  const n = fs.readSync(fd, buf, 0, buf.length, null);
  if (n === 0) { process.stdout.write(JSON.stringify({ total, sha: hash.digest('hex') })); process.exit(0); }
  hash.update(buf.subarray(0, n));
  total += n;
  setTimeout(tick, 200);
};
tick();
`;

describe('downloadFile on slow storage', () => {
  it('keeps the event loop responsive (delay under 60 ms) while every write waits for the storage', async () => {
    const content = fileBytes(768 * 1024);
    server.files.set('SLOW', content);
    const destination = join(dir, 'slow.mp4');
    execFileSync('mkfifo', [`${destination}.part`]);
    const reader = spawn(process.execPath, ['-e', SLOW_READER, `${destination}.part`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    reader.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const readerDone = new Promise<void>((resolve) => reader.once('exit', () => resolve()));

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    // A pipe has no size, so the transfer ends unsure of what reached "disk"; only the bytes the reader got matter here.
    await downloadFile({
      url: server.downloadUrl('SLOW'),
      destination,
      expectedSize: content.length,
      hosts: downloadHosts({ zoom: { apiUrl: `${server.zoomOrigin}/v2` } as never, recordings: { dir, downloadConcurrency: 1, extraDownloadHosts: ['localhost'] } }),
      token: { current: async () => 'zoom-token', renew: async () => undefined },
      maxAttempts: 1,
      sleep: async () => undefined,
      freeSpace: async () => Number.MAX_SAFE_INTEGER,
    }).catch(() => undefined);
    await readerDone;
    loop.disable();

    const got = JSON.parse(printed) as { total: number; sha: string };
    expect(got).toEqual({ total: content.length, sha: createHash('sha256').update(content).digest('hex') });
    expect(loop.max / 1e6).toBeLessThan(60);
  }, 20_000);
});
