// Slack's own limits, shared by every process through Redis: chat.update is about 50 a minute per workspace
// (progress bars and digests spend from one budget), and posting is about one message a second per channel.
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from '../redis.js';
import { RedisScript, deleteIfHolding } from '../redis-script.js';
import { SlidingWindow, extendPause } from '../sliding-window.js';
import { redisKey, shardKey } from '../redis-keys.js';

/**
 * How long a relay job waits for a channel's pace before a post; a longer wait means the channel is saturated: an
 * event is folded into the digest, or the job moves to delayed rather than hold one of the relay's slots.
 */
export const MAX_PACE_WAIT_MS = 3_000;

/** Below Slack's ~50/min so that a burst of command answers still has room. */
export const CHAT_UPDATES_PER_MINUTE = 45;

/** One message a second into a channel. */
const CHANNEL_POST_MS = 1_000;

export class SlackPacing {
  readonly updates: SlidingWindow;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    now?: () => number,
  ) {
    this.updates = new SlidingWindow(redis, this.key('chat-update'), { limit: CHAT_UPDATES_PER_MINUTE, windowMs: 60_000 }, now);
  }

  /**
   * New messages into one channel: one a second. Each channel's pace has a hash tag of its own, so on a cluster the
   * relay's pacing spreads over the masters with the channels instead of taking every post to one slot.
   */
  channel(channelId: string): ChannelPace {
    return new ChannelPace(this.redis, shardKey(this.keyPrefix, 'slack-pace', channelId, 'post'));
  }

  // One hash tag for the workspace's budget: each script's three keys (derived from this one) share a cluster slot.
  private key(name: string): string {
    return redisKey(this.keyPrefix, 'slack-pace', name);
  }
}

// A channel's pace is one grant a second: the sliding window of one (a grant now iff none in the last second) is a key
// that lives one second, so a take is `SET NX PX` with no clock to read and no log to trim (3 commands with the
// pause's PTTL and EVALSHA, where the sorted-set window took 8). The pause (a 429's Retry-After, for every process) is
// the key SlidingWindow.pause writes, alive exactly as long as the pause. The burst mark (KEYS[3], set while a digest
// of the channel has events waiting for its next post or update) is read only when ARGV[2] asks: a foldable alert then
// takes a grant that is free now or none (-1: fold it), instead of waiting its turn.
// Returns 0 (granted), the ms until a grant may be free, or -1.
const takeChannelSlot = new RedisScript(`
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  if ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
  return paused
end
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return 0 end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
return math.max(1, redis.call('PTTL', KEYS[1]))
`);

/** One channel's pace of new messages, shared by every process (the same calls as SlidingWindow's). */
export class ChannelPace {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => delay(ms),
  ) {}

  /** 0 when a grant was taken, else the ms until one may be free. */
  async tryTake(): Promise<number> {
    return Math.max(0, await this.ask(false));
  }

  /**
   * For an alert that may be folded into the channel's digest: while a burst is on (its digest has events waiting),
   * a grant only if one is free now, else `fold`; otherwise as takeWithin.
   */
  async takeOrFold(maxWaitMs: number): Promise<'take' | 'fold'> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const wait = await this.ask(true);
      if (wait === 0) return 'take';
      if (wait < 0 || Date.now() + wait > deadline) return 'fold';
      await this.sleep(wait);
    }
  }

  /**
   * Takes a grant if one frees within `maxWaitMs`, waiting for it; else takes none and says false at once, so a caller
   * that must not hold its worker slot that long can give the work back (a BullMQ job moved to delayed).
   */
  async takeWithin(maxWaitMs: number): Promise<boolean> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const wait = await this.tryTake();
      if (wait === 0) return true;
      if (Date.now() + wait > deadline) return false;
      await this.sleep(wait);
    }
  }

  async take(): Promise<void> {
    for (let wait = await this.tryTake(); wait > 0; wait = await this.tryTake()) await this.sleep(wait);
  }

  /** Holds every process off this channel for `ms` (a 429's Retry-After); never shortens a longer pause. */
  async pause(ms: number): Promise<void> {
    await extendPause.run(this.redis, [`${this.key}:pause`], ['', Math.max(1, Math.ceil(ms))]);
  }

  /** A digest of the channel (`digest`) has events waiting for its next post or update; the mark lapses after `ms`. */
  async markBurst(digest: string, ms: number): Promise<void> {
    await this.redis.set(`${this.key}:burst`, digest, 'PX', ms);
  }

  /** Every event of this digest is shown: the burst it marked is over (unless a newer digest marked its own). */
  async endBurst(digest: string): Promise<void> {
    // Only if the mark is still this digest's: a newer digest's events may be waiting.
    await deleteIfHolding.run(this.redis, [`${this.key}:burst`], [digest]);
  }

  private async ask(burstMeansNow: boolean): Promise<number> {
    return Number(await takeChannelSlot.run(this.redis, [`${this.key}:grant`, `${this.key}:pause`, `${this.key}:burst`], [CHANNEL_POST_MS, burstMeansNow ? '1' : '']));
  }
}
