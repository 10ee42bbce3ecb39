// Meetings and webinars API of the sandbox: list a host's (type, from/to/timezone), create (201), get, update (204),
// delete (204), end or recover (PUT …/status). Both kinds share one implementation, as in Zoom's own API;
// webinars also need the host's Webinar add-on.
import { DateTime } from 'luxon';
import { checkTimezone } from '../dates.js';
import { z } from 'zod';
import { emitSessionChange, emitSessionLive, emitSessionUpdated } from '../events.js';
import { ZoomError, json, noContent, parseBody, validationFailed, type Query, type Reply } from '../http.js';
import { LIST_300, paginate } from '../paging.js';
import { api, type Route, type SandboxContext } from '../router.js';
import { isPrevious, nextStart, occurrencesOf } from '../schedule.js';
import { sessionDetail, sessionSummary } from '../shapes.js';
import {
  hostOf,
  instanceUuid,
  nextLabel,
  requireSession,
  requireUser,
  requireWebinarLicence,
  sessionNumber,
  zoomStyleId,
  zoomTime,
  type Session,
  type SessionKind,
  type SessionSettings,
} from '../store.js';

const TYPES: Record<SessionKind, { allowed: number[]; scheduled: number; recurringFixed: number }> = {
  meeting: { allowed: [1, 2, 3, 8], scheduled: 2, recurringFixed: 8 },
  webinar: { allowed: [5, 6, 9], scheduled: 5, recurringFixed: 9 },
};

const RecurrenceBody = z.object({
  type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  repeat_interval: z.number().int().min(1).max(99).optional(),
  weekly_days: z.string().regex(/^[1-7](,[1-7])*$/).optional(),
  monthly_day: z.number().int().min(1).max(31).optional(),
  monthly_week: z.number().int().optional(),
  monthly_week_day: z.number().int().optional(),
  end_times: z.number().int().min(1).max(60).optional(),
  end_date_time: z.string().optional(),
});

const SettingsBody = z.looseObject({
  approval_type: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  registration_type: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  host_video: z.boolean().optional(),
  participant_video: z.boolean().optional(),
  join_before_host: z.boolean().optional(),
  waiting_room: z.boolean().optional(),
  mute_upon_entry: z.boolean().optional(),
  auto_recording: z.enum(['local', 'cloud', 'none']).optional(),
  alternative_hosts: z.string().optional(),
});

/** The part of Zoom's meetingCreate / webinarCreate body the sandbox models; other fields are accepted and ignored. */
const SessionBody = z.looseObject({
  topic: z.string().max(200).optional(),
  type: z.number().int().optional(),
  start_time: z.string().optional(),
  duration: z.number().int().min(0).max(1440).optional(),
  timezone: z.string().optional(),
  agenda: z.string().max(2000).optional(),
  password: z.string().max(10).optional(),
  settings: SettingsBody.optional(),
  recurrence: RecurrenceBody.optional(),
});
type SessionBody = z.infer<typeof SessionBody>;

const StatusBody = z.object({ action: z.enum(['end', 'recover']) });

const DEFAULT_SETTINGS: SessionSettings = {
  approval_type: 2,
  host_video: false,
  participant_video: false,
  join_before_host: false,
  waiting_room: true,
  mute_upon_entry: false,
  auto_recording: 'none',
  alternative_hosts: '',
};

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC, or `yyyy-MM-ddTHH:mm:ss` in `zone`, as Zoom reads start_time. */
function parseStart(value: string, zone: string): Date {
  const parsed = DateTime.fromISO(value, { zone });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/.test(value)) {
    throw validationFailed('start_time', `Invalid start_time: ${value}`);
  }
  return parsed.toJSDate();
}

function createSession(ctx: SandboxContext, kind: SessionKind, hostId: string, body: SessionBody, timezone: string): Session {
  const types = TYPES[kind];
  const type = body.type ?? types.scheduled;
  if (!types.allowed.includes(type)) throw validationFailed('type', `Invalid ${kind} type: ${type}`);
  const now = ctx.now();
  const zone = checkTimezone(body.timezone ?? timezone);
  let startTime: string | undefined;
  if (type !== 3 && type !== 6) {
    // A start in the past, or none, means now (Zoom's rule).
    const start = body.start_time ? parseStart(body.start_time, zone) : now;
    startTime = zoomTime(start < now ? now : start);
  }
  const label = nextLabel(ctx.state, kind);
  return {
    kind,
    id: sessionNumber(label),
    uuid: instanceUuid(label),
    hostId,
    topic: body.topic ?? (kind === 'meeting' ? 'Zoom meeting' : 'Zoom webinar'),
    type,
    startTime,
    duration: body.duration ?? 60,
    timezone: zone,
    agenda: body.agenda ?? '',
    password: body.password ?? zoomStyleId(label).replace(/[^A-Za-z0-9]/g, '').slice(0, 6),
    createdAt: zoomTime(now),
    settings: { ...DEFAULT_SETTINGS, ...pickSettings(body.settings) },
    ...(type === types.recurringFixed ? { recurrence: normaliseRecurrence(body.recurrence) } : {}),
    deletedOccurrences: [],
    status: 'waiting',
  };
}

