// One writer per recording file across every job and worker: a Redis lock per destination path (the BullMQ dedupe keys
// cannot see that "Download all", a single-file job, a share job, or the meeting's numeric ID and its UUID name the same
// file). Taken with SET NX PX, renewed while the file is written, released compare-and-delete.
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';

/** A crashed worker's lock frees itself after this; a live one renews it every third of it. */
const LOCK_TTL_MS = 30_000;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface PathLock {
  /** Aborted when the lock was found taken by someone else (it expired while Redis or this process stalled). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export function downloadLockKey(keyPrefix: string, relativePath: string): string {
  return `${keyPrefix}:download-lock:${relativePath}`;
}

/** The lock on `key` for `owner`, or undefined when another owner holds it. */
export async function takePathLock(redis: Redis, key: string, owner: string, log: Logger, ttlMs = LOCK_TTL_MS): Promise<PathLock | undefined> {
  // The random part tells two runs of the same job apart (a stalled run must not renew the lock of its successor).
  const value = `${owner}:${Math.random().toString(36).slice(2)}`;
  if ((await redis.set(key, value, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  const lost = new AbortController();
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, value, String(ttlMs))
      .then((renewed) => {
        if (renewed === 0 && !lost.signal.aborted) {
          clearInterval(timer);
          lost.abort(new Error('another job took over this file'));
        }
      })
      // Redis unreachable: try again at the next tick; the TTL decides if the lock survives.
      .catch((error: unknown) => log.warn({ err: error }, 'could not renew a download lock'));
  }, ttlMs / 3);
  timer.unref();
  return {
    lost: lost.signal,
    release: async () => {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, value).catch((error: unknown) => log.warn({ err: error }, 'could not release a download lock'));
    },
  };
}

/** Who holds the lock (the job ID part), for a message; undefined when nobody does. */
export async function pathLockHolder(redis: Redis, key: string): Promise<string | undefined> {
  const value = await redis.get(key);
  return value?.replace(/:[^:]*$/, '');
}
