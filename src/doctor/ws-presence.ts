// Whether some process holds a live Zoom WebSocket connection, for a doctor that may run in another process (a web
// process that lost the consumer lock, or `npm run doctor` on a terminal). The holder writes a heartbeat: a key with a
// short TTL, refreshed on a timer while connected, so a crashed holder's heartbeat vanishes within the TTL; beside it
// the last heartbeat without a TTL, so the doctor can say for how long no connection has been seen. Two SETs in one
// round trip every BEAT_MS: the cost of a live connection is constant, never per event.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RedisClient } from '../redis.js';
import { RedisScript } from '../redis-script.js';
import { redisKey } from '../redis-keys.js';
import { parseStored } from './last-event.js';

/** How often a connected holder refreshes its heartbeat. */
export const BEAT_MS = 15_000;
/** A heartbeat outlives three missed refreshes, no more: past it the holder is taken for gone. */
export const BEAT_TTL_MS = 3 * BEAT_MS;

const Heartbeat = z.object({
  /** Which process: its host name, pid and ZOOMOPS_ROLE. */
  host: z.string(),
  pid: z.number(),
  role: z.string(),
  /** When this connection (kept across token renewals) opened, epoch ms. */
  since: z.number(),
  /** When this heartbeat was written, epoch ms. */
  at: z.number(),
  /** The writer's own ID, so it deletes only its own heartbeat. */
  id: z.string(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export function liveKey(keyPrefix: string, subscriptionId: string): string {
  return redisKey(keyPrefix, 'zoom-ws', 'live', subscriptionId);
}

export function lastSeenKey(keyPrefix: string, subscriptionId: string): string {
  return redisKey(keyPrefix, 'zoom-ws', 'last-seen', subscriptionId);
}

// Only the writer's own heartbeat: after a failover the new holder's must stay.
const dropOwn = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).id == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** What the presence writer watches: the consumer's connection state. */
export interface ConnectionState {
  readonly connected: boolean;
}

export interface PresenceOptions {
  redis: RedisClient;
  keyPrefix: string;
  subscriptionId: string;
  role: string;
  now?: () => number;
  /** Redis trouble: the heartbeat is best effort, the consumer carries on. */
  onError?: (error: unknown) => void;
}

export class SocketPresence {
  private readonly id = randomUUID();
  private readonly now: () => number;
  private since: number | undefined;
  private timer?: NodeJS.Timeout;
  private written = false;

  constructor(
    private readonly socket: ConnectionState,
    private readonly opts: PresenceOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
  }

  /** Called on every change of the connection (and by the timer): writes or drops the heartbeat at once. */
  async beat(): Promise<void> {
    const { redis, keyPrefix, subscriptionId } = this.opts;
    try {
      if (!this.socket.connected) {
        this.since = undefined;
        if (this.written) {
          this.written = false;
          await dropOwn.run(redis, [liveKey(keyPrefix, subscriptionId)], [this.id]);
        }
        return;
      }
      const at = this.now();
      this.since ??= at;
      const beat: Heartbeat = { host: hostname(), pid: process.pid, role: this.opts.role, since: this.since, at, id: this.id };
      const json = JSON.stringify(beat);
      this.written = true;
      await redis.multi().set(liveKey(keyPrefix, subscriptionId), json, 'PX', BEAT_TTL_MS).set(lastSeenKey(keyPrefix, subscriptionId), json).exec();
    } catch (error) {
      this.opts.onError?.(error);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.written) return;
    this.written = false;
    await dropOwn.run(this.opts.redis, [liveKey(this.opts.keyPrefix, this.opts.subscriptionId)], [this.id]).catch((error: unknown) => this.opts.onError?.(error));
  }
}

export interface Presence {
  /** The live heartbeat, while some process holds a connection. */
  live?: Heartbeat;
  /** The last heartbeat any process wrote (the live one, if any). */
  lastSeen?: Heartbeat;
}

export async function readPresence(redis: RedisClient, keyPrefix: string, subscriptionId: string): Promise<Presence> {
  const [live, lastSeen] = await redis.mget(liveKey(keyPrefix, subscriptionId), lastSeenKey(keyPrefix, subscriptionId));
  const result: Presence = {};
  const l = parseStored(Heartbeat, live);
  const s = parseStored(Heartbeat, lastSeen);
  if (l) result.live = l;
  if (s) result.lastSeen = s;
  return result;
}