function normaliseRecurrence(input: SessionBody['recurrence']): Session['recurrence'] {
  const recurrence = input ?? { type: 1 as const };
  return { ...recurrence, repeat_interval: recurrence.repeat_interval ?? 1 };
}

function pickSettings(settings: SessionBody['settings']): Partial<SessionSettings> {
  if (!settings) return {};
  const known = SettingsBody.pick({
    approval_type: true,
    registration_type: true,
    host_video: true,
    participant_video: true,
    join_before_host: true,
    waiting_room: true,
    mute_upon_entry: true,
    auto_recording: true,
    alternative_hosts: true,
  });
  const picked = known.parse(settings);
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)) as Partial<SessionSettings>;
}

/** What `type=` selects in `GET /users/{userId}/meetings` (webinars know only scheduled and upcoming). */
function listFilter(kind: SessionKind, type: string | undefined, now: Date): (s: Session) => boolean {
  const listType = type ?? 'scheduled';
  const allowed = kind === 'meeting' ? ['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'] : ['scheduled', 'upcoming'];
  if (!allowed.includes(listType)) throw validationFailed('type', `Invalid type: ${listType}`);
  switch (listType) {
    case 'live':
      return (s) => s.status === 'started';
    case 'upcoming':
    case 'upcoming_meetings':
      return (s) => s.status === 'started' || !isPrevious(s, now);
    case 'previous_meetings':
      return (s) => isPrevious(s, now);
    default:
      // Zoom's "scheduled": unexpired previous, live and upcoming scheduled meetings, never instant ones.
      return (s) => s.type !== 1 || s.status === 'started';
  }
}

/** from/to are dates in `timezone` (UTC without it) and keep sessions whose next start falls within them. */
function dateFilter(query: Query, now: Date): (s: Session) => boolean {
  const { from, to } = query;
  if (!from && !to) return () => true;
  const zone = checkTimezone(query.timezone || 'UTC');
  const day = (value: string, field: string) => {
    const parsed = DateTime.fromISO(value, { zone });
    if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw validationFailed(field, `Invalid ${field}: ${value}`);
    return parsed;
  };
  const start = from ? day(from, 'from').startOf('day').toMillis() : -Infinity;
  const end = to ? day(to, 'to').endOf('day').toMillis() : Infinity;
  return (s) => {
    const times = occurrencesOf(s).map((o) => Date.parse(o.start_time));
    const candidates = times.length > 0 ? times : [nextStart(s, now)?.getTime()];
    return candidates.some((t) => t !== undefined && t >= start && t <= end);
  };
}

function hostFor(ctx: SandboxContext, kind: SessionKind, userId: string) {
  const user = requireUser(ctx.state, userId);
  if (kind === 'webinar') requireWebinarLicence(user);
  return user;
}

function sessionFor(ctx: SandboxContext, kind: SessionKind, id: string): Session {
  const session = requireSession(ctx.state, kind, id);
  if (kind === 'webinar') requireWebinarLicence(hostOf(ctx.state, session));
  return session;
}

function requireOccurrence(session: Session, occurrenceId: string | undefined): void {
  if (occurrenceId === undefined) return;
  if (!occurrencesOf(session).some((o) => o.occurrence_id === occurrenceId && o.status === 'available')) {
    throw new ZoomError(400, 300, `Invalid parameter: occurrence_id.`);
  }
}

/** Applies a PATCH body; returns the changed fields, new and old, for the webhook. */
function applyUpdate(session: Session, body: SessionBody): { changed: Record<string, unknown>; previous: Record<string, unknown> } {
  const changed: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  const set = <K extends keyof Session>(key: K, wire: string, value: Session[K] | undefined) => {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(session[key])) return;
    previous[wire] = session[key];
    changed[wire] = value;
    session[key] = value;
  };
  if (body.type !== undefined && !TYPES[session.kind].allowed.includes(body.type)) {
    throw validationFailed('type', `Invalid ${session.kind} type: ${body.type}`);
  }
  const zone = body.timezone ? checkTimezone(body.timezone) : session.timezone;
  set('topic', 'topic', body.topic);
  set('agenda', 'agenda', body.agenda);
  set('duration', 'duration', body.duration);
  set('timezone', 'timezone', body.timezone ? zone : undefined);
  set('password', 'password', body.password);
  set('type', 'type', body.type);
  // A start in the past is ignored, as Zoom ignores it.
  const start = body.start_time ? parseStart(body.start_time, zone) : undefined;
  if (start && start.getTime() >= Date.parse(session.startTime ?? '1970-01-01T00:00:00Z')) set('startTime', 'start_time', zoomTime(start));
  if (body.recurrence) set('recurrence', 'recurrence', normaliseRecurrence(body.recurrence));
  if (body.settings) {
    const settings = { ...session.settings, ...pickSettings(body.settings) };
    set('settings', 'settings', settings);
  }
  return { changed, previous };
}

