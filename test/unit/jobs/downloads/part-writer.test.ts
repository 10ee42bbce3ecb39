// The download's writer on its own, with a disk whose writes end when the test says: a buffer being written is never
// read into, even when bytes keep coming after the socket was told to stop (TLS does that) and a spare buffer is used.
import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PartWriter } from '../../../../src/jobs/downloads/part-writer.js';

const MiB = 1_048_576;
const READ = 65_536;

/** A file whose writes wait for the test; each write's bytes are taken when it ends, as a disk reads them then. */
function slowDisk() {
  const pending: Array<() => void> = [];
  const written: Buffer[] = [];
  const handle = {
    write: (buffer: Buffer, offset: number, length: number) =>
      new Promise((resolve) =>
        pending.push(() => {
          written.push(Buffer.from(buffer.subarray(offset, offset + length)));
          resolve({ bytesWritten: length });
        }),
      ),
  } as unknown as FileHandle;
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    handle,
    written,
    /** Ends the oldest write in progress and lets the writer react. */
    async finishOne() {
      await settle();
      pending.shift()!();
      await settle();
    },
  };
}

describe('PartWriter', () => {
  it('never reads into a buffer on its way to disk, spare buffer included, and writes every byte in order', async () => {
    const disk = slowDisk();
    let stopped = false;
    const writer = new PartWriter(Promise.resolve(disk.handle), 'f.part', () => undefined, {
      resume: () => (stopped = false),
      destroy: (error) => {
        throw error ?? new Error('destroyed');
      },
    });
    /** One socket read of `n` bytes of `value`, as http1.ts does it. */
    const read = (value: number, n = READ) => {
      const space = writer.space();
      space.fill(value, 0, n);
      if (!writer.filled(n)) stopped = true;
    };
    const expected: Buffer[] = [];
    const readBatch = (value: number, bytes: number) => {
      for (let at = 0; at < bytes; at += READ) read(value, Math.min(READ, bytes - at));
      expected.push(Buffer.alloc(bytes, value));
    };

    readBatch(1, MiB); // written (in progress)
    readBatch(2, MiB); // queued
    readBatch(3, MiB); // full, no buffer free: the socket stops
    expect(stopped).toBe(true);
    // TLS hands over what it decrypted already: the buffer fills to the brim, the next read takes a spare.
    read(3);
    expected[2] = Buffer.alloc(MiB + READ, 3);
    readBatch(4, MiB); // the spare, full: still stopped
    expect(stopped).toBe(true);

    // The first write ends and the spare is given up: no buffer is free, so nothing may be read yet.
    await disk.finishOne();
    expect(stopped).toBe(true);
    // The second ends: a buffer is free, the full spare is queued, the socket reads on.
    await disk.finishOne();
    expect(stopped).toBe(false);
    readBatch(5, 200_000);
    const finished = writer.finish();
    for (let i = 0; i < 3; i++) await disk.finishOne();
    await finished;

    expect(disk.written.map((b) => [b[0], b.length])).toEqual(expected.map((b) => [b[0], b.length]));
    expect(Buffer.concat(disk.written).equals(Buffer.concat(expected))).toBe(true);
  });
});
