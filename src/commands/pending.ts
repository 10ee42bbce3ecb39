// One-time pending actions behind confirmation buttons: the request waits in Redis under the asker's Slack user ID,
// the button carries only `<asker>:<nonce>`, and the asker's first click takes it out (GETDEL), so it runs at most once.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { OUT_OF_DATE } from './args.js';
import type { Invocation } from './context.js';
import { UsageError } from './errors.js';
import { redisKey } from '../redis-keys.js';

type Asker = Pick<Invocation, 'services' | 'person'>;

/** A confirmation prompt answers through its response_url, which Slack keeps for 30 minutes. */
export const CONFIRMATION_TTL_SECONDS = 30 * 60;

// Slack user IDs are upper-case letters and digits (U…, W… on Enterprise Grid); the nonce is a v4 UUID.
const USER_ID = /^[A-Z0-9]{2,32}$/;
const BUTTON = /^([A-Z0-9]{2,32}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const KIND = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Keeps `payload` for `ttlSeconds` and returns the button value that claims it. Redis holds the payload because a
 * button value holds at most 2000 characters and a value in Slack's hands could be clicked twice.
 */
export async function stashPending(inv: Asker, kind: string, payload: unknown, ttlSeconds: number): Promise<string> {
  const userId = inv.person.id;
  if (!KIND.test(kind)) throw new Error(`Pending kind must be lower-case words joined by '-': ${kind}`);
  if (!USER_ID.test(userId)) throw new Error(`Not a Slack user ID: ${userId}`);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error(`Pending TTL must be whole seconds: ${ttlSeconds}`);
  const nonce = randomUUID();
  await inv.services.redis.set(pendingKey(inv, kind, userId, nonce), JSON.stringify(payload), 'EX', ttlSeconds);
  return `${userId}:${nonce}`;
}

/**
 * Takes the payload a button stands for, once. Throws a UsageError when the value is not one of ours, when the
 * clicker is not the asker (their pending action stays untouched), and when it was already used or has expired.
 */
export async function claimPending<T>(inv: Asker, kind: string, buttonValue: string, schema: z.ZodType<T>): Promise<T> {
  const match = BUTTON.exec(buttonValue);
  if (!match) throw new UsageError(OUT_OF_DATE);
  const [, asker = '', nonce = ''] = match;
  // Checked before Redis is touched: the key holds the clicker's ID, so another admin could not reach it anyway.
  if (asker !== inv.person.id) throw new UsageError(`This confirmation belongs to <@${asker}>; nothing was done.`);
  const stored = await inv.services.redis.getdel(pendingKey(inv, kind, inv.person.id, nonce));
  if (stored === null) {
    throw new UsageError('This confirmation was already used or has expired; nothing was done. Run the command again.');
  }
  const parsed = schema.safeParse(safeJson(stored));
  if (!parsed.success) throw new UsageError(OUT_OF_DATE);
  return parsed.data;
}

function pendingKey(inv: Asker, kind: string, userId: string, nonce: string): string {
  return redisKey(inv.services.keyPrefix, 'pending', kind, userId, nonce);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