function sessionRoutes(kind: SessionKind): Route[] {
  const plural = `${kind}s`;
  const param = `:${kind}Id`;
  const idOf = (params: Record<string, string>) => params[`${kind}Id`] ?? '';
  return [
    api('GET', `/users/:userId/${plural}`, 'medium', (ctx, { params, query }) => {
      const host = hostFor(ctx, kind, params.userId ?? '');
      const now = ctx.now();
      const byType = listFilter(kind, query.type, now);
      const byDate = dateFilter(query, now);
      const sessions = [...ctx.state.sessions.values()]
        .filter((s) => s.kind === kind && s.hostId === host.id && byType(s) && byDate(s))
        .sort((a, b) => (nextStart(a, now)?.getTime() ?? Infinity) - (nextStart(b, now)?.getTime() ?? Infinity));
      const page = paginate(sessions, query, LIST_300, `/users/${host.id}/${plural}`);
      return json({ ...page.fields, page_number: 1, [plural]: page.items.map((s) => sessionSummary(ctx, s)) });
    }),
    api('POST', `/users/:userId/${plural}`, 'light', (ctx, { params, body }) => {
      const host = hostFor(ctx, kind, params.userId ?? '');
      const session = createSession(ctx, kind, host.id, parseBody(body, SessionBody), host.timezone);
      ctx.state.sessions.set(session.id, session);
      emitSessionChange(ctx, session, 'created', { password: session.password, settings: session.settings });
      return json(sessionDetail(ctx, session), 201);
    }),
    api('GET', `/${plural}/${param}`, 'light', (ctx, { params, query }) => {
      const session = sessionFor(ctx, kind, idOf(params));
      requireOccurrence(session, query.occurrence_id);
      return json(sessionDetail(ctx, session));
    }),
    api('PATCH', `/${plural}/${param}`, 'light', (ctx, { params, query, body }) => {
      const session = sessionFor(ctx, kind, idOf(params));
      requireOccurrence(session, query.occurrence_id);
      const { changed, previous } = applyUpdate(session, parseBody(body, SessionBody));
      if (Object.keys(changed).length > 0) emitSessionUpdated(ctx, session, changed, previous);
      return noContent();
    }),
    api('DELETE', `/${plural}/${param}`, 'light', (ctx, { params, query }) => {
      const session = sessionFor(ctx, kind, idOf(params));
      const occurrenceId = query.occurrence_id;
      if (occurrenceId !== undefined) {
        requireOccurrence(session, occurrenceId);
        const deleted = occurrencesOf(session).find((o) => o.occurrence_id === occurrenceId);
        session.deletedOccurrences.push(occurrenceId);
        // The event names only the occurrence that went, as Zoom's does for a single-occurrence delete.
        emitSessionChange(ctx, session, 'deleted', { occurrences: deleted ? [{ occurrence_id: deleted.occurrence_id, start_time: deleted.start_time }] : [] });
        return noContent();
      }
      ctx.state.sessions.delete(session.id);
      ctx.state.deletedSessions.set(session.id, session);
      emitSessionChange(ctx, session, 'deleted');
      return noContent();
    }),
    api('PUT', `/${plural}/${param}/status`, 'light', (ctx, { params, body }) => {
      const { action } = parseBody(body, StatusBody);
      // Zoom's spec: 204 for meetings, 200 (no body) for webinars.
      const done: Reply = kind === 'meeting' ? noContent() : { status: 200 };
      if (action === 'recover') {
        const id = idOf(params);
        const deleted = ctx.state.deletedSessions.get(Number(id));
        if (!deleted || deleted.kind !== kind) requireSession(ctx.state, kind, id);
        if (deleted) {
          ctx.state.deletedSessions.delete(deleted.id);
          ctx.state.sessions.set(deleted.id, deleted);
          emitSessionChange(ctx, deleted, 'recovered');
        }
        return done;
      }
      const session = sessionFor(ctx, kind, idOf(params));
      endSession(ctx, session);
      return done;
    }),
  ];
}

/** Ends the live instance (if any): the next instance gets a new UUID, as Zoom's do. */
export function endSession(ctx: SandboxContext, session: Session): void {
  if (session.status !== 'started') return;
  const endTime = zoomTime(ctx.now());
  session.status = 'waiting';
  session.endedAt = endTime;
  emitSessionLive(ctx, session, 'ended', endTime);
  session.uuid = instanceUuid(nextLabel(ctx.state, `instance-${session.id}`));
}

export function startSession(ctx: SandboxContext, session: Session): void {
  if (session.status === 'started') return;
  session.status = 'started';
  emitSessionLive(ctx, session, 'started');
}

export const meetingRoutes = sessionRoutes('meeting');
export const webinarRoutes = sessionRoutes('webinar');
