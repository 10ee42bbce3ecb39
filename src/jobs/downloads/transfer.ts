// One recording file from Zoom to disk, and the retry loop around it: streamed (constant memory) into `<name>.part`,
// resumed with an HTTP Range request from the bytes already on disk after a cut, with backoff, and renamed to its final
// name only when complete and of Zoom's size. Each attempt is attempt.ts (the request: redirects.ts; the body to disk:
// part-writer.ts; the folder and `.part`, never through a symlink: part-file.ts). The requests go through http1.ts, or
// through undici (ZOOMOPS_DOWNLOAD_CLIENT; see httpClient() for why not by default).
import { rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { attemptDownload, type AttemptOptions } from './attempt.js';
import { DownloadRefusedError, DownloadStoppedError, StartOverError, TransientDownloadError } from './errors.js';
import { get as http1Get, type HttpGet } from './http1.js';
import { changePart, makeFolderInside, sizeOf } from './part-file.js';
import { ensureSpace } from './space.js';
import { get as undiciGet } from './undici-client.js';

export interface TransferOptions extends AttemptOptions {
  /** The final path; the bytes go to `<destination>.part` until complete. */
  destination: string;
  /**
   * The folder every download stays inside (ZOOMOPS_RECORDINGS_DIR): a folder, `.part` or final file that resolves
   * outside it, or is a symlink, is refused (anyone who can write there could plant one). Default: the destination's
   * folder.
   */
  root?: string;
  /** Bytes of this file on disk so far, and bytes this call has received; called for every chunk, so keep it cheap. */
  onProgress?: (bytesOnDisk: number, fetched: number) => void;
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
      await changePart(options.mayWrite, part, () => rename(part, destination));
      return { bytes: onDisk, resumedFrom, fetched, alreadyThere: false };
    }
    await ensureSpace(dirname(destination), (options.expectedSize ?? 0) - onDisk, options.freeSpace);
    try {
      const received = await attemptDownload(options, part, onDisk, (n, written) => {
        fetched += n;
        options.onProgress?.(written, fetched);
      });
      await changePart(options.mayWrite, part, () => rename(part, destination));
      return { bytes: received, resumedFrom, fetched, alreadyThere: false };
    } catch (error) {
      if (options.signal?.aborted || options.mayWrite?.() === false) throw new DownloadStoppedError((await sizeOf(part)) ?? 0);
      if (!(error instanceof TransientDownloadError)) throw error;
      if (error instanceof StartOverError) await changePart(options.mayWrite, part, () => unlink(part).catch(() => undefined));
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
    await changePart(options.mayWrite, part, () => unlink(part));
    return 0;
  }
  return size;
}
