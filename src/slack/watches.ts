// Watch subscriptions in Redis: which Slack channel relays which Zoom events. Two views of one truth, written
// together in one MULTI: per channel its watches (for the commands), per event name the channels (for the relay).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { EVENT_TOPICS, type WatchTopic } from '../zoom/events.js';

export const Watch = z.object({
  topic: z.string(),
  /** The Zoom events this watch relays: the topic's, or the ones `--events` named. */
  events: z.array(z.string()),
  /** True when `--events` narrowed the topic. */
  narrowed: z.boolean().default(false),
  createdBy: z.string(),
  /** The IANA zone alerts show times in: the zone of the admin who set the watch up. */
  zone: z.string(),
  createdAt: z.string(),
});
export type Watch = z.infer<typeof Watch>;

/** A channel that should receive one event, and the zone its readers see times in. */
export interface WatchingChannel {
  channel: string;
  zone: string;
}

export function eventsOfTopic(topic: WatchTopic, narrowTo?: readonly string[]): string[] {
  return narrowTo && narrowTo.length > 0 ? [...new Set(narrowTo)] : [...EVENT_TOPICS[topic]];
}

export class WatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** Adds or replaces the channel's watch of this topic. Returns the watch it replaced, if any. */
  async add(channel: string, watch: Watch): Promise<Watch | undefined> {
    const before = await this.ofChannel(channel);
    const replaced = before.find((w) => w.topic === watch.topic);
    await this.write(channel, [...before.filter((w) => w.topic !== watch.topic), watch], before);
    return replaced;
  }

  /** Removes the channel's watch of this topic; undefined when there was none. */
  async remove(channel: string, topic: string): Promise<Watch | undefined> {
    const before = await this.ofChannel(channel);
    const removed = before.find((w) => w.topic === topic);
    if (removed) await this.write(channel, before.filter((w) => w.topic !== topic), before);
    return removed;
  }

  /** Removes every watch of a channel (archived, deleted); returns how many there were. */
  async removeChannel(channel: string): Promise<number> {
    const before = await this.ofChannel(channel);
    if (before.length > 0) await this.write(channel, [], before);
    return before.length;
  }

  /** Removes every watch (the app was uninstalled). */
  async removeAll(): Promise<number> {
    let count = 0;
    for (const channel of await this.channels()) count += await this.removeChannel(channel);
    return count;
  }

  async ofChannel(channel: string): Promise<Watch[]> {
    const raw = await this.redis.hgetall(this.channelKey(channel));
    return Object.values(raw).flatMap((text) => {
      const parsed = Watch.safeParse(safeJson(text));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async channels(): Promise<string[]> {
    return (await this.redis.smembers(this.channelsKey())).sort();
  }

  /** The channels an event goes to: one HGETALL, however many channels watch. */
  async channelsFor(eventName: string): Promise<WatchingChannel[]> {
    const raw = await this.redis.hgetall(this.eventKey(eventName));
    return Object.entries(raw).map(([channel, zone]) => ({ channel, zone }));
  }

  // Rewrites the channel's watches and its entries in the per-event index (an event stays indexed while any
  // remaining watch of the channel still covers it).
  private async write(channel: string, watches: Watch[], before: Watch[]): Promise<void> {
    const tx = this.redis.multi();
    tx.del(this.channelKey(channel));
    const covered = new Map<string, string>();
    for (const w of watches) {
      tx.hset(this.channelKey(channel), w.topic, JSON.stringify(w));
      for (const e of w.events) if (!covered.has(e)) covered.set(e, w.zone);
    }
    for (const e of new Set(before.flatMap((w) => w.events))) if (!covered.has(e)) tx.hdel(this.eventKey(e), channel);
    for (const [e, zone] of covered) tx.hset(this.eventKey(e), channel, zone);
    if (watches.length > 0) tx.sadd(this.channelsKey(), channel);
    else tx.srem(this.channelsKey(), channel);
    await tx.exec();
  }

  // One hash tag: the MULTI above spans all these keys, which must share a Redis Cluster slot.
  private channelKey(channel: string): string {
    return `${this.keyPrefix}:{watches}:channel:${channel}`;
  }
  private channelsKey(): string {
    return `${this.keyPrefix}:{watches}:channels`;
  }
  private eventKey(eventName: string): string {
    return `${this.keyPrefix}:{watches}:event:${eventName}`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
