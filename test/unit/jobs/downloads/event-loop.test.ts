// A download never blocks the event loop, even on storage that takes its time to accept each write (NFS, SMB): the
// same loop answers Zoom webhooks and Slack acks within 3 s and renews BullMQ locks. The slow storage is real, not a
// mock: the `.part` is opened as a named pipe whose reader (another process) reads the next 64 KiB only after this process has
// answered its last message. A download that blocked the loop while a write waits for the pipe could never answer,
// so reader and download would wait on each other for ever: the proof is in the order of events, not in a timing.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadHosts } from '../../../../src/jobs/downloads/hosts.js';
import { downloadFile } from '../../../../src/jobs/downloads/transfer.js';
import { FileServer, fileBytes } from '../../../helpers/file-server.js';

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

// Reads the pipe 64 KiB at a time; after each read it says "read" and waits for this process to answer before the
// next. At the end it prints the sha256 and length of all it read. Gives up after 15 s so nothing hangs.
const HANDSHAKING_READER = `
const fs = require('node:fs');
const hash = require('node:crypto').createHash('sha256');
setTimeout(() => process.exit(2), 15000).unref();
const fd = fs.openSync(process.argv[1], 'r');
const buf = Buffer.alloc(65536);
let total = 0;
const next = () => {
  const n = fs.readSync(fd, buf, 0, buf.length, null);
  if (n === 0) { process.stdout.write(JSON.stringify({ total, sha: hash.digest('hex') })); process.exit(0); }
  hash.update(buf.subarray(0, n));
  total += n;
  process.stdout.write('read\\n');
};
process.stdin.on('data', next);
next();
`;

describe('downloadFile on slow storage', () => {
  it('keeps the event loop running while every write waits for the storage', async () => {
    // More than the writer's buffers hold (3 MiB): the socket stops while they all wait for the pipe, and reads on.
    const content = fileBytes(4 * 1_048_576);
    server.files.set('SLOW', content);
    const destination = join(dir, 'slow.mp4');
    const fifo = join(dir, 'slow.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn(process.execPath, ['-e', HANDSHAKING_READER, fifo], { stdio: ['pipe', 'pipe', 'inherit'] });
    // The `.part` is opened as the pipe; the download refuses anything but a regular file, so the pipe passes for one.
    const openPipe = async (): Promise<FileHandle> => {
      const pipe = await open(fifo, 'w');
      return Object.assign(Object.create(pipe) as FileHandle, {
        write: (bytes: Buffer, offset: number, length: number) => pipe.write(bytes, offset, length),
        stat: async () => ({ isFile: () => true }),
        close: () => pipe.close(),
      });
    };
    let printed = '';
    let answered = 0;
    reader.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      // Each "read" is answered from this event loop: only a loop that is not stuck in a write can do it.
      for (const _ of text.matchAll(/read\n/g)) {
        answered += 1;
        reader.stdin.write('go\n');
      }
      printed += text.replace(/read\n/g, '');
    });
    const readerDone = new Promise<void>((resolve) => reader.once('exit', () => resolve()));

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
      openPart: openPipe,
    }).catch(() => undefined);
    await readerDone;

    const got = JSON.parse(printed) as { total: number; sha: string };
    expect(got).toEqual({ total: content.length, sha: createHash('sha256').update(content).digest('hex') });
    expect(answered).toBeGreaterThanOrEqual(content.length / 65_536);
  }, 20_000);
});
