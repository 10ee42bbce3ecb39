import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZoomRateLimitError } from '../../../src/zoom/errors.js';
import { ARRIVAL_MARGIN_MS as M, RateLimiter, budgetFor, type RateLimiterOptions } from '../../../src/zoom/rate-limit.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const ACCOUNT = 'acct-42';

let redis: Redis;
let otherRedis: Redis;
let prefix: string;
let clock: { now: number };
let sleeps: number[];

/** A limiter on the shared fake clock; its sleeps are recorded and move the clock on. */
function limiter(overrides: Partial<RateLimiterOptions> = {}): RateLimiter {
  return new RateLimiter({
    redis,
    prefix,
    accountId: ACCOUNT,
    plan: 'free',
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    ...overrides,
  });
}

beforeAll(() => {
  redis = testRedis();
  otherRedis = testRedis();
});

beforeEach(() => {
  prefix = uniquePrefix('zoom-rate');
  clock = { now: Date.now() };
  sleeps = [];
});

afterEach(async () => {
  await clearPrefix(redis, prefix);
});

afterAll(() => {
  redis.disconnect();
  otherRedis.disconnect();
});

describe('budgets', () => {
  it('follow the published per-plan tables', () => {
    expect(budgetFor('free', 'default', 'light')).toEqual({ limit: 4, windowMs: 1000 });
    expect(budgetFor('pro', 'default', 'medium')).toEqual({ limit: 20, windowMs: 1000 });
    expect(budgetFor('business', 'default', 'heavy')).toEqual({ limit: 40, windowMs: 1000 });
    expect(budgetFor('business', 'default', 'resource-intensive')).toEqual({ limit: 20, windowMs: 60_000 });
    expect(budgetFor('pro', 'phone', 'light')).toEqual({ limit: 20, windowMs: 1000 });
    expect(budgetFor('business', 'phone', 'resource-intensive')).toEqual({ limit: 10, windowMs: 60_000 });
  });
});

