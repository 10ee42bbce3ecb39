// Slack's own limits, shared by every process through Redis: chat.update is about 50 a minute per workspace
// (progress bars and digests spend from one budget), and posting is about one message a second per channel.
import type { RedisClient } from '../redis.js';
import { SlidingWindow } from '../sliding-window.js';
import { redisKey, shardKey } from '../redis-keys.js';

/**
 * How long a relay job waits for a channel's pace before a post; a longer wait means the channel is saturated: an
 * event is folded into the digest, or the job moves to delayed rather than hold one of the relay's slots.
 */
export const MAX_PACE_WAIT_MS = 3_000;

/** Below Slack's ~50/min so that a burst of command answers still has room. */
export const CHAT_UPDATES_PER_MINUTE = 45;

export class SlackPacing {
  readonly updates: SlidingWindow;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly now?: () => number,
  ) {
    this.updates = new SlidingWindow(redis, this.key('chat-update'), { limit: CHAT_UPDATES_PER_MINUTE, windowMs: 60_000 }, now);
  }

  /**
   * New messages into one channel: one a second. Each channel's pace has a hash tag of its own, so on a cluster the
   * relay's pacing spreads over the masters with the channels instead of taking every post to one slot.
   */
  channel(channelId: string): SlidingWindow {
    return new SlidingWindow(this.redis, shardKey(this.keyPrefix, 'slack-pace', channelId, 'post'), { limit: 1, windowMs: 1_000 }, this.now);
  }

  // One hash tag for the workspace's budget: each script's three keys (derived from this one) share a cluster slot.
  private key(name: string): string {
    return redisKey(this.keyPrefix, 'slack-pace', name);
  }
}
