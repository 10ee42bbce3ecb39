// Undoing one decision of the registrant rules. Zoom's status call only approves, denies or cancels, so an Undo sends
// the opposite status (an approval becomes a denial, a denial an approval), and only while Zoom still has the status
// the rules set: an admin who changed it since has the last word. One claim per decision in Redis makes a double
// click, or two admins confirming at once, one change.
import { redisKey } from '../redis-keys.js';
import type { Services } from '../services.js';
import { ZoomApiError } from '../zoom/errors.js';
import { getRegistrant, updateRegistrantStatus } from '../zoom/registrants.js';
import { releaseApproval } from './cap.js';
import type { UndoRef } from './model.js';

/** Claims and marks live as long as a decision's Undo button can matter: a registration window, not forever. */
const UNDO_TTL_SECONDS = 90 * 24 * 60 * 60;

/** Zoom's answer when the meeting or webinar does not exist (deleted, or over and gone). */
const SESSION_GONE = 3001;
/** Zoom's answer for a registrant it does not know (webinars; meetings answer a plain 404). */
const REGISTRANT_GONE = 3079;

const STATUS_SET = { approve: 'approved', deny: 'denied' } as const;
const OPPOSITE = { approve: 'deny', deny: 'approve' } as const;

/** What an Undo did, or why it changed nothing. */
export type UndoOutcome =
  | { kind: 'undone'; decision: UndoRef['d'] }
  | { kind: 'already'; by: string }
  | { kind: 'changed'; decision: UndoRef['d']; status: string }
  | { kind: 'registrant-gone' }
  | { kind: 'session-gone' };

type UndoServices = Pick<Services, 'redis' | 'keyPrefix' | 'zoom'>;

/** Who undid this decision already, if anyone: the Undo button answers at once instead of asking. */
export async function undoneBy(services: UndoServices, ref: UndoRef): Promise<string | undefined> {
  return (await services.redis.get(claimKey(services.keyPrefix, ref))) ?? undefined;
}

/**
 * Undoes one decision for `by`: claims it, reads the registrant's status from Zoom, and only when it is still what the
 * rules set sends the opposite status for that one registrant (through the client's Medium budget, as every single
 * status change) and gives an undone approval's cap place back. Whatever stops it before the change frees the claim,
 * so the decision can be undone later; an error Zoom gives for other reasons is thrown as it is.
 */
export async function undoDecision(services: UndoServices, ref: UndoRef, by: string): Promise<UndoOutcome> {
  const { redis, keyPrefix, zoom } = services;
  const key = claimKey(keyPrefix, ref);
  if ((await redis.set(key, by, 'EX', UNDO_TTL_SECONDS, 'NX')) !== 'OK') {
    return { kind: 'already', by: (await redis.get(key)) ?? 'someone' };
  }
  try {
    const now = await getRegistrant(zoom, ref.k, ref.s, ref.r);
    if (now.status !== STATUS_SET[ref.d]) {
      await redis.del(key);
      return { kind: 'changed', decision: ref.d, status: now.status };
    }
    await updateRegistrantStatus(zoom, ref.k, ref.s, OPPOSITE[ref.d], [{ id: ref.r, email: ref.e }], ref.o ? { occurrenceId: ref.o } : {});
  } catch (error) {
    await redis.del(key);
    const gone = goneFrom(error);
    if (gone) return { kind: gone };
    throw error;
  }
  if (ref.d === 'approve') await releaseApproval(redis, keyPrefix, { kind: ref.k, id: ref.s, ...(ref.o ? { occurrence: ref.o } : {}) });
  return { kind: 'undone', decision: ref.d };
}

function goneFrom(error: unknown): 'session-gone' | 'registrant-gone' | undefined {
  if (!(error instanceof ZoomApiError)) return undefined;
  if (error.zoomCode === SESSION_GONE) return 'session-gone';
  if (error.zoomCode === REGISTRANT_GONE || error.status === 404) return 'registrant-gone';
  return undefined;
}

/**
 * Records that a line of a decision message was undone, and returns every line undone in that message so far: the
 * message is redrawn from the blocks the Undo was clicked in, which may predate an earlier Undo's redraw.
 */
export async function recordUndoneLine(
  services: Pick<Services, 'redis' | 'keyPrefix'>,
  message: { channel: string; ts: string },
  ref: Pick<UndoRef, 'r' | 'at'>,
  notice: string,
): Promise<Array<{ line: { r: string; at: number }; notice: string }>> {
  const key = redisKey(services.keyPrefix, 'rules', 'undone', message.channel, message.ts);
  const [, , all] = (await services.redis
    .multi()
    .hset(key, JSON.stringify({ r: ref.r, at: ref.at }), notice)
    .expire(key, UNDO_TTL_SECONDS)
    .hgetall(key)
    .exec()) ?? [];
  const marks = (all?.[1] ?? {}) as Record<string, string>;
  return Object.entries(marks).map(([field, text]) => ({ line: JSON.parse(field) as { r: string; at: number }, notice: text }));
}

function claimKey(keyPrefix: string, ref: UndoRef): string {
  return redisKey(keyPrefix, 'rules', 'undo', ref.k, ref.s, ref.r, String(ref.at));
}
