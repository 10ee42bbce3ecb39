// The per-file download lock on real Redis, on a fake clock: a job whose renewals get through keeps the lock for as
// long as it writes; a job whose renewals cannot get through (Redis unreachable or stalled) stops holding it once
// the TTL less the safety margin has passed since the last confirmed renewal, without waiting for Redis to answer,
// since by then another job may have taken the file over.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { silentLogger } from '../../../../src/log.js';
import { downloadLockKey, takePathLock } from '../../../../src/jobs/downloads/path-lock.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../../helpers/redis.js';

const prefix = uniquePrefix('path-lock');
const redis = testRedis();
afterAll(async () => {
  await clearPrefix(redis, prefix);
  await redis.quit();
});
afterEach(() => {
  vi.useRealTimers();
});

// Only the clock and the timers the lock uses: the Redis connection's own I/O stays real.
const useFakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
/** The default TTL (30 s) and safety margin (2 s) of the lock. */
const VALID_FOR_MS = 28_000;
let files = 0;
const freshKey = () => downloadLockKey(prefix, `meeting/file-${++files}.mp4`);

describe('download path lock', () => {
  it('stays held well past its first TTL while its renewals get through', async () => {
    useFakeClock();
    const key = freshKey();
    const lock = (await takePathLock(redis, key, 'job-1', silentLogger))!;

    for (let second = 10; second <= 60; second += 10) {
      await vi.advanceTimersByTimeAsync(10_000);
      // A command on the same connection is answered after the renewal sent before it.
      await redis.ping();
    }

    expect(lock.held()).toBe(true);
    expect(lock.lost.aborted).toBe(false);
    expect(await redis.get(key)).toMatch(/^job-1:/);
    await lock.release();
    expect(await redis.get(key)).toBeNull();
  });

  const failures: Array<[string, (conn: Redis) => void]> = [
    ['Redis cannot be reached (every renewal fails)', (conn) => conn.disconnect()],
    ['Redis stalls (no renewal is ever answered)', (conn) => vi.spyOn(conn, 'eval').mockReturnValue(new Promise(() => undefined))],
  ];
  it.each(failures)('stops being held once its validity time ran out when %s, and aborts lost', async (_, fail) => {
    const conn = testRedis();
    onTestFinished(() => conn.disconnect());
    await conn.ping();
    useFakeClock();
    const lock = (await takePathLock(conn, freshKey(), 'job-1', silentLogger))!;
    fail(conn);

    // Two renewals failed; the TTL taken with the lock has not run out: still held.
    await vi.advanceTimersByTimeAsync(VALID_FOR_MS - 1);
    expect(lock.held()).toBe(true);
    expect(lock.lost.aborted).toBe(false);

    // The TTL less the margin has passed: given up by the lock's own timer, nobody having asked, and no answer needed.
    await vi.advanceTimersByTimeAsync(1);
    expect(lock.lost.aborted).toBe(true);
    expect((lock.lost.reason as Error).message).toBe('the lock on this file could not be renewed in time; another job may have taken over');
    expect(lock.held()).toBe(false);
  });
});
