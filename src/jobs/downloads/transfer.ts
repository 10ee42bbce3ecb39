// One recording file from Zoom to disk: streamed (constant memory) into `<name>.part`, resumed with an HTTP Range
// request from the bytes already on disk, and renamed to its final name only when complete and of Zoom's size.
// Redirects are followed by hand (node:http, which never follows them itself) so the bearer token goes to Zoom's
// host only, and only allowed hosts are reached. node:http rather than fetch: no web-stream hop, ≥ 90 % of curl.
import { mkdir, open, rename, stat, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { DownloadHosts } from './hosts.js';

/** The bearer token for `download_url`, and a fresh one after Zoom answered 401. */
export interface BearerSource {
  current(): Promise<string>;
  /** A token to try instead of `rejected`, or undefined when there is none. */
  renew(rejected: string): Promise<string | undefined>;
}

export interface TransferOptions {
  /** Zoom's `download_url`. */
  url: string;
  /** The final path; the bytes go to `<destination>.part` until complete. */
  destination: string;
  /** Zoom's `file_size` in bytes; without it the server's announced length is checked instead. */
  expectedSize?: number;
  hosts: DownloadHosts;
  token: BearerSource;
  /** Stops at the next chunk: the `.part` keeps what arrived and a later call resumes from there. */
  signal?: AbortSignal;
  /**
   * Asked right before every write to the `.part` (e.g. "this job still holds the file's lock"); keep it cheap. Once it
   * says no it must keep saying no: the bytes in hand are dropped, nothing more is written, and the call throws
   * DownloadStoppedError.
   */
  mayWrite?: () => boolean;
  /** Bytes of this file on disk so far, and bytes this call has received; called for every chunk, so keep it cheap. */
  onProgress?: (bytesOnDisk: number, fetched: number) => void;
  /** A connection that sends nothing for this long is dropped and resumed. Default 60 s. */
  idleTimeoutMs?: number;
  /** Attempts in a row that add no byte before the file is given up. Default 5. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Free bytes where the file goes (fs.statfs); replaceable in tests. */
  freeSpace?: (dir: string) => Promise<number>;
}

export interface TransferResult {
  /** Size of the finished file. */
  bytes: number;
  /** Bytes on disk before this call (resumed from), or the whole file when it was already there. */
  resumedFrom: number;
  /** Bytes this call received over the network. */
  fetched: number;
  /** The final file existed with the right size; nothing was fetched. */
  alreadyThere: boolean;
}

/** The download cannot succeed by trying again (a refused host, an HTML page, no space …): one sentence why. */
export class DownloadRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** The download stopped because `signal` was aborted (shutdown, cancel) or `mayWrite` said no; the `.part` is kept for a resume. */
export class DownloadStoppedError extends Error {
  constructor(readonly bytesOnDisk: number) {
    super('the download was stopped; it resumes from the bytes on disk');
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A failure worth another attempt from the bytes on disk (network cut, 5xx, an expired signed URL). */
class TransientDownloadError extends Error {}

/** The server no longer agrees with the bytes on disk: the next attempt starts the file over. */
class StartOverError extends TransientDownloadError {}

const MAX_REDIRECTS = 5;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export async function downloadFile(options: TransferOptions): Promise<TransferResult> {
  const { destination } = options;
  const part = `${destination}.part`;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const maxAttempts = options.maxAttempts ?? 5;
  await mkdir(dirname(destination), { recursive: true });

  const finished = await sizeOf(destination);
  if (finished !== undefined && (options.expectedSize === undefined || finished === options.expectedSize)) {
    return { bytes: finished, resumedFrom: finished, fetched: 0, alreadyThere: true };
  }

  const resumedFrom = (await sizeOf(part)) ?? 0;
  let fetched = 0;
  let failures = 0;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted) throw new DownloadStoppedError((await sizeOf(part)) ?? 0);
    const onDisk = await usablePart(part, options.expectedSize);
    if (options.expectedSize !== undefined && onDisk === options.expectedSize) {
      await rename(part, destination);
      return { bytes: onDisk, resumedFrom, fetched, alreadyThere: false };
    }
    await ensureSpace(options, dirname(destination), (options.expectedSize ?? 0) - onDisk);
    try {
      const received = await fetchInto(options, part, onDisk, (n, written) => {
        fetched += n;
        options.onProgress?.(written, fetched);
      });
      await rename(part, destination);
      return { bytes: received, resumedFrom, fetched, alreadyThere: false };
    } catch (error) {
      if (options.signal?.aborted || options.mayWrite?.() === false) throw new DownloadStoppedError((await sizeOf(part)) ?? 0);
      if (!(error instanceof TransientDownloadError)) throw error;
      if (error instanceof StartOverError) await unlink(part).catch(() => undefined);
      lastError = error;
    }
    // A network cut after progress is not a failure in a row: a 3 GB file may lose its connection several times.
    const now = (await sizeOf(part)) ?? 0;
    failures = now > onDisk ? 1 : failures + 1;
    if (failures >= maxAttempts) {
      throw new DownloadRefusedError(`the download kept failing (${(lastError as Error).message}); it resumes from the bytes on disk when tried again`);
    }
    await sleep(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1)));
  }
}

