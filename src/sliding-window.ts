// The one sliding-window counter every shared budget uses (Zoom's per-label limits, Slack's chat.update): a log of
// grant times in a Redis sorted set, taken atomically by one Lua script. A channel's posting pace, one a second, is the
// window of one and needs no log (slack/pacing.ts, ChannelPace); it shares the pause (extendPause).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from './redis.js';
import { RedisScript } from './redis-script.js';

// Every script reads its clock from ARGV[1]: empty means Redis TIME, so all processes share one clock;
// tests pass a fake clock instead.
const CLOCK = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// At most `limit` grants in any window, which is how Zoom and Slack count. GCRA or a token bucket would be O(1)
// but lets up to twice the limit through across a window boundary, and these budgets are shared.
// Returns 0 (granted), the ms until a slot frees, or -resetsAt (epoch ms) while the quota is marked exhausted.
export const takeSlot = new RedisScript(`${CLOCK}
local window_key, pause_key, exhausted_key = KEYS[1], KEYS[2], KEYS[3]
local limit, window_ms, member = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local resets_at = tonumber(redis.call('GET', exhausted_key))
if resets_at and resets_at > now then return -resets_at end
local paused_until = tonumber(redis.call('GET', pause_key))
if paused_until and paused_until > now then return paused_until - now end
redis.call('ZREMRANGEBYSCORE', window_key, '-inf', now - window_ms)
if redis.call('ZCARD', window_key) < limit then
  redis.call('ZADD', window_key, now, member)
  redis.call('PEXPIRE', window_key, math.max(window_ms, 60000))
  return 0
end
local oldest = redis.call('ZRANGE', window_key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window_ms - now)
`);

// Extends a pause to now + ms; never shortens a longer pause another process has set.
export const extendPause = new RedisScript(`${CLOCK}
local ms = tonumber(ARGV[2])
local until_ms = now + ms
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= until_ms then return current end
redis.call('SET', KEYS[1], until_ms, 'PX', ms)
return until_ms
`);

/** The clock argument of the scripts: a fake clock's reading, or empty for Redis' own. */
export function clockArg(now?: () => number): string {
  return now ? String(Math.floor(now())) : '';
}

export interface WindowBudget {
  limit: number;
  windowMs: number;
}

/**
 * One shared budget under one key, for callers that need no daily quota: take a slot (waiting as long as
 * needed), try for one without waiting, or hold everyone off after the platform said 429.
 * Keys share the caller's hash tag, so the script's three keys live in one cluster slot.
 */
export class SlidingWindow {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly budget: WindowBudget,
    private readonly now?: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => delay(ms),
  ) {}

  /** 0 when a slot was taken, else the ms until one frees. */
  async tryTake(): Promise<number> {
    const reply = Number(
      await takeSlot.run(
        this.redis,
        [this.key, `${this.key}:pause`, `${this.key}:exhausted`],
        [clockArg(this.now), this.budget.limit, this.budget.windowMs, randomUUID()],
      ),
    );
    return Math.max(0, reply);
  }

  /**
   * Takes a slot if one frees within `maxWaitMs`, waiting for it; else takes none and says false at once, so a caller
   * that must not hold its worker slot that long can give the work back (a BullMQ job moved to delayed).
   */
  async takeWithin(maxWaitMs: number): Promise<boolean> {
    const clock = this.now ?? Date.now;
    const deadline = clock() + maxWaitMs;
    for (;;) {
      const wait = await this.tryTake();
      if (wait === 0) return true;
      if (clock() + wait > deadline) return false;
      await this.sleep(wait);
    }
  }

  async take(): Promise<void> {
    for (let wait = await this.tryTake(); wait > 0; wait = await this.tryTake()) await this.sleep(wait);
  }

  async pause(ms: number): Promise<void> {
    await extendPause.run(this.redis, [`${this.key}:pause`], [clockArg(this.now), Math.max(1, Math.ceil(ms))]);
  }
}
