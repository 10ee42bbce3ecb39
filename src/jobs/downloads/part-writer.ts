// The body's way to disk: the socket reads straight into a few reused buffers (PartWriter, a BodySink of http1.ts),
// each written to the `.part` with one async write once it holds a batch, while the next one fills. Writes keep their
// order, stop the moment the job may no longer write the file (mayWrite), and a failed one fails the transfer as a
// disk failure, never as a network cut.
import { open, type FileHandle } from 'node:fs/promises';
import { DiskWriteError } from './errors.js';
import type { BodySink, Http1Response } from './http1.js';
import { openPartFile, type OpenPart } from './part-file.js';

/**
 * Appends (or, from 0, writes) the response body to `part` and resolves once the body ended whole and is on disk.
 * Never a synchronous write: in role `all` this event loop also answers Zoom webhooks and Slack acks (3 s) and renews
 * BullMQ locks, and one write to NFS/SMB can take seconds. The socket reads into PartWriter's buffers, each written
 * with one async write when it holds a batch, while the next one fills (see PartWriter).
 */
export async function writeBody(
  response: Http1Response,
  part: string,
  append: boolean,
  mayWrite: (() => boolean) | undefined,
  onChunk: (n: number) => void,
  openPart: OpenPart = open,
): Promise<void> {
  // From 0 the `.part` is made anew: only while this job may write it.
  if (!append && mayWrite?.() === false) throw new Error('this file may no longer be written');
  const file = Promise.resolve(await openPartFile(part, append, openPart));
  const writer = new PartWriter(file, part, onChunk, response, mayWrite);
  try {
    // Rejects on a cut connection, on a stop (the request's signal) and on a failed write.
    await response.readBody(writer);
    await writer.finish();
  } finally {
    // What arrived before a cut or a stop is written too: the resume starts after it. Unless mayWrite says no, which
    // every write asks.
    await writer.settled();
    await (await file.catch(() => undefined))?.close();
  }
}

/**
 * Bytes gathered before one write: each write is a hand-off to libuv's thread pool (a wake-up, a context switch), so
 * not too few, and the thread-pool copy into the page cache reads bytes the socket just wrote, cheapest while they are
 * still in a CPU cache, so not too many. 2 GiB from the bench's fake Zoom, interleaved runs, median MiB/s (curl 843):
 * 256 KiB 682–850, 512 KiB 1,063, 1 MiB 1,232, 2 MiB 962, 4 MiB 619.
 */
const BATCH_BYTES = 1_048_576;
/**
 * The most one socket read may take, and the room past a batch for it: a buffer filling up to BATCH_BYTES always has
 * room for one more whole read. (A user buffer is read to its end, not 64 KiB as node's own.)
 */
const READ_ROOM = 65_536;
/**
 * Buffers in all: one filling and the others waiting for (or in) their write. The socket stops reading while all
 * but the filling one wait for the disk, and a reused buffer is warm and already mapped: writing fresh memory cost
 * ~3× the CPU (http1.ts). Three (3.2 MiB a download): one being written, one queued, one filling; four measured the
 * same.
 */
const POOL_SIZE = 3;
/** A batch is written at the latest this long after its first bytes: a slow or stalled body still reaches the disk. */
const BATCH_HOLD_MS = 250;

/**
 * The body's sink (exported for its own test): hands the socket the free part of the filling buffer, and once that
 * holds a batch, queues it for one FileHandle.write and goes on in a free buffer. Writes run one after the other, in order (the `.part` may be
 * opened for append, or be a pipe, where only the order of writes says where bytes go).
 */
