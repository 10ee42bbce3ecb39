// Approving, denying or cancelling many registrants: what to send (looked up first, so an email that is not
// registered is named and nobody already in the wanted status is sent again — Zoom caps status changes at 10
// a day per registrant), and sending one batch of at most 30 with each failure pinned to the registrant.
import { ZoomApiError, ZoomRateLimitError } from './errors.js';
import type { ZoomClient } from './client.js';
import {
  allRegistrants,
  resolveRegistrants,
  updateRegistrantStatus,
  type Registrant,
  type RegistrantAction,
  type RegistrantStatus,
} from './registrants.js';
import type { SessionKind } from './meetings-webinars.js';

export const REGISTRANT_STATUSES: readonly RegistrantStatus[] = ['pending', 'approved', 'denied'];

/** Which statuses an action applies to, and how its result reads. */
export const STATUS_RULES: Record<RegistrantAction, { from: readonly RegistrantStatus[]; verb: string; done: string }> = {
  approve: { from: ['pending', 'denied'], verb: 'Approved', done: 'approved' },
  deny: { from: ['pending', 'approved'], verb: 'Denied', done: 'denied' },
  cancel: { from: ['approved'], verb: 'Cancelled the registration of', done: 'cancelled' },
};

export interface StatusChangeRequest {
  kind: SessionKind;
  sessionId: string;
  action: RegistrantAction;
  /** Emails or registrant IDs; absent means every pending registrant. */
  wanted?: string[];
  /** One occurrence of a recurring session (its registrants are listed and changed for that occurrence only). */
  occurrenceId?: string;
}

/** Only what a status update needs: small enough to keep in a job's data for thousands of registrants. */
export interface RegistrantKey {
  id: string;
  email: string;
}

export interface StatusChangePlan {
  todo: RegistrantKey[];
  unchanged: Array<{ registrant: RegistrantKey; status: string }>;
  missing: string[];
}

export interface RegistrantFailure {
  registrant: RegistrantKey;
  reason: string;
}

/** Looks up whom the request is about and which of them the action would change. */
export async function planStatusChange(zoom: ZoomClient, req: StatusChangeRequest): Promise<StatusChangePlan> {
  const rule = STATUS_RULES[req.action];
  // A registrant's status is the list Zoom returned it in (items do not always say).
  const statusOf = new Map<string, RegistrantStatus>();
  const known: Registrant[] = [];
  for (const status of req.wanted ? REGISTRANT_STATUSES : (['pending'] as const)) {
    for (const r of await allRegistrants(zoom, req.kind, req.sessionId, [status], occurrenceOf(req))) {
      statusOf.set(r.id, status);
      known.push(r);
    }
  }
  const { found, missing } = req.wanted ? resolveRegistrants(req.wanted, known) : { found: known, missing: [] };
  const key = (r: Registrant): RegistrantKey => ({ id: r.id, email: r.email });
  return {
    todo: found.filter((r) => rule.from.includes(statusOf.get(r.id) ?? 'pending')).map(key),
    unchanged: found
      .filter((r) => !rule.from.includes(statusOf.get(r.id) ?? 'pending'))
      .map((r) => ({ registrant: key(r), status: statusOf.get(r.id) ?? 'unknown' })),
    missing,
  };
}

/**
 * The IDs among `candidates` still in a status the action applies to. After a crash the last batch may or may
 * not have reached Zoom; asking Zoom is the only way to avoid spending a registrant's daily cap twice.
 */
export async function stillToChange(
  zoom: ZoomClient,
  req: StatusChangeRequest,
  candidates: readonly RegistrantKey[],
): Promise<Set<string>> {
  const current = new Set((await allRegistrants(zoom, req.kind, req.sessionId, STATUS_RULES[req.action].from, occurrenceOf(req))).map((r) => r.id));
  return new Set(candidates.filter((r) => current.has(r.id)).map((r) => r.id));
}

export interface BatchOutcome {
  changed: RegistrantKey[];
  failed: RegistrantFailure[];
}

/**
 * Sends one batch (1–30). When Zoom refuses the batch for a reason that may concern only some registrants (a
 * per-registrant daily cap, a bad ID), each is sent alone so the summary names exactly who failed and why.
 * Daily account quotas and outages are not per registrant: they are thrown for the caller to stop on.
 */
export async function sendStatusBatch(
  zoom: ZoomClient,
  req: StatusChangeRequest,
  batch: readonly RegistrantKey[],
): Promise<BatchOutcome> {
  try {
    await updateRegistrantStatus(zoom, req.kind, req.sessionId, req.action, batch, occurrenceOf(req));
    return { changed: [...batch], failed: [] };
  } catch (error) {
    if (!isPerRegistrantRefusal(error)) throw error;
    if (batch.length === 1) return { changed: [], failed: [{ registrant: batch[0]!, reason: reasonOf(error) }] };
  }
  const outcome: BatchOutcome = { changed: [], failed: [] };
  for (const registrant of batch) {
    const single = await sendStatusBatch(zoom, req, [registrant]);
    outcome.changed.push(...single.changed);
    outcome.failed.push(...single.failed);
  }
  return outcome;
}

/**
 * Refusals that can concern some registrants of a batch and not others: a registrant's own daily cap (a 429
 * without the account-wide signs) or a bad registrant in the list (400). A deleted session (404), missing access
 * (401/403), the account's quota and per-second limits concern every registrant alike; splitting the batch would
 * only multiply the calls, so they go to the caller.
 */
function isPerRegistrantRefusal(error: unknown): error is ZoomApiError {
  if (error instanceof ZoomRateLimitError) return !error.accountWide;
  return error instanceof ZoomApiError && error.status === 400;
}

function occurrenceOf(req: StatusChangeRequest): { occurrenceId?: string } {
  return req.occurrenceId ? { occurrenceId: req.occurrenceId } : {};
}

export function reasonOf(error: ZoomApiError): string {
  return `${error.zoomMessage}${error.zoomCode ? ` (Zoom code ${error.zoomCode})` : ''}`;
}