describe('RateLimiter.tryAcquire', () => {
  it('grants the budget, then says how long until the oldest slot frees', async () => {
    const limits = limiter();
    for (let i = 0; i < 4; i++) expect(await limits.tryAcquire('light')).toEqual({ kind: 'granted' });

    // A window is counted M ms longer than Zoom's second (jitter between our grant and Zoom's arrival).
    expect(await limits.tryAcquire('light')).toEqual({ kind: 'wait', ms: 1000 + M });
    clock.now += 400;
    expect(await limits.tryAcquire('light')).toEqual({ kind: 'wait', ms: 600 + M });
    clock.now += 600 + M;
    expect(await limits.tryAcquire('light')).toEqual({ kind: 'granted' });
  });

  it('never lets more than the limit through in any one window', async () => {
    const limits = limiter();
    // Two at the start, two in the middle of the window: a token bucket would allow more at the boundary.
    await limits.tryAcquire('light');
    await limits.tryAcquire('light');
    clock.now += 500;
    await limits.tryAcquire('light');
    await limits.tryAcquire('light');
    clock.now += 600 + M;

    expect(await limits.tryAcquire('light')).toEqual({ kind: 'granted' });
    expect(await limits.tryAcquire('light')).toEqual({ kind: 'granted' });
    expect(await limits.tryAcquire('light')).toEqual({ kind: 'wait', ms: 400 });
  });

  it('counts labels and tables separately', async () => {
    const limits = limiter();
    for (let i = 0; i < 4; i++) await limits.tryAcquire('light');

    expect(await limits.tryAcquire('light')).toMatchObject({ kind: 'wait' });
    expect(await limits.tryAcquire('medium')).toEqual({ kind: 'granted' });
    expect(await limits.tryAcquire('light', 'phone')).toEqual({ kind: 'granted' });
  });

  it('paces resource-intensive calls per minute', async () => {
    const limits = limiter({ plan: 'pro' });
    for (let i = 0; i < 10; i++) await limits.tryAcquire('resource-intensive');

    expect(await limits.tryAcquire('resource-intensive')).toEqual({ kind: 'wait', ms: 60_000 + M });
  });

  it("shares the budget between processes and uses Redis' clock by default", async () => {
    const first = new RateLimiter({ redis, prefix, accountId: ACCOUNT, plan: 'free' });
    const second = new RateLimiter({ redis: otherRedis, prefix, accountId: ACCOUNT, plan: 'free' });
    await first.tryAcquire('light');
    await second.tryAcquire('light');
    await first.tryAcquire('light');
    await second.tryAcquire('light');

    const decision = await first.tryAcquire('light');
    expect(decision.kind).toBe('wait');
    const ms = decision.kind === 'wait' ? decision.ms : 0;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(1000 + M);
  });

  it('lets its keys expire', async () => {
    const limits = limiter();
    await limits.tryAcquire('light');
    await limits.penalize('light', 'default', 2000);
    const keys = await redis.keys(`{${prefix}:*`);

    expect(keys.sort()).toEqual([
      `{${prefix}:zoom-rate}:${ACCOUNT}:default:light`,
      `{${prefix}:zoom-rate}:${ACCOUNT}:default:light:pause`,
    ]);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});

describe('RateLimiter.acquire', () => {
  it('waits exactly as long as the budget needs', async () => {
    const limits = limiter();
    for (let i = 0; i < 6; i++) await limits.acquire('medium');

    // Free Medium is 2 a second: the 3rd and 5th calls each wait a full second.
    expect(sleeps).toEqual([1000 + M, 1000 + M]);
  });

  it('does not wait within the budget', async () => {
    const limits = limiter({ plan: 'business' });
    for (let i = 0; i < 80; i++) await limits.acquire('light');
    expect(sleeps).toEqual([]);
  });
});

describe('RateLimiter.penalize', () => {
  it('holds every process off the label for the given time', async () => {
    await limiter().penalize('light', 'default', 1500);
    const other = limiter({ redis: otherRedis });

    expect(await other.tryAcquire('light')).toEqual({ kind: 'wait', ms: 1500 });
    expect(await other.tryAcquire('medium')).toEqual({ kind: 'granted' });
    await other.acquire('light');
    expect(sleeps).toEqual([1500]);
  });

  it('never shortens a longer pause', async () => {
    const limits = limiter();
    await limits.penalize('light', 'default', 3000);
    await limits.penalize('light', 'default', 500);

    expect(await limits.tryAcquire('light')).toEqual({ kind: 'wait', ms: 3000 });
  });
});

describe('RateLimiter.markExhausted', () => {
  const tomorrow = () => new Date(Math.ceil((Date.now() + 1) / 86_400_000) * 86_400_000);

  it('makes every process fail fast until the reset', async () => {
    const resetsAt = tomorrow();
    await limiter().markExhausted('medium', 'default', resetsAt);
    const other = limiter({ redis: otherRedis });

    const error = await other
      .acquire('medium', 'default', { method: 'GET', path: '/users' })
      .catch((e: unknown) => e as ZoomRateLimitError);

    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error?.resetsAt).toEqual(resetsAt);
    expect(error?.message).toContain('GET /users');
    expect(error?.message).toContain(`resets at ${resetsAt.toISOString().slice(0, 10)} 00:00 UTC`);
    expect(sleeps).toEqual([]);
    await expect(other.acquire('light')).resolves.toBeUndefined();
  });

  it('expires the mark at the reset time', async () => {
    const resetsAt = tomorrow();
    await limiter().markExhausted('light', 'default', resetsAt);
    const key = `{${prefix}:zoom-rate}:${ACCOUNT}:default:light:exhausted`;

    expect(await redis.get(key)).toBe(String(resetsAt.getTime()));
    expect(Math.abs((await redis.pttl(key)) - (resetsAt.getTime() - Date.now()))).toBeLessThan(5_000);
  });

  it('on paid plans exhausts Heavy and Resource-intensive together, which share one daily cap', async () => {
    await limiter({ plan: 'pro' }).markExhausted('heavy', 'default', tomorrow());

    await expect(limiter({ plan: 'pro' }).acquire('resource-intensive')).rejects.toBeInstanceOf(ZoomRateLimitError);
  });

  it('on the free plan keeps their daily caps apart', async () => {
    await limiter().markExhausted('heavy', 'default', tomorrow());

    await expect(limiter().acquire('resource-intensive')).resolves.toBeUndefined();
  });
});
