// One recording file from Zoom to disk: streamed (constant memory) into `<name>.part`, resumed with an HTTP Range
// request from the bytes already on disk, and renamed to its final name only when complete and of Zoom's size.
// Redirects are followed by hand (node:http, which never follows them itself) so the bearer token goes to Zoom's
// host only, and only allowed hosts are reached. The requests go through http1.ts, whose socket reads the body straight
// into PartWriter's few reused buffers, or through undici (ZOOMOPS_DOWNLOAD_CLIENT; see httpClient() for why not by
// default). Only files under the recordings root are written, never through a symlink (makeFolderInside, openPartFile).
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import type { DownloadHosts } from './hosts.js';
import { ConnectionCutError, get as http1Get, HttpProtocolError, type BodySink, type Http1Response, type HttpGet } from './http1.js';
import { get as undiciGet } from './undici-client.js';

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
  /**
   * The folder every download stays inside (ZOOMOPS_RECORDINGS_DIR): a folder, `.part` or final file that resolves
   * outside it, or is a symlink, is refused (anyone who can write there could plant one). Default: the destination's
   * folder.
   */
  root?: string;
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
  /** Opens the `.part` (fs.promises.open); replaceable in tests (a disk whose writes fail). */
  openPart?: (path: string, flags: number) => Promise<FileHandle>;
  /** Extra TLS settings for the download hosts (tests trust their own certificate authority here). */
  tls?: ConnectionOptions;
  /** The HTTP client (httpClient()): http1.ts unless ZOOMOPS_DOWNLOAD_CLIENT says undici. */
  client?: HttpGet;
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

/**
 * The client ZOOMOPS_DOWNLOAD_CLIENT names. http1.ts is the default: at 100 MB/s it took less than half of undici's
 * CPU per GiB, and two thirds of its peak RSS (bench/download.ts; the figures are in the README, "Recording downloads").
 */
export function httpClient(name: 'http1' | 'undici' = 'http1'): HttpGet {
  return name === 'undici' ? undiciGet : http1Get;
}

