// The last Zoom event the bot accepted (when, which type), so the doctor can tell a silent subscription from a quiet
// account. Events accepted in one turn of the event loop cost one SET together (a burst must stay cheap), written
// after Redis holds them and never awaited: losing it only makes the doctor's answer older.
import type { RedisClient } from '../redis.js';
import { z } from 'zod';
import { queuePrefix } from '../jobs/queues.js';

const LastEvent = z.object({ at: z.number(), type: z.string(), source: z.enum(['webhook', 'websocket']) });
export type LastEvent = z.infer<typeof LastEvent>;

export function lastEventKey(keyPrefix: string): string {
  return `${queuePrefix(keyPrefix, 'events')}:last-accepted`;
}

const pending = new Map<RedisClient, { keyPrefix: string; event: LastEvent }>();

/** Notes an accepted event; the newest of this turn is written once, right after it. */
export function noteAcceptedEvent(redis: RedisClient, keyPrefix: string, event: LastEvent): void {
  const first = !pending.has(redis);
  pending.set(redis, { keyPrefix, event });
  if (!first) return;
  setImmediate(() => {
    const latest = pending.get(redis)!;
    pending.delete(redis);
    redis.set(lastEventKey(latest.keyPrefix), JSON.stringify(latest.event)).catch(() => undefined);
  });
}

export async function readLastEvent(redis: RedisClient, keyPrefix: string): Promise<LastEvent | undefined> {
  return parseStored(LastEvent, await redis.get(lastEventKey(keyPrefix)));
}

/** A note the doctor reads from Redis, or undefined when there is none or it is not what `schema` says. */
export function parseStored<T>(schema: z.ZodType<T>, raw: string | null | undefined): T | undefined {
  if (raw === null || raw === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
