// The `.part` and its folder on disk. Only files under the recordings root are written, and never through a symlink
// (anyone who can write in ZOOMOPS_RECORDINGS_DIR could plant one): folders are made one level at a time and checked,
// the `.part` is opened with O_NOFOLLOW, and a job that lost the file's lock changes nothing (changePart).
import { constants } from 'node:fs';
import { lstat, mkdir, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DiskWriteError, DownloadRefusedError, DownloadStoppedError } from './errors.js';

/** Opens the `.part` (fs.promises.open); replaceable in tests (a disk whose writes fail). */
export type OpenPart = (path: string, flags: number) => Promise<FileHandle>;

/** The size of the regular file at `path` (undefined: none there); a symlink or anything else there is refused. */
export async function sizeOf(path: string): Promise<number | undefined> {
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
 * Renames or removes the `.part` only while `mayWrite` allows it, asked right before (no await between): a job that
 * lost the file's lock must not rename or remove what another job is now appending to.
 */
export async function changePart<T>(mayWrite: (() => boolean) | undefined, part: string, change: () => Promise<T>): Promise<T> {
  if (mayWrite?.() === false) throw new DownloadStoppedError((await sizeOf(part)) ?? 0);
  return change();
}

/**
 * Creates `folder` inside `root` one level at a time, never through a symlink: every level must be a real folder, and
 * the result must resolve inside the root's real path (the root itself may be a symlink, the admin's choice).
 */
export async function makeFolderInside(root: string, folder: string): Promise<void> {
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
export async function openPartFile(part: string, append: boolean, openPart: OpenPart): Promise<FileHandle> {
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
