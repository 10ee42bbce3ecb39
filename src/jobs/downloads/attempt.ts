// One attempt at a file: one request (with its redirects, redirects.ts) whose body is appended to the `.part`
// (part-writer.ts), checked against the size Zoom announced. A connection silent for too long is dropped. Every
// failure leaves as one of errors.ts's kinds, which is what the retry loop (transfer.ts) decides on: a cut, a protocol
// error or a failed write is worth another attempt; a refusal is final.
import { unlink } from 'node:fs/promises';
import { CodedError, hasCode } from '../../errors.js';
import { DownloadRefusedError, StartOverError, TransientDownloadError, type DiskWriteError } from './errors.js';
import type { HttpProtocolError, Http1Response } from './http1.js';
import { changePart, sizeOf, type OpenPart } from './part-file.js';
import { writeBody } from './part-writer.js';
import { openDownload, type DownloadSource } from './redirects.js';

export interface AttemptOptions extends DownloadSource {
  /** Zoom's `file_size` in bytes; without it the server's announced length is checked instead. */
  expectedSize?: number;
  /**
   * Asked right before every write to the `.part` (e.g. "this job still holds the file's lock"); keep it cheap. Once it
   * says no it must keep saying no: the bytes in hand are dropped, nothing more is written, and the call throws
   * DownloadStoppedError.
   */
  mayWrite?: () => boolean;
  /** A connection that sends nothing for this long is dropped and resumed. Default 60 s. */
  idleTimeoutMs?: number;
  /** Opens the `.part` (fs.promises.open); replaceable in tests (a disk whose writes fail). */
  openPart?: OpenPart;
}

/** One request (with its redirects) whose body is appended to the part; resolves with the complete size. */
export async function attemptDownload(
  options: AttemptOptions,
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
      if (hasCode<DiskWriteError | HttpProtocolError>(error, 'download_disk_write', 'http_protocol')) throw new TransientDownloadError(error.message);
      if (idle.signal.aborted) throw new TransientDownloadError(`no data for ${Math.round(idleMs / 1000)} s`);
      // A cut, or a socket error. Anything else is a defect of ours (a throwing progress callback): it fails the job as
      // it is rather than passing for a network cut.
      if (connectionFailed(error)) throw new TransientDownloadError('the connection was cut');
      throw error;
    }
    const size = (await sizeOf(part)) ?? 0;
    if (total !== undefined && size < total) throw new TransientDownloadError(`the connection ended after ${size} of ${total} bytes`);
    if (total !== undefined && size > total) {
      await changePart(options.mayWrite, part, () => unlink(part));
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

/**
 * The connection failed under the body: a cut (either client's ConnectionCutError), or an error of the socket
 * (ECONNRESET, a TLS alert), which node and undici give a code. Our own errors carry a code too, so they must not
 * pass for one: a CodedError counts only as the cut it says it is.
 */
function connectionFailed(error: unknown): boolean {
  if (error instanceof CodedError) return error.code === 'connection_cut';
  return (error as NodeJS.ErrnoException).code !== undefined;
}
