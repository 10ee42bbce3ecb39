// Registrants of meetings and webinars: list, add, approve/deny/cancel, and match the people an admin names.
// One implementation for both kinds: Zoom's meeting and webinar registrant endpoints differ only in the path prefix.
import { z } from 'zod';
import { clampPageSize, type ResultPage, type ZoomClient, type ZoomListRequest } from './client.js';
import { zoomId } from './schemas.js';
import { SessionOccurrence, sessionPath, type OccurrenceOption, type SessionKind } from './meetings-webinars.js';

export type { SessionKind } from './meetings-webinars.js';

/** Zoom takes at most 30 registrants in one status update (`maximum: 30` on the array in its spec). */
export const REGISTRANT_STATUS_BATCH = 30;

export const Registrant = z.looseObject({
  id: zoomId,
  email: z.string(),
  first_name: z.string(),
  last_name: z.string().optional(),
  /** `approved`, `pending` or `denied`; kept as a string in case Zoom adds one. */
  status: z.string().optional(),
  create_time: z.string().optional(),
  /** Only for approved registrants. */
  join_url: z.string().optional(),
});
export type Registrant = z.infer<typeof Registrant>;

export type RegistrantStatus = 'pending' | 'approved' | 'denied';

/** A registrant read alone: Zoom always says the status there, and a decision on it needs one. */
const RegistrantNow = Registrant.extend({ status: z.string() });
export type RegistrantNow = z.infer<typeof RegistrantNow>;

/** Zoom's 201 answer to an added registrant; `id` is the meeting's or webinar's. */
export const RegistrantCreated = z.looseObject({
  id: zoomId,
  registrant_id: z.string().optional(),
  /** Absent while the registration waits for manual approval. */
  join_url: z.string().optional(),
  topic: z.string().optional(),
  start_time: z.string().optional(),
  occurrences: z.array(SessionOccurrence).optional(),
});
export type RegistrantCreated = z.infer<typeof RegistrantCreated>;

export interface RegistrantInput {
  /** At most 128 characters. */
  email: string;
  /** At most 64 characters. */
  first_name: string;
  last_name?: string;
}

export type RegistrantAction = 'approve' | 'deny' | 'cancel';

export interface ListRegistrantsOptions extends OccurrenceOption {
  /**
   * Required on purpose: without it Zoom lists only approved registrants, and a caller that forgot it
   * would find nobody pending.
   */
  status: RegistrantStatus;
  pageSize?: number;
}

export interface RegistrantPage extends Omit<ResultPage<Registrant>, 'items'> {
  registrants: Registrant[];
}

/** `GET …/registrants` (Medium, page_size at most 300), for zoom.page or zoom.paginate. */
export function listRegistrantsRequest(
  kind: SessionKind,
  id: string,
  options: ListRegistrantsOptions,
): ZoomListRequest<Registrant> {
  return {
    method: 'GET',
    path: `${sessionPath(kind, id)}/registrants`,
    query: {
      status: options.status,
      occurrence_id: options.occurrenceId,
      page_size: clampPageSize(options.pageSize, 300),
    },
    label: 'medium',
    itemsKey: 'registrants',
    item: Registrant,
  };
}

export async function listRegistrants(
  zoom: ZoomClient,
  kind: SessionKind,
  id: string,
  options: ListRegistrantsOptions & { nextPageToken?: string },
): Promise<RegistrantPage> {
  const { items, ...page } = await zoom.page(listRegistrantsRequest(kind, id, options), options.nextPageToken);
  return { registrants: items, ...page };
}

/**
 * Every registrant with any of `statuses`, each status walked to its last page (300 a page unless told).
 * A registrant seen twice (approved in Zoom while we walked) is kept once: in the first place, as last seen.
 */
export async function allRegistrants(
  zoom: ZoomClient,
  kind: SessionKind,
  id: string,
  statuses: readonly RegistrantStatus[],
  options: OccurrenceOption & { pageSize?: number } = {},
): Promise<Registrant[]> {
  const byId = new Map<string, Registrant>();
  for (const status of statuses) {
    const request = listRegistrantsRequest(kind, id, { pageSize: 300, ...options, status });
    for await (const page of zoom.paginate(request)) {
      // Map.set keeps a key's first position and takes the newer value.
      for (const registrant of page.items) byId.set(registrant.id, registrant);
    }
  }
  return [...byId.values()];
}