export class PartWriter implements BodySink {
  private readonly free: Buffer[] = [];
  /** Buffers that exist: POOL_SIZE, more only while a spare is in use (space()). */
  private buffers = POOL_SIZE;
  private current: Buffer;
  private used = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The socket was told to stop: a full batch waits for a free buffer. */
  private stopped = false;
  /** No more bytes come (the body ended, or was cut): what is held is queued and nothing new is taken. */
  private closed = false;
  /** The first write that failed: every later write is skipped and the transfer fails with it. */
  private failure: Error | undefined;
  /** The chain of writes: each starts when the previous one ended. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: Promise<FileHandle>,
    private readonly path: string,
    private readonly onWritten: (n: number) => void,
    private readonly response: Pick<Http1Response, 'resume' | 'destroy'>,
    private readonly mayWrite: () => boolean = () => true,
  ) {
    for (let i = 1; i < POOL_SIZE; i++) this.free.push(Buffer.allocUnsafe(BATCH_BYTES + READ_ROOM));
    this.current = Buffer.allocUnsafe(BATCH_BYTES + READ_ROOM);
  }

  space(): Buffer {
    // A buffer filled to the brim: TLS hands over bytes it decrypted already after filled() said stop, and http1.ts
    // copies in bytes it read elsewhere. A spare buffer then, dropped once written (released()).
    if (this.used === this.current.length) {
      this.buffers += 1;
      this.queue(Buffer.allocUnsafe(this.current.length));
    }
    return this.current.subarray(this.used, this.used + READ_ROOM);
  }

  filled(n: number): boolean {
    this.used += n;
    if (this.used < BATCH_BYTES) {
      this.timer ??= setTimeout(() => this.holdExpired(), BATCH_HOLD_MS);
      return true;
    }
    const next = this.free.pop();
    if (next) {
      this.queue(next);
      return true;
    }
    this.stopped = true;
    return false;
  }

  /** Queues what is held; resolves once every write ended, or rejects with the first failure. */
  async finish(): Promise<void> {
    this.close();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  /** Queues what is held (bytes that came before a cut or a stop) and resolves once every write ended; never rejects. */
  async settled(): Promise<void> {
    this.close();
    await this.writing.catch(() => undefined);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (this.used > 0) this.queue(undefined);
  }

  /** A slow body: its bytes go to the disk now if a buffer is free (else the write in progress calls again). */
  private holdExpired(): void {
    this.timer = undefined;
    const next = this.free.pop();
    if (next) this.queue(next);
  }

  /** Queues the filling buffer's bytes for writing, and makes `next` the filling one. */
  private queue(next: Buffer | undefined): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const buffer = this.current;
    const bytes = this.used;
    if (next) this.current = next;
    this.used = 0;
    // Never rejects (nothing would handle it until finish()): a failure is kept and ends the response.
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        const handle = await this.file;
        // After the last await: nothing can run between this answer and the write.
        if (!this.mayWrite()) throw new Error('this file may no longer be written; the bytes in hand were dropped');
        await writeAll(handle, buffer.subarray(0, bytes));
      } catch (error) {
        return this.fail(new DiskWriteError(`writing ${this.path} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`));
      }
      try {
        this.onWritten(bytes);
      } catch (error) {
        return this.fail(error as Error);
      }
      this.released(buffer);
    });
  }

  private fail(error: Error): void {
    this.failure = error;
    this.response.destroy(error);
  }

  /** A written buffer is free again: a full batch waiting for it goes to the disk, and the socket reads on. */
  private released(buffer: Buffer): void {
    if (this.buffers > POOL_SIZE) this.buffers -= 1;
    else this.free.push(buffer);
    if (this.closed) return;
    if (this.used >= BATCH_BYTES || (this.used > 0 && this.timer === undefined)) {
      // Only with a free buffer to go on in: the filling one must never be read into while it is being written. None
      // is free only when a spare was just dropped, and then two writes are still on their way: the next one comes back.
      const next = this.free.pop();
      if (next) this.queue(next);
    }
    if (this.stopped && this.used < BATCH_BYTES) {
      this.stopped = false;
      this.response.resume();
    }
  }
}

/** A write may take less than asked (a signal, a full pipe); the rest goes in further calls. */
async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; ) at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
}
