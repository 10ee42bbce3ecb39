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

/** A connection of the test's own, for a test that breaks it or spies on it. */
async function ownConnection(): Promise<Redis> {
  const conn = testRedis();
  onTestFinished(() => conn.disconnect());
  await conn.ping();
  return conn;
}

/**
 * Holds back the answers to the next `count` renewals on `conn` (its eval calls) until the test delivers them: each
 * renewal still reaches Redis when it is sent, only its answer comes back late. Commands after those go through as usual.
 */
function holdBackRenewalAnswers(conn: Redis, count: number): Array<() => Promise<void>> {
  const evalNow = conn.eval.bind(conn) as (...args: unknown[]) => Promise<unknown>;
  const deliveries: Array<() => Promise<void>> = [];
  const spy = vi.spyOn(conn, 'eval');
  for (let i = 0; i < count; i++) {
    spy.mockImplementationOnce((...args: unknown[]) => {
      const answer = evalNow(...args);
      return new Promise((resolve) => deliveries.push(async () => resolve(await answer)));
    });
  }
  return deliveries;
}

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
    const conn = await ownConnection();
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

  it('is lost at once, well within its validity time, when a renewal finds another job holding the file', async () => {
    useFakeClock();
    const key = freshKey();
    const lock = (await takePathLock(redis, key, 'job-1', silentLogger))!;
    // As if the key had expired in Redis and another job had taken the file.
    await redis.set(key, 'job-2:other', 'PX', 30_000);

    await vi.advanceTimersByTimeAsync(10_000);
    await redis.ping();

    expect(lock.lost.aborted).toBe(true);
    expect((lock.lost.reason as Error).message).toBe('another job took over this file');
    expect(lock.held()).toBe(false);
    // Its release leaves the other job's lock alone.
    await lock.release();
    expect(await redis.get(key)).toBe('job-2:other');
  });

  it('counts the later-sent renewal when the answers arrive out of order', async () => {
    const conn = await ownConnection();
    useFakeClock();
    const lock = (await takePathLock(conn, freshKey(), 'job-1', silentLogger))!;
    const renewals = holdBackRenewalAnswers(conn, 2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(renewals).toHaveLength(2);

    // The renewal sent at 20 s is answered first, the one sent at 10 s last: the lock stays valid from 20 s on.
    await renewals[1]!();
    await renewals[0]!();
    conn.disconnect();

    await vi.advanceTimersByTimeAsync(VALID_FOR_MS - 1);
    expect(lock.held()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(lock.lost.aborted).toBe(true);
    expect(lock.held()).toBe(false);
  });

  it('is no longer held once released, and is never lost afterwards', async () => {
    useFakeClock();
    const key = freshKey();
    const lock = (await takePathLock(redis, key, 'job-1', silentLogger))!;

    await lock.release();
    expect(await redis.get(key)).toBeNull();
    expect(lock.held()).toBe(false);

    await vi.advanceTimersByTimeAsync(VALID_FOR_MS * 2);
    expect(lock.held()).toBe(false);
    expect(lock.lost.aborted).toBe(false);
  });

  const lateAnswers: Array<[string, (key: string) => Promise<unknown>]> = [
    ['confirms it', async () => undefined],
    ['finds another job holding the file', (key) => redis.set(key, 'job-2:other', 'PX', 30_000)],
  ];
  it.each(lateAnswers)('ignores a renewal sent before release() and answered after it that %s', async (_, beforeRenewal) => {
    const conn = await ownConnection();
    useFakeClock();
    const key = freshKey();
    const lock = (await takePathLock(conn, key, 'job-1', silentLogger))!;
    const renewals = holdBackRenewalAnswers(conn, 1);
    await beforeRenewal(key);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(renewals).toHaveLength(1);

    const releasing = lock.release();
    await renewals[0]!();
    await releasing;

    expect(lock.held()).toBe(false);
    expect(lock.lost.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(VALID_FOR_MS * 2);
    expect(lock.held()).toBe(false);
    expect(lock.lost.aborted).toBe(false);
  });
});
