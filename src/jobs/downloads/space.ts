// Free disk space where recordings go: a download job refuses up front what the disk cannot take (all its files), and
// every file is checked again right before it starts, so a full disk is said in one sentence, not as a failed write.
import { stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { DownloadRefusedError } from './errors.js';

export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return Number(fs.bavail) * Number(fs.bsize);
}

/** Refuses a file that needs `needed` more bytes than `dir` has free. */
export async function ensureSpace(dir: string, needed: number, freeSpace: (dir: string) => Promise<number> = freeBytes): Promise<void> {
  if (needed <= 0) return;
  const free = await freeSpace(dir);
  if (free < needed) {
    throw new DownloadRefusedError(
      `not enough disk space in ${dir}: the file needs ${formatMb(needed)} more and ${formatMb(free)} is free; free some space or point ZOOMOPS_RECORDINGS_DIR elsewhere`,
    );
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** Bytes the files still need on disk: each one's size less what its final file or `.part` already holds. */
export async function bytesStillNeeded(folder: string, files: ReadonlyArray<{ name: string; size?: number | undefined }>): Promise<number> {
  let needed = 0;
  for (const file of files) {
    if (file.size === undefined) continue;
    const final = await sizeOrZero(join(folder, file.name));
    if (final === file.size) continue;
    needed += file.size - Math.min(file.size, await sizeOrZero(join(folder, `${file.name}.part`)));
  }
  return needed;
}

async function sizeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** statfs needs a path that exists; the meeting's folder may not yet. */
export async function existingParent(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = join(current, '..');
      if (parent === current) return current;
      current = parent;
    }
  }
}
