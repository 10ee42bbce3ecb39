// The registrant card of one meeting or webinar, read fresh from Zoom: shown by `registrants`, redrawn after a
// click, and redrawn by the bulk job when it ends (so a card never keeps a pending list that is no longer true).
import { z } from 'zod';
import type { Services } from '../services.js';
import { registrantListMessage } from '../views/registrants.js';
import { REGISTRANT_STATUSES } from '../zoom/registrant-changes.js';
import { listRegistrants, type RegistrantStatus } from '../zoom/registrants.js';
import { getSession, type SessionKind } from '../zoom/meetings-webinars.js';

/** Only the topic: the card's header names the session as people know it, not only by its number. */
const SessionTopic = z.looseObject({ topic: z.string().optional() });

const PAGE_SIZE = 20;

/** Where a Next page button of the registrant card continues: the status, Zoom's token, and how many came before. */
export const RegistrantPageSchema = z.object({
  k: z.enum(['meeting', 'webinar']),
  s: z.string().regex(/^\d{9,12}$/),
  st: z.enum(REGISTRANT_STATUSES),
  t: z.string().min(1),
  o: z.number().int().min(0),
});
type RegistrantPage = z.infer<typeof RegistrantPageSchema>;

/** The card: the status asked for, with the count of every status (Zoom lists one status a call) and the topic. */
export async function registrantCard(
  services: Pick<Services, 'zoom'>,
  zone: string,
  kind: SessionKind,
  sessionId: string,
  status: RegistrantStatus,
  notice?: string,
  at: { token?: string; offset?: number } = {},
) {
  const { zoom } = services;
  const [session, ...pages] = await Promise.all([
    getSession(zoom, kind, sessionId, SessionTopic),
    ...REGISTRANT_STATUSES.map((s) =>
      listRegistrants(zoom, kind, sessionId, { status: s, pageSize: s === status ? PAGE_SIZE : 1, ...(s === status && at.token ? { nextPageToken: at.token } : {}) }),
    ),
  ]);
  const counts = Object.fromEntries(REGISTRANT_STATUSES.map((s, i) => [s, pages[i]!.totalRecords ?? pages[i]!.registrants.length]));
  const page = pages[REGISTRANT_STATUSES.indexOf(status)]!;
  const offset = at.offset ?? 0;
  const next = page.nextPageToken
    ? JSON.stringify({ k: kind, s: sessionId, st: status, t: page.nextPageToken, o: offset + page.registrants.length } satisfies RegistrantPage)
    : undefined;
  return registrantListMessage({
    kind,
    sessionId,
    ...(session.topic ? { topic: session.topic } : {}),
    status,
    registrants: page.registrants,
    counts,
    zone,
    notice,
    offset,
    ...(next ? { next } : {}),
  });
}