/** Bytes in the `.part` that can be resumed from; a part longer than the file is broken and starts over. */
async function usablePart(part: string, expectedSize: number | undefined): Promise<number> {
  const size = (await sizeOf(part)) ?? 0;
  if (expectedSize !== undefined && size > expectedSize) {
    await unlink(part);
    return 0;
  }
  return size;
}

async function ensureSpace(options: TransferOptions, dir: string, needed: number): Promise<void> {
  if (needed <= 0) return;
  const free = await (options.freeSpace ?? freeBytes)(dir);
  if (free < needed) {
    throw new DownloadRefusedError(
      `not enough disk space in ${dir}: the file needs ${formatMb(needed)} more and ${formatMb(free)} is free; free some space or point ZOOMOPS_RECORDINGS_DIR elsewhere`,
    );
  }
}

export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return Number(fs.bavail) * Number(fs.bsize);
}

/** One request (with its redirects) whose body is appended to the part; resolves with the complete size. */
async function fetchInto(
  options: TransferOptions,
  part: string,
  onDisk: number,
  onChunk: (n: number, written: number) => void,
): Promise<number> {
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(() => idle.abort(), idleMs);
  let lastReset = Date.now();
  try {
    const response = await openDownload(options, onDisk, signal);
    const start = startOf(response, onDisk);
    const total = announcedTotal(response, start) ?? options.expectedSize;
    if (options.expectedSize !== undefined && total !== options.expectedSize) {
      response.destroy();
      throw new DownloadRefusedError(
        `Zoom announced ${total} bytes where the recording's file_size says ${options.expectedSize}; nothing was saved`,
      );
    }
    let written = start;
    try {
      await writeBody(response, part, start > 0, signal, options.mayWrite, (n) => {
        written += n;
        const now = Date.now();
        if (now - lastReset > 1_000) {
          lastReset = now;
          clearTimeout(timer);
          timer = setTimeout(() => idle.abort(), idleMs);
        }
        onChunk(n, written);
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof DiskWriteError) throw new TransientDownloadError(error.message);
      throw new TransientDownloadError(idle.signal.aborted ? `no data for ${Math.round(idleMs / 1000)} s` : 'the connection was cut');
    }
    const size = (await sizeOf(part)) ?? 0;
    if (total !== undefined && size < total) throw new TransientDownloadError(`the connection ended after ${size} of ${total} bytes`);
    if (total !== undefined && size > total) {
      await unlink(part);
      throw new DownloadRefusedError(`Zoom sent ${size} bytes where ${total} were expected; the partial file was removed`);
    }
    return size;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (idle.signal.aborted && !(error instanceof TransientDownloadError)) {
      throw new TransientDownloadError(`no answer for ${Math.round(idleMs / 1000)} s`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Writing the `.part` failed (disk full, I/O error): said as such, never as a network cut. */
class DiskWriteError extends Error {}

/**
 * Appends (or, from 0, writes) the response body to `part` and resolves once the body ended whole and is on disk.
 * Never a synchronous write: in role `all` this event loop also answers Zoom webhooks and Slack acks (3 s) and renews
 * BullMQ locks, and one write to NFS/SMB can take seconds. Nor one thread-pool write per 64 KiB chunk (what
 * fs.createWriteStream does; ~37k futex calls per 512 MiB): PartWriter gathers chunks into 256 KiB batches written
 * with one async writev each, one after the other, while the body keeps arriving; the response pauses only when two
 * batches wait for the disk (memory ≤ ~1 MiB).
 */
async function writeBody(
  response: IncomingMessage,
  part: string,
  append: boolean,
  signal: AbortSignal,
  mayWrite: (() => boolean) | undefined,
  onChunk: (n: number) => void,
): Promise<void> {
  // The handle is opened while the body already flows into the writer (which holds it until the handle is there):
  // the body must start flowing in this same tick, before the socket can close under it.
  const file = open(part, append ? 'a' : 'w');
  file.catch(() => undefined);
  const writer = new PartWriter(file, part, onChunk, mayWrite);
  const stop = () => response.destroy(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
  try {
    if (signal.aborted) {
      stop();
      throw signal.reason;
    }
    signal.addEventListener('abort', stop, { once: true });
    // Rejects on a cut connection (an IncomingMessage that closes before its end), on destroy() and on a failed write.
    await pipeline(response, writer);
  } finally {
    signal.removeEventListener('abort', stop);
    // What arrived before a cut or a stop is written too (the writer flushes on destroy): the resume starts after it.
    // Unless mayWrite says no, which every write asks.
    await writer.settled();
    await (await file.catch(() => undefined))?.close();
  }
}

/**
 * Bytes gathered before one write. Small: the thread-pool copy into the page cache is this job's bottleneck, and it
 * reads bytes this thread just wrote, so it is cheapest while they are still in a CPU cache. bench/download.ts, same
 * runs as curl: 2 MiB batches 55 %, 1 MiB ~53 %, 256 KiB 73 %, 128 KiB 72 % of curl's median; writing a static buffer
 * instead of the body's bytes ran at curl's speed, so the cost is the cold source, not the page cache.
 */
const BATCH_BYTES = 262_144;
/**
 * Bytes handed to the disk and not yet written before the response pauses: two batches, so that the socket keeps being
 * read while one is written (with room for one only, the body paused for every batch and reading and writing took
 * turns, ~1000 pauses per 2 GiB), and no more, so that a batch is written while still warm: 16 batches queued gave
 * 69 % of curl, 2 gave 77–82 % (the socket's own kernel buffer keeps the sender busy during a pause).
 */
const QUEUED_BYTES = 2 * BATCH_BYTES;
/** A batch is written at the latest this long after its first chunk: a slow or stalled body still reaches the disk. */
const BATCH_HOLD_MS = 250;

/**
 * A Writable that coalesces chunks into batches written with one FileHandle.writev each, in order (one write at a
 * time: the `.part` may be opened for append, or be a pipe, where only the order of writes says where bytes go). The
 * write callback returns at once while less than QUEUED_BYTES wait for the disk, else once a write has made room; the
 * Writable's own buffer (one batch) then fills and pipeline() pauses the response.
 */
class PartWriter extends Writable {
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes in batches handed to `writing` and not yet on disk. */
  private queued = 0;
  /** The write callback held back while QUEUED_BYTES wait for the disk. */
  private held: ((error?: Error | null) => void) | undefined;
  /** The first write that failed: every later write and the end of the stream fail with it. */
  private failure: Error | undefined;
  /** The chain of writes: each starts when the previous one ended; rejects for good after a failed write. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: Promise<FileHandle>,
    private readonly path: string,
    private readonly onWritten: (n: number) => void,
    private readonly mayWrite: () => boolean = () => true,
  ) {
    super({ highWaterMark: BATCH_BYTES });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.add(chunk, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (let i = 0; i < chunks.length - 1; i++) this.gather(chunks[i]!.chunk);
    this.add(chunks[chunks.length - 1]!.chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.flush().then(
      () => callback(error),
      (writeError: Error) => callback(error ?? writeError),
    );
  }

  /** Destroys the writer if still open (which writes what it holds), and resolves once every write has ended. */
  async settled(): Promise<void> {
    if (!this.closed) {
      const closed = new Promise((resolve) => this.once('close', resolve));
      this.destroy();
      await closed;
    }
    await this.writing.catch(() => undefined);
  }

  private gather(chunk: Buffer): void {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
  }

  private add(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.failure) return callback(this.failure);
    this.gather(chunk);
    if (this.batchBytes >= BATCH_BYTES) void this.flush().catch(() => undefined);
    else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => undefined);
      }, BATCH_HOLD_MS);
    }
    if (this.queued >= QUEUED_BYTES) this.held = callback;
    else callback();
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batchBytes === 0) return this.writing;
    const buffers = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.queued += bytes;
    this.writing = this.writing.then(async () => {
      try {
        const handle = await this.file;
        // After the last await: nothing can run between this answer and the writev.
        if (!this.mayWrite()) throw new Error('this file may no longer be written; the bytes in hand were dropped');
        await writeAll(handle, buffers, bytes);
      } catch (error) {
        throw new DiskWriteError(`writing ${this.path} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      this.queued -= bytes;
      this.onWritten(bytes);
    });
    this.writing.then(
      () => this.madeRoom(),
      (error: Error) => this.failed(error),
    );
    return this.writing;
  }

  private madeRoom(): void {
    if (!this.held || this.queued >= QUEUED_BYTES) return;
    const callback = this.held;
    this.held = undefined;
    callback();
  }

  /** Called once per batch still chained behind the failed write: the first error counts. */
  private failed(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const callback = this.held;
    this.held = undefined;
    if (callback) callback(error);
    else this.destroy(error);
  }
}

/** writev may write less than asked (a signal, a full pipe); the rest goes in further calls. */
async function writeAll(file: FileHandle, buffers: Buffer[], bytes: number): Promise<void> {
  let { bytesWritten } = await file.writev(buffers);
  while (bytesWritten < bytes) {
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    bytesWritten += (await file.write(rest)).bytesWritten;
  }
}

/** One GET, answered with its status and headers; the body is the response stream itself (never buffered). */
function get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers, signal });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/**
 * GETs the file from `onDisk` on, following redirects by hand: every hop must be an allowed host, and the token
 * goes only to the first one, Zoom's `download_url` (the signed storage URL needs none and must never see it).
 */
async function openDownload(options: TransferOptions, onDisk: number, signal: AbortSignal): Promise<IncomingMessage> {
  let url = new URL(options.url);
  let token = options.hosts.isZoom(url) ? await options.token.current() : undefined;
  let renewed = false;
  for (let hop = 0; ; ) {
    if (!options.hosts.allowed(url)) {
      const where = hop === 0 ? '' : ' (Zoom redirected there)';
      throw new DownloadRefusedError(
        `${url.host} is not an allowed download host${where}; add it to ZOOMOPS_DOWNLOAD_HOSTS if it is Zoom's storage`,
      );
    }
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (onDisk > 0) headers.range = `bytes=${onDisk}-`;
    if (hop === 0 && token) headers.authorization = `Bearer ${token}`;
    let response: IncomingMessage;
    try {
      response = await get(url, headers, signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new TransientDownloadError('Zoom could not be reached');
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.destroy();
      if (++hop > MAX_REDIRECTS) throw new DownloadRefusedError(`Zoom redirected more than ${MAX_REDIRECTS} times`);
      url = new URL(location, url);
      continue;
    }
    if (status === 401 && hop === 0 && token && !renewed) {
      // An expired access token, or a webhook download token past its 24 h: one more try with a fresh one.
      response.destroy();
      renewed = true;
      token = await options.token.renew(token);
      if (token) continue;
    }
    if (status === 200 || status === 206) {
      const type = response.headers['content-type'] ?? '';
      if (/^text\/html/i.test(type.trim())) {
        response.destroy();
        // Zoom's way of saying "not allowed" with a 200 (zoom-facts §5): the page must never become the file.
        throw new DownloadRefusedError('Zoom answered with a web page instead of the file (usually a token without access to the recording); nothing was saved');
      }
      return response;
    }
    response.destroy();
    if (status === 416) {
      // The server no longer agrees with what is on disk: start the file over.
      throw new StartOverError('the server refused to resume (HTTP 416); starting over');
    }
    // 403 on storage is an expired signed URL: a new one comes from download_url on the next attempt.
    if (status >= 500 || status === 429 || (status === 403 && hop > 0) || status === 408) {
      throw new TransientDownloadError(`HTTP ${status} from ${url.host}`);
    }
    if (status === 401) throw new DownloadRefusedError('Zoom refused the download token (HTTP 401) even after a fresh one; check the app has the recording read scope');
    if (status === 404) throw new DownloadRefusedError('Zoom has no such file any more (HTTP 404); it may have been deleted');
    throw new DownloadRefusedError(`Zoom refused the download (HTTP ${status} from ${url.host})`);
  }
}

/** Where this answer's body starts: `onDisk` for a 206 that continues the part, 0 for a whole file. */
function startOf(response: IncomingMessage, onDisk: number): number {
  if (response.statusCode === 200) return 0;
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers['content-range']?.trim() ?? '');
  if (!range || Number(range[1]) !== onDisk) {
    response.destroy();
    throw new StartOverError('the server answered a different range than asked; starting over');
  }
  return onDisk;
}

/** The whole file's size as the server announces it (Content-Range total, or Content-Length of a full answer). */
function announcedTotal(response: IncomingMessage, start: number): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers['content-range']?.trim() ?? '');
  if (range) return Number(range[1]);
  const length = response.headers['content-length'];
  return length !== undefined && /^\d+$/.test(length) ? start + Number(length) : undefined;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