export async function downloadFile(options: TransferOptions): Promise<TransferResult> {
  const { destination } = options;
  const part = `${destination}.part`;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const maxAttempts = options.maxAttempts ?? 5;
  await makeFolderInside(options.root ?? dirname(destination), dirname(destination));

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
    const onDisk = await usablePart(options, part);
    // Whole on disk already (a run stopped between its last write and the rename); an empty file has no `.part` yet.
    if (options.expectedSize !== undefined && onDisk === options.expectedSize && onDisk > 0) {
      await changePart(options, part, () => rename(part, destination));
      return { bytes: onDisk, resumedFrom, fetched, alreadyThere: false };
    }
    await ensureSpace(options, dirname(destination), (options.expectedSize ?? 0) - onDisk);
    try {
      const received = await fetchInto(options, part, onDisk, (n, written) => {
        fetched += n;
        options.onProgress?.(written, fetched);
      });
      await changePart(options, part, () => rename(part, destination));
      return { bytes: received, resumedFrom, fetched, alreadyThere: false };
    } catch (error) {
      if (options.signal?.aborted || options.mayWrite?.() === false) throw new DownloadStoppedError((await sizeOf(part)) ?? 0);
      if (!(error instanceof TransientDownloadError)) throw error;
      if (error instanceof StartOverError) await changePart(options, part, () => unlink(part).catch(() => undefined));
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
async function usablePart(options: TransferOptions, part: string): Promise<number> {
  const size = (await sizeOf(part)) ?? 0;
  if (options.expectedSize !== undefined && size > options.expectedSize) {
    await changePart(options, part, () => unlink(part));
    return 0;
  }
  return size;
}

/**
 * Renames or removes the `.part` only while `mayWrite` allows it, asked right before (no await between): a job that
 * lost the file's lock must not rename or remove what another job is now appending to.
 */
async function changePart<T>(options: TransferOptions, part: string, change: () => Promise<T>): Promise<T> {
  if (options.mayWrite?.() === false) throw new DownloadStoppedError((await sizeOf(part)) ?? 0);
  return change();
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
  let response: Http1Response | undefined;
  try {
    response = await openDownload(options, onDisk, signal);
    const start = startOf(response, onDisk);
    const total = announcedTotal(response, start) ?? options.expectedSize;
    if (options.expectedSize !== undefined && total !== options.expectedSize) {
      throw new DownloadRefusedError(
        `Zoom announced ${total} bytes where the recording's file_size says ${options.expectedSize}; nothing was saved`,
      );
    }
    let written = start;
    try {
      await writeBody(response, part, start > 0, options.mayWrite, (n) => {
        written += n;
        const now = Date.now();
        if (now - lastReset > 1_000) {
          lastReset = now;
          clearTimeout(timer);
          timer = setTimeout(() => idle.abort(), idleMs);
        }
        onChunk(n, written);
      }, options.openPart);
    } catch (error) {
      if (options.signal?.aborted || error instanceof DownloadRefusedError) throw error;
      if (error instanceof DiskWriteError || error instanceof HttpProtocolError) throw new TransientDownloadError(error.message);
      if (idle.signal.aborted) throw new TransientDownloadError(`no data for ${Math.round(idleMs / 1000)} s`);
      // A cut, or a socket error (ECONNRESET, a TLS alert: they carry a code). Anything else is a defect of ours (a
      // throwing progress callback): it fails the job as it is rather than passing for a network cut.
      if (error instanceof ConnectionCutError || (error as NodeJS.ErrnoException).code !== undefined) throw new TransientDownloadError('the connection was cut');
      throw error;
    }
    const size = (await sizeOf(part)) ?? 0;
    if (total !== undefined && size < total) throw new TransientDownloadError(`the connection ended after ${size} of ${total} bytes`);
    if (total !== undefined && size > total) {
      await changePart(options, part, () => unlink(part));
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
    // Every way out closes the connection (a refusal, a failed open of the .part); once ended, a no-op.
    response?.destroy();
    clearTimeout(timer);
  }
}

/** Writing the `.part` failed (disk full, I/O error): said as such, never as a network cut. */
class DiskWriteError extends Error {}

/**
 * Appends (or, from 0, writes) the response body to `part` and resolves once the body ended whole and is on disk.
 * Never a synchronous write: in role `all` this event loop also answers Zoom webhooks and Slack acks (3 s) and renews
 * BullMQ locks, and one write to NFS/SMB can take seconds. The socket reads into PartWriter's buffers, each written
 * with one async write when it holds a batch, while the next one fills (see PartWriter).
 */
async function writeBody(
  response: Http1Response,
  part: string,
  append: boolean,
  mayWrite: (() => boolean) | undefined,
  onChunk: (n: number) => void,
  openPart: TransferOptions['openPart'] = open,
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

/**
 * GETs the file from `onDisk` on, following redirects by hand: every hop must be an allowed host, and the token
 * goes only to the first one, Zoom's `download_url` (the signed storage URL needs none and must never see it).
 */
async function openDownload(options: TransferOptions, onDisk: number, signal: AbortSignal): Promise<Http1Response> {
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
    let response: Http1Response;
    try {
      response = await (options.client ?? http1Get)(url, { headers, signal, ...(options.tls ? { tls: options.tls } : {}) });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof HttpProtocolError) throw new TransientDownloadError(`${url.host}: ${error.message}`);
      throw new TransientDownloadError(error instanceof ConnectionCutError ? `${url.host} closed the connection` : `${url.host} could not be reached`);
    }
    const { status } = response;
    const location = response.headers.get('location');
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
      const type = response.headers.get('content-type') ?? '';
      if (/^text\/html/i.test(type.trim())) {
        response.destroy();
        // Zoom's way of saying "not allowed" with a 200 (docs/platform-facts.md, recording downloads): the page must never become the file.
        throw new DownloadRefusedError('Zoom answered with a web page instead of the file (usually a token without access to the recording); nothing was saved');
      }
      if (!response.delimited) {
        response.destroy();
        // Its end would be the connection's: a cut would look like a complete file (with no file_size to check it).
        throw new DownloadRefusedError(`${url.host} sent the file with neither a length nor chunked framing, so a cut could not be told from its end; nothing was saved`);
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
function startOf(response: Http1Response, onDisk: number): number {
  if (response.status === 200) return 0;
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  if (!range || Number(range[1]) !== onDisk) {
    response.destroy();
    throw new StartOverError('the server answered a different range than asked; starting over');
  }
  return onDisk;
}

/** The whole file's size as the server announces it (Content-Range total, or Content-Length of a full answer). */
function announcedTotal(response: Http1Response, start: number): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  return response.bodyLength === undefined ? undefined : start + response.bodyLength;
}

/** The size of the regular file at `path` (undefined: none there); a symlink or anything else there is refused. */
async function sizeOf(path: string): Promise<number | undefined> {
  let found;
  try {
    found = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!found.isFile()) throw notRegular(path);
  return found.size;
}

function notRegular(path: string): DownloadRefusedError {
  return new DownloadRefusedError(`${path} is not a regular file (a symlink or a folder was put there); nothing was written through it`);
}

/**
 * Creates `folder` inside `root` one level at a time, never through a symlink: every level must be a real folder, and
 * the result must resolve inside the root's real path (the root itself may be a symlink, the admin's choice).
 */
async function makeFolderInside(root: string, folder: string): Promise<void> {
  const rel = relative(resolve(root), resolve(folder));
  if (rel.startsWith('..') || isAbsolute(rel)) throw new DownloadRefusedError(`${folder} is outside ${root}; nothing was written`);
  await mkdir(root, { recursive: true });
  let at = resolve(root);
  for (const level of rel.split(sep).filter(Boolean)) {
    at = join(at, level);
    await mkdir(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    if (!(await lstat(at)).isDirectory()) throw new DownloadRefusedError(`${at} is not a folder (a symlink was put there?); nothing was written through it`);
  }
  const real = await realpath(folder);
  const realRoot = await realpath(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new DownloadRefusedError(`${folder} resolves outside ${root}; nothing was written`);
}

/**
 * Opens the `.part` without following a symlink (O_NOFOLLOW): to append to the regular file there, or from 0 as a new
 * file (O_EXCL, after removing a previous regular `.part`), so that a symlink planted meanwhile fails the open instead
 * of receiving the bytes. The handle is checked to be a regular file (a FIFO or device is refused too).
 */
async function openPartFile(part: string, append: boolean, openPart: NonNullable<TransferOptions['openPart']>): Promise<FileHandle> {
  const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  if (!append && (await sizeOf(part)) !== undefined) await unlink(part);
  let handle: FileHandle;
  try {
    handle = await openPart(part, append ? O_WRONLY | O_APPEND | O_NOFOLLOW : O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EEXIST') throw notRegular(part);
    throw new DiskWriteError(`opening ${part} failed (${code ?? (error as Error).message})`);
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw notRegular(part);
  }
  return handle;
}

function formatMb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
