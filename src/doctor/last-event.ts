// The last Zoom event the bot accepted (when, which type), so the doctor can tell a silent subscription from a quiet
// account. A process writes it at most once a second (a burst must stay cheap: one SET an event was a tenth of
// ingest's Redis commands), the newest event first noted since, after Redis holds it and never awaited: losing it
// only makes the doctor's answer older, by a second at most.
import type { RedisClient } from '../redis.js';
import { z } from 'zod';
import { queuePrefix } from '../jobs/queues.js';

const LastEvent = z.object({ at: z.number(), type: z.string(), source: z.enum(['webhook', 'websocket']) });
export type LastEvent = z.infer<typeof LastEvent>;

export function lastEventKey(keyPrefix: string): string {
  return `${queuePrefix(keyPrefix, 'events')}:last-accepted`;
}

const WRITE_EVERY_MS = 1_000;

interface Note {
  keyPrefix: string;
  /** The newest event not written yet, if any. */
  event?: LastEvent;
  writtenAt: number;
  scheduled: boolean;
}

const notes = new Map<RedisClient, Note>();

/** Notes an accepted event: written at once when a second has passed since the last write, else at the end of it. */
export function noteAcceptedEvent(redis: RedisClient, keyPrefix: string, event: LastEvent): void {
  const note = notes.get(redis) ?? { keyPrefix, writtenAt: -Infinity, scheduled: false };
  notes.set(redis, note);
  note.keyPrefix = keyPrefix;
  note.event = event;
  if (note.scheduled) return;
  note.scheduled = true;
  const write = () => {
    note.scheduled = false;
    note.writtenAt = Date.now();
    const latest = note.event!;
    note.event = undefined;
    redis.set(lastEventKey(note.keyPrefix), JSON.stringify(latest)).catch(() => undefined);
  };
  const wait = note.writtenAt + WRITE_EVERY_MS - Date.now();
  // setImmediate: events of this turn are one write even when the last write is long past.
  if (wait <= 0) setImmediate(write);
  else setTimeout(write, wait).unref();
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
