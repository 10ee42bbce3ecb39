// One writer per recording file across every job and worker: a Redis lock per destination path (the BullMQ dedupe keys
// cannot see that "Download all", a single-file job, a share job, or the meeting's numeric ID and its UUID name the same
// file). Taken with SET NX PX, renewed while the file is written, released compare-and-delete. A renewal that cannot
// reach Redis is no proof of anything, so the lock also keeps its own validity time (Redlock's): past it, this process
// no longer holds the lock, answered or not, and must stop writing before a successor can have taken over.
import type { RedisClient } from '../../redis.js';
import type { Logger } from '../../log.js';
import { redisKey } from '../../redis-keys.js';

/** A crashed worker's lock frees itself after this; a live one renews it every third of it. */
const LOCK_TTL_MS = 30_000;
/**
 * The lock is given up this long before its TTL could run out in Redis. The TTL is counted from when a SET or renewal
 * was sent (Redis starts it later, on receipt); the margin covers what that does not: Redis's clock running faster
 * than this host's (Redlock's drift), and a check that passed just before the deadline whose write (one 256 KiB
 * batch, up to seconds on NFS) lands after it. A longer margin costs nothing while renewals get through (every 10 s).
 */
const VALIDITY_MARGIN_MS = 2_000;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface PathLock {
  /**
   * Aborted when the lock was found taken by someone else, or when its validity time ran out before a renewal got
   * through (Redis or this process stalled): either way another job may be writing the file now.
   */
  readonly lost: AbortSignal;
  /**
   * Whether this process may still write: not released, not lost and within the validity time. No Redis round trip,
   * so it can be asked before every write; past the validity time it aborts `lost` too.
   */
  readonly held: () => boolean;
  release(): Promise<void>;
}

export function downloadLockKey(keyPrefix: string, relativePath: string): string {
  return redisKey(keyPrefix, 'download-lock', relativePath);
}

/** The lock on `key` for `owner`, or undefined when another owner holds it. `ttlMs` must exceed VALIDITY_MARGIN_MS. */
export async function takePathLock(redis: RedisClient, key: string, owner: string, log: Logger, ttlMs = LOCK_TTL_MS): Promise<PathLock | undefined> {
  // The random part tells two runs of the same job apart (a stalled run must not renew the lock of its successor).
  const value = `${owner}:${Math.random().toString(36).slice(2)}`;
  // Times on the monotonic clock: a wall clock set back (NTP) must not lengthen the validity.
  const sent = performance.now();
  if ((await redis.set(key, value, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  const lost = new AbortController();
  let validUntil = 0;
  let expiry: NodeJS.Timeout | undefined;
  // A renewal sent just before release() may be answered after it: that answer must neither re-arm the expiry (which
  // would abort `lost` on a lock long released) nor count as holding the lock again.
  let released = false;
  const stopTimers = () => {
    clearInterval(timer);
    clearTimeout(expiry);
  };
  const giveUp = (reason: string) => {
    stopTimers();
    if (!lost.signal.aborted) lost.abort(new Error(reason));
  };
  const expired = () => giveUp('the lock on this file could not be renewed in time; another job may have taken over');
  // The expiry timer aborts `lost` at the deadline even when nothing asks held() (a stalled body writes nothing).
  // Renewal answers may arrive out of order: the latest send that Redis confirmed counts.
  const validFrom = (sentAt: number) => {
    validUntil = Math.max(validUntil, sentAt + ttlMs - VALIDITY_MARGIN_MS);
    clearTimeout(expiry);
    expiry = setTimeout(expired, validUntil - performance.now());
    expiry.unref();
  };
  const timer = setInterval(() => {
    const renewing = performance.now();
    redis
      .eval(RENEW, 1, key, value, String(ttlMs))
      .then((renewed) => {
        if (released || lost.signal.aborted) return;
        if (renewed === 0) giveUp('another job took over this file');
        else validFrom(renewing);
      })
      // Redis unreachable: try again at the next tick; past the validity time the expiry gives the lock up.
      .catch((error: unknown) => log.warn({ err: error }, 'could not renew a download lock'));
  }, ttlMs / 3);
  timer.unref();
  validFrom(sent);
  return {
    lost: lost.signal,
    held: () => {
      if (released) return false;
      if (performance.now() >= validUntil) expired();
      return !lost.signal.aborted;
    },
    release: async () => {
      released = true;
      stopTimers();
      await redis.eval(RELEASE, 1, key, value).catch((error: unknown) => log.warn({ err: error }, 'could not release a download lock'));
    },
  };
}

/** Who holds the lock (the job ID part), for a message; undefined when nobody does. */
export async function pathLockHolder(redis: RedisClient, key: string): Promise<string | undefined> {
  const value = await redis.get(key);
  return value?.replace(/:[^:]*$/, '');
}
