// What meetings and webinars share: occurrences, recurrence, registration settings, inputs, and the calls on one.
// Zoom documents the same shapes and paths for both kinds (meetings/… and webinars/…), so one definition serves both.
import { z } from 'zod';
import { clampPageSize, type QueryValue, type ZoomClient, type ZoomListRequest } from './client.js';
import { PathSegment, meetingPathId, zoomPath } from './ids.js';
import { zoomId } from './schemas.js';

export type SessionKind = 'meeting' | 'webinar';

// Also the key of the list in Zoom's answer (`meetings`, `webinars`).
const COLLECTION: Record<SessionKind, PathSegment> = {
  meeting: new PathSegment('meetings'),
  webinar: new PathSegment('webinars'),
};

/** `/meetings/{id}` or `/webinars/{id}`, the ID or instance UUID encoded as Zoom expects. */
export function sessionPath(kind: SessionKind, idOrUuid: string): string {
  return zoomPath`/${COLLECTION[kind]}/${meetingPathId(idOrUuid)}`;
}

export const SessionOccurrence = z.looseObject({
  occurrence_id: zoomId,
  start_time: z.string(),
  duration: z.number().optional(),
  /** `available` or `deleted`. */
  status: z.string().optional(),
});
export type SessionOccurrence = z.infer<typeof SessionOccurrence>;

export const SessionRecurrence = z.looseObject({
  /** 1 daily, 2 weekly, 3 monthly. */
  type: z.number(),
  repeat_interval: z.number().optional(),
  /** "1" (Sunday) to "7", comma-separated. */
  weekly_days: z.string().optional(),
  monthly_day: z.number().optional(),
  monthly_week: z.number().optional(),
  monthly_week_day: z.number().optional(),
  end_times: z.number().optional(),
  end_date_time: z.string().optional(),
});
export type SessionRecurrence = z.infer<typeof SessionRecurrence>;

/** The settings both kinds have; meetings add their own (waiting room, join before host). */
export const SessionSettings = z.looseObject({
  /** 0 automatic, 1 manual, 2 no registration. */
  approval_type: z.number().optional(),
  /** 1 once for all occurrences, 2 per occurrence, 3 attendees choose. */
  registration_type: z.number().optional(),
  auto_recording: z.string().optional(),
  alternative_hosts: z.string().optional(),
});
export type SessionSettings = z.infer<typeof SessionSettings>;

/** A meeting or webinar as lists show it; Zoom truncates the agenda there to 250 characters. */
export const sessionSummaryFields = {
  id: zoomId,
  uuid: z.string().optional(),
  topic: z.string(),
  type: z.number(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  timezone: z.string().optional(),
  agenda: z.string().optional(),
  host_id: z.string().optional(),
  join_url: z.string().optional(),
  created_at: z.string().optional(),
};

/** What a GET of one meeting or webinar adds to the summary (settings differ by kind, so they are not here). */
export const sessionDetailFields = {
  host_email: z.string().optional(),
  /** Carries the host's ZAK: whoever has it starts the session as host. Never show or log it. */
  start_url: z.string().optional(),
  registration_url: z.string().optional(),
  password: z.string().optional(),
  recurrence: SessionRecurrence.optional(),
  occurrences: z.array(SessionOccurrence).optional(),
};

/** What we send to create or update a meeting or webinar (the part of Zoom's create body the bot uses). */
export interface SessionInput<Type extends number> {
  topic?: string;
  type?: Type;
  /** `yyyy-MM-ddTHH:mm:ss` in `timezone`, or `yyyy-MM-ddTHH:mm:ssZ` in UTC; no milliseconds. */
  start_time?: string;
  /** Minutes. */
  duration?: number;
  /** IANA name; without it Zoom uses the host's timezone. */
  timezone?: string;
  agenda?: string;
  settings?: {
    approval_type?: 0 | 1 | 2;
    registration_type?: 1 | 2 | 3;
  };
  /** Fixed-time recurring only (meeting type 8, webinar 9); `end_times` and `end_date_time` exclude each other. */
  recurrence?: {
    type: 1 | 2 | 3;
    repeat_interval?: number;
    weekly_days?: string;
    monthly_day?: number;
    monthly_week?: -1 | 1 | 2 | 3 | 4;
    monthly_week_day?: 1 | 2 | 3 | 4 | 5 | 6 | 7;
    end_times?: number;
    end_date_time?: string;
  };
}

export interface OccurrenceOption {
  /** One occurrence of a recurring meeting or webinar; without it the whole series. */
  occurrenceId?: string;
}

/** `GET /users/{userId}/meetings` or `/webinars` (Medium, page_size at most 300), for zoom.page or zoom.paginate. */
export function userSessionsRequest<Item>(
  kind: SessionKind,
  userId: string,
  filters: Record<string, QueryValue>,
  pageSize: number | undefined,
  item: z.ZodType<Item>,
): ZoomListRequest<Item> {
  return {
    method: 'GET',
    path: zoomPath`/users/${userId}/${COLLECTION[kind]}`,
    query: { ...filters, page_size: clampPageSize(pageSize, 300) },
    label: 'medium',
    itemsKey: COLLECTION[kind].encoded,
    item,
  };
}

export function getSession<T>(
  zoom: ZoomClient,
  kind: SessionKind,
  idOrUuid: string,
  schema: z.ZodType<T>,
  options: OccurrenceOption = {},
): Promise<T> {
  const query = { occurrence_id: options.occurrenceId };
  return zoom.request({ method: 'GET', path: sessionPath(kind, idOrUuid), query, label: 'light', schema });
}

/** Counts against the host's 100 creates (and updates) a day; past that Zoom answers 429 until 00:00 UTC. */
export function createSession<T>(
  zoom: ZoomClient,
  kind: SessionKind,
  userId: string,
  input: SessionInput<number>,
  schema: z.ZodType<T>,
): Promise<T> {
  const path = zoomPath`/users/${userId}/${COLLECTION[kind]}`;
  return zoom.request({ method: 'POST', path, body: input, label: 'light', schema });
}

/** Zoom answers 204 with no body: a GET afterwards shows the result. */
export function updateSession(
  zoom: ZoomClient,
  kind: SessionKind,
  id: string,
  input: Partial<SessionInput<number>>,
  options: OccurrenceOption = {},
): Promise<void> {
  const query = { occurrence_id: options.occurrenceId };
  return zoom.request({ method: 'PATCH', path: sessionPath(kind, id), query, body: input, label: 'light' });
}

export function deleteSession(
  zoom: ZoomClient,
  kind: SessionKind,
  id: string,
  options: OccurrenceOption = {},
): Promise<void> {
  const query = { occurrence_id: options.occurrenceId };
  return zoom.request({ method: 'DELETE', path: sessionPath(kind, id), query, label: 'light' });
}

/** Ends a session in progress for everyone in it. */
export function endSession(zoom: ZoomClient, kind: SessionKind, id: string): Promise<void> {
  const path = `${sessionPath(kind, id)}/status`;
  return zoom.request({ method: 'PUT', path, body: { action: 'end' }, label: 'light' });
}
