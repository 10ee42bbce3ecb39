// Zoom calls on one meeting or webinar as the commands and the form make them: audited, read back after a
// write, with Zoom's type numbers and time formats. The kind picks the path and the answer's shape.
import type { DateTime } from 'luxon';
import type { z } from 'zod';
import type { Invocation } from './context.js';
import { escapeMrkdwn, formatMeetingId, formatTime } from '../views/format.js';
import type { Registration, Session } from '../views/meetings-webinars.js';
import { Meeting } from '../zoom/meetings.js';
import { createSession, getSession, type SessionInput, type SessionKind } from '../zoom/meetings-webinars.js';
import { Webinar } from '../zoom/webinars.js';

/** Zoom's type of a one-off and of a series with fixed times (meetings 2 and 8, webinars 5 and 9). */
export const SESSION_TYPES: Record<SessionKind, { single: number; series: number }> = {
  meeting: { single: 2, series: 8 },
  webinar: { single: 5, series: 9 },
};

/** `settings.approval_type`, the same for both kinds. */
export const APPROVAL_TYPES: Record<Registration, 0 | 1 | 2> = { auto: 0, manual: 1, none: 2 };

const SCHEMAS: Record<SessionKind, z.ZodType<Session>> = { meeting: Meeting, webinar: Webinar };

export function fetchSession(inv: Invocation, kind: SessionKind, id: string): Promise<Session> {
  return getSession(inv.services.zoom, kind, id, SCHEMAS[kind]);
}

/** Creates a meeting or webinar and records it in the audit channel, with its ID once Zoom has given one. */
export async function createAudited(
  inv: Invocation,
  kind: SessionKind,
  hostId: string,
  input: SessionInput<number>,
): Promise<Session> {
  const what = `${kind} "${input.topic ?? ''}" for ${hostId}`;
  try {
    const session = await createSession(inv.services.zoom, kind, hostId, input, SCHEMAS[kind]);
    await inv.services.audit.record({ userId: inv.person.id, action: `created ${what} (${formatMeetingId(session.id)})`, outcome: 'ok' });
    return session;
  } catch (error) {
    await inv.services.audit.record({ userId: inv.person.id, action: `tried to create ${what}`, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** After a write Zoom accepted: the session as it is now, or the plain fact when it cannot be read back. */
export async function readBack(
  inv: Invocation,
  kind: SessionKind,
  id: string,
  verb: string,
): Promise<{ session?: Session; summary: string }> {
  try {
    const session = await fetchSession(inv, kind, id);
    return { session, summary: summaryLine(kind, verb, session, inv.person.tz) };
  } catch (error) {
    inv.services.log.warn({ err: error, kind }, 'session written but not read back');
    return { summary: `:white_check_mark: ${verb} ${kind} ${formatMeetingId(id)}; Zoom did not let ZoomOps read it back just now.` };
  }
}

export function summaryLine(kind: SessionKind, verb: string, s: Session, zone: string): string {
  const when = s.start_time ? ` for ${formatTime(s.start_time, zone)}` : '';
  return `:white_check_mark: ${verb} *${escapeMrkdwn(s.topic ?? kind)}* (${formatMeetingId(s.id)})${when}.`;
}

/** Zoom's local-time form, read in the `timezone` sent beside it: `2026-12-01T15:00:00`. */
export function zoomLocalTime(dt: DateTime): string {
  return dt.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

export function zoomUtcTime(dt: DateTime): string {
  return dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
