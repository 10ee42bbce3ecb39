// Watch subscriptions in Redis: which Slack channel relays which Zoom events. Two views of one truth, changed
// together by one Lua script per operation: per channel its watches (for the commands), per event name the
// channels (for the relay). A script reads and writes atomically, so two admins at once cannot orphan an entry.
import type { RedisClient } from '../redis.js';
import { z } from 'zod';
import { RedisScript } from '../redis-script.js';
import { EVENT_TOPICS, type WatchTopic } from '../zoom/events.js';
import { redisKey } from '../redis-keys.js';

export const Watch = z.object({
  topic: z.string(),
  /** The Zoom events this watch relays: the topic's, or the ones `--events` named. */
  events: z.array(z.string()),
  /** True when `--events` narrowed the topic. */
  narrowed: z.boolean().default(false),
  /** `--download` (recordings only): each finished recording is also downloaded, as `/zoom recordings download` does. */
  download: z.boolean().optional(),
  /** `--with-passcode`: join links in this channel keep their embedded passcode (`pwd=`), which is removed by default. */
  withPasscode: z.boolean().optional(),
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


/**
 * The relay reads watches for every event; on a cluster one slot (`{watches}`) would take a read of every event. So
 * each process keeps what it read this long: a change made in this process is seen at once (the cache of its prefix
 * is dropped), one made by another process within this time.
 */
const WATCH_CACHE_MS = 2_000;
const cached = new Map<string, Map<string, { until: number; value: Promise<unknown> }>>();

/** The value read under `name` for this deployment, read again once WATCH_CACHE_MS have passed (a failed read at once). */
function readThrough<T>(keyPrefix: string, name: string, read: () => Promise<T>): Promise<T> {
  let entries = cached.get(keyPrefix);
  if (!entries) cached.set(keyPrefix, (entries = new Map()));
  const now = Date.now();
  const hit = entries.get(name);
  if (hit && hit.until > now) return hit.value as Promise<T>;
  const value = read();
  const entry = { until: now + WATCH_CACHE_MS, value };
  entries.set(name, entry);
  value.catch(() => entries.get(name) === entry && entries.delete(name));
  return value;
}

export function eventsOfTopic(topic: WatchTopic, narrowTo?: readonly string[]): string[] {
  return narrowTo && narrowTo.length > 0 ? [...new Set(narrowTo)] : [...EVENT_TOPICS[topic]];
}

export class WatchStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /** Adds or replaces the channel's watch of this topic. Returns the watch it replaced, if any. */
  async add(channel: string, watch: Watch): Promise<Watch | undefined> {
    return parseWatch((await this.change(channel, 'add', watch.topic, JSON.stringify(watch)))[0]);
  }

  /** Removes the channel's watch of this topic; undefined when there was none. */
  async remove(channel: string, topic: string): Promise<Watch | undefined> {
    return parseWatch((await this.change(channel, 'remove', topic, ''))[0]);
  }

  /** Removes every watch of a channel (archived, deleted); returns how many there were. */
  async removeChannel(channel: string): Promise<number> {
    return Number((await this.change(channel, 'clear', '', ''))[1]);
  }

  /** Removes every watch (the app was uninstalled). */
  async removeAll(): Promise<number> {
    let count = 0;
    for (const channel of await this.channels()) count += await this.removeChannel(channel);
    return count;
  }

  async ofChannel(channel: string): Promise<Watch[]> {
    const raw = await readThrough(this.keyPrefix, `channel:${channel}`, () => this.redis.hgetall(this.channelKey(channel)));
    return Object.values(raw).flatMap((text) => {
      const parsed = Watch.safeParse(safeJson(text));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** The channel's watch of one topic, if any: one HGET, for the relay's per-channel options. */
  async ofTopic(channel: string, topic: string): Promise<Watch | undefined> {
    return parseWatch(await this.redis.hget(this.channelKey(channel), topic));
  }

  /** Whether a watch of the channel that relays this event asked for join links with their passcode. */
  async showsPasscode(channel: string, eventName: string): Promise<boolean> {
    return (await this.ofChannel(channel)).some((w) => w.withPasscode === true && w.events.includes(eventName));
  }

  async channels(): Promise<string[]> {
    return (await this.redis.smembers(this.channelsKey())).sort();
  }

  /** The channels an event goes to: one HGETALL, however many channels watch. */
  async channelsFor(eventName: string): Promise<WatchingChannel[]> {
    const raw = await readThrough(this.keyPrefix, `event:${eventName}`, () => this.redis.hgetall(this.eventKey(eventName)));
    return Object.entries(raw).map(([channel, zone]) => ({ channel, zone }));
  }

  private async change(channel: string, op: 'add' | 'remove' | 'clear', topic: string, json: string): Promise<[string | false, number]> {
    // Dropped before and after: a read that began while the script ran must not be kept as the truth.
    cached.delete(this.keyPrefix);
    try {
      return (await changeWatches.run(this.redis, [this.channelKey(channel), this.channelsKey()], [channel, this.eventKey(''), op, topic, json])) as [string | false, number];
    } finally {
      cached.delete(this.keyPrefix);
    }
  }

  // One hash tag: the script spans all these keys (the per-event ones named inside it), one Redis Cluster slot.
  private channelKey(channel: string): string {
    return redisKey(this.keyPrefix, 'watches', 'channel', channel);
  }
  private channelsKey(): string {
    return redisKey(this.keyPrefix, 'watches', 'channels');
  }
  private eventKey(eventName: string): string {
    return redisKey(this.keyPrefix, 'watches', 'event', eventName);
  }
}

function parseWatch(text: string | false | null): Watch | undefined {
  if (!text) return undefined;
  const parsed = Watch.safeParse(safeJson(text));
  return parsed.success ? parsed.data : undefined;
}

// Rewrites the channel's watches (add or replace one topic, remove one, or clear all) and its entries in the
// per-event index: an event stays indexed while any remaining watch of the channel covers it, with the zone
// of the first such watch by topic. Returns the entry of the topic before the change and how many there were.
const changeWatches = new RedisScript(`
local channel_key, channels_key = KEYS[1], KEYS[2]
local channel, event_prefix, op, topic, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local function decode(text)
  local ok, w = pcall(cjson.decode, text)
  if ok and type(w) == 'table' and type(w.events) == 'table' then return w end
  return nil
end
local flat = redis.call('HGETALL', channel_key)
local watches, before_events, count = {}, {}, 0
for i = 1, #flat, 2 do
  watches[flat[i]] = flat[i + 1]
  count = count + 1
  local w = decode(flat[i + 1])
  if w then for _, e in ipairs(w.events) do before_events[e] = true end end
end
local previous = watches[topic] or false
if op == 'add' then watches[topic] = json
elseif op == 'remove' then watches[topic] = nil
else watches = {} end
if op == 'remove' and not previous then return {false, count} end
local topics = {}
for t in pairs(watches) do table.insert(topics, t) end
table.sort(topics)
redis.call('DEL', channel_key)
local covered = {}
for _, t in ipairs(topics) do
  redis.call('HSET', channel_key, t, watches[t])
  local w = decode(watches[t])
  if w then
    for _, e in ipairs(w.events) do
      if not covered[e] then covered[e] = tostring(w.zone) end
    end
  end
end
for e in pairs(before_events) do
  if not covered[e] then redis.call('HDEL', event_prefix .. e, channel) end
end
for e, zone in pairs(covered) do redis.call('HSET', event_prefix .. e, channel, zone) end
if #topics > 0 then redis.call('SADD', channels_key, channel) else redis.call('SREM', channels_key, channel) end
return {previous, count}
`);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
