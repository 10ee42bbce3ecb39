// What the relay remembers in Redis: each event's Slack posts (so a retried job never posts twice), the first
// message of each meeting instance per channel (its thread), and the digest a burst is folded into.
import type { Redis } from 'ioredis';
import { DEDUPE_TTL_MS } from '../ingress/accept.js';

const THREAD_TTL_S = 7 * 24 * 3600;
/** A digest stays open while events keep coming; this long after the last one, alerts post singly again. */
export const DIGEST_IDLE_MS = 60_000;
const DIGEST_LINES = 50;

export interface DigestState {
  ts?: string;
  counts: Record<string, number>;
  lines: string[];
  since?: number;
}

export class RelayState {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** Where this event was already delivered in this channel: a message ts, or `digest`. */
  postedIn(eventKey: string, channel: string): Promise<string | null> {
    return this.redis.hget(this.postedKey(eventKey), channel);
  }

  /** Recorded right after Slack answered, so the in-doubt window is one round trip. */
  async recordPost(eventKey: string, channel: string, ts: string): Promise<void> {
    await this.redis.multi().hset(this.postedKey(eventKey), channel, ts).pexpire(this.postedKey(eventKey), DEDUPE_TTL_MS).exec();
  }

  thread(channel: string, instance: string): Promise<string | null> {
    return this.redis.get(this.threadKey(channel, instance));
  }

  /** The first message of an instance becomes its thread; a later one never replaces it. */
  async claimThread(channel: string, instance: string, ts: string): Promise<void> {
    await this.redis.set(this.threadKey(channel, instance), ts, 'EX', THREAD_TTL_S, 'NX');
  }

  async digestOpen(channel: string): Promise<boolean> {
    return (await this.redis.exists(this.digestKey(channel, 'counts'))) === 1;
  }

  /** Adds one event to the channel's digest and marks it delivered, in one transaction. */
  async fold(channel: string, eventKey: string, eventName: string, line: string, now: number): Promise<void> {
    const counts = this.digestKey(channel, 'counts');
    const lines = this.digestKey(channel, 'lines');
    const since = this.digestKey(channel, 'since');
    await this.redis
      .multi()
      .hincrby(counts, eventName, 1)
      .rpush(lines, line)
      .ltrim(lines, -DIGEST_LINES, -1)
      .set(since, now, 'NX')
      .pexpire(counts, DIGEST_IDLE_MS)
      .pexpire(lines, DIGEST_IDLE_MS)
      .pexpire(since, DIGEST_IDLE_MS)
      .hset(this.postedKey(eventKey), channel, 'digest')
      .pexpire(this.postedKey(eventKey), DEDUPE_TTL_MS)
      .exec();
  }

  /** One process posts the digest message; true for the one that may. */
  async claimDigestMessage(channel: string): Promise<boolean> {
    return (await this.redis.set(this.digestKey(channel, 'ts'), 'pending', 'PX', DIGEST_IDLE_MS, 'NX')) === 'OK';
  }

  async setDigestMessage(channel: string, ts: string): Promise<void> {
    await this.redis.set(this.digestKey(channel, 'ts'), ts, 'PX', DIGEST_IDLE_MS);
  }

  async digest(channel: string): Promise<DigestState> {
    const [ts, counts, lines, since] = await Promise.all([
      this.redis.get(this.digestKey(channel, 'ts')),
      this.redis.hgetall(this.digestKey(channel, 'counts')),
      this.redis.lrange(this.digestKey(channel, 'lines'), 0, -1),
      this.redis.get(this.digestKey(channel, 'since')),
    ]);
    return {
      ...(ts && ts !== 'pending' ? { ts } : {}),
      counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
      lines,
      ...(since ? { since: Number(since) } : {}),
    };
  }

  /** Keeps the digest message as long as its counts, so a late flush still finds it. */
  async touchDigest(channel: string): Promise<void> {
    await this.redis.pexpire(this.digestKey(channel, 'ts'), DIGEST_IDLE_MS);
  }

  // Per feature hash tags: each MULTI above stays within one Redis Cluster slot.
  private postedKey(eventKey: string): string {
    return `${this.keyPrefix}:{relay}:posted:${eventKey}`;
  }
  private threadKey(channel: string, instance: string): string {
    return `${this.keyPrefix}:{relay}:thread:${channel}:${instance}`;
  }
  private digestKey(channel: string, part: string): string {
    return `${this.keyPrefix}:{relay}:digest:${channel}:${part}`;
  }
}