/**
 * One registrant as Zoom has them now, with their status (`GET …/registrants/{registrantId}`, Light): what an Undo
 * reads before it changes anything. A session that is gone answers 404 code 3001; a registrant that is gone, 3079
 * (webinars) or another 404.
 */
export function getRegistrant(zoom: ZoomClient, kind: SessionKind, id: string, registrantId: string): Promise<RegistrantNow> {
  return zoom.request({
    method: 'GET',
    path: `${sessionPath(kind, id)}/registrants/${encodeURIComponent(registrantId)}`,
    label: 'light',
    schema: RegistrantNow,
  });
}

/**
 * Registers one person (Light; Zoom also caps adds at 3 a day per registrant). Recurring sessions with
 * registration per occurrence take `occurrenceIds`.
 */
export function addRegistrant(
  zoom: ZoomClient,
  kind: SessionKind,
  id: string,
  registrant: RegistrantInput,
  options: { occurrenceIds?: readonly string[] } = {},
): Promise<RegistrantCreated> {
  const { email, first_name, last_name } = registrant;
  return zoom.request({
    method: 'POST',
    path: `${sessionPath(kind, id)}/registrants`,
    query: { occurrence_ids: options.occurrenceIds?.length ? options.occurrenceIds.join(',') : undefined },
    body: { email, first_name, last_name },
    label: 'light',
    schema: RegistrantCreated,
  });
}

/**
 * Approves, denies or cancels (an approved registration) 1 to 30 registrants in one call (Medium; Zoom also caps
 * status changes at 10 a day per registrant). More than 30 is a programming error: split with inBatches and
 * REGISTRANT_STATUS_BATCH, so that each batch can succeed or fail on its own. None is refused too, because what
 * Zoom does with an empty list is not documented.
 */
export async function updateRegistrantStatus(
  zoom: ZoomClient,
  kind: SessionKind,
  id: string,
  action: RegistrantAction,
  registrants: ReadonlyArray<{ id: string; email?: string }>,
  options: OccurrenceOption = {},
): Promise<void> {
  // async, so the guard rejects like every other failure instead of throwing before a promise exists.
  if (registrants.length === 0 || registrants.length > REGISTRANT_STATUS_BATCH) {
    throw new Error(
      `updateRegistrantStatus takes 1 to ${REGISTRANT_STATUS_BATCH} registrants, got ${registrants.length}`,
    );
  }
  await zoom.request({
    method: 'PUT',
    path: `${sessionPath(kind, id)}/registrants/status`,
    query: { occurrence_id: options.occurrenceId },
    // Only what Zoom reads: callers may pass whole Registrant objects.
    body: { action, registrants: registrants.map(({ id: registrantId, email }) => ({ id: registrantId, email })) },
    label: 'medium',
  });
}

export interface ResolvedRegistrants {
  /** Each registrant once, in the order first named. */
  found: Registrant[];
  /** What matched nobody, each once, as first written. */
  missing: string[];
}

/**
 * Matches what an admin typed (emails or registrant IDs) against known registrants: an entry with "@" is an email,
 * compared without regard to case (Zoom stores them as typed); anything else is an ID, compared exactly. An email
 * finds every registration under it.
 */
export function resolveRegistrants(wanted: readonly string[], known: readonly Registrant[]): ResolvedRegistrants {
  const found = new Map<string, Registrant>();
  const missing = new Map<string, string>();
  for (const raw of wanted) {
    const entry = raw.trim();
    if (entry === '') continue;
    const isEmail = entry.includes('@');
    const key = isEmail ? entry.toLowerCase() : entry;
    const matches = known.filter((r) => (isEmail ? r.email.toLowerCase() === key : r.id === key));
    if (matches.length === 0 && !missing.has(key)) missing.set(key, entry);
    for (const registrant of matches) if (!found.has(registrant.id)) found.set(registrant.id, registrant);
  }
  return { found: [...found.values()], missing: [...missing.values()] };
}
