// `/zoom meeting|webinar list|get|create|update|end|delete`, with their buttons. One implementation for both
// kinds; only the list differs, because Zoom filters a host's meetings and webinars differently.
import { z } from 'zod';
import { OUT_OF_DATE, buttonValue, requireId, stringFlag } from './args.js';
import { startExport } from './csv.js';
import { CONFIRMATION_TTL_SECONDS, claimPending, stashPending } from './pending.js';
import { audited, settle } from './audited.js';
import type { ActionDef, CommandDef } from './command.js';
import type { CommandInvocation, Invocation, ParsedCommand } from './context.js';
import { UsageError, quoted } from './errors.js';
import { APPROVAL_TYPES, SESSION_TYPES, createAudited, fetchSession, readBack, zoomLocalTime, zoomUtcTime } from './meeting-webinar-calls.js';
import { openSessionForm, openSessionFormFor } from './meeting-webinar-form.js';
import { showRegistrantCard } from './registrants.js';
import { parseEnum } from './values/enums.js';
import { EXAMPLE_ID, checkTopic } from './values/meeting-ids.js';
import { parseWho } from './values/people-channels.js';
import { parseDate, parseDuration, parseTimezone, parseWhen } from './values/times.js';
import { resolveZoomUser } from './who.js';
import { confirmationPrompt } from '../views/confirm.js';
import { textMessage } from '../views/blocks.js';
import { capitalize, escapeMrkdwn, formatClock, formatDateTime, formatMeetingId, formatTime } from '../views/format.js';
import { hasEnded, sessionListMessage, type SessionListState } from '../views/meeting-webinar-list.js';
import { SESSION_ACTIONS, sessionCard, type Registration, type Session, type SessionFormValues } from '../views/meetings-webinars.js';
import { listMeetings } from '../zoom/meetings.js';
import { deleteSession, endSession, updateSession, type SessionInput, type SessionKind } from '../zoom/meetings-webinars.js';
import { listWebinars } from '../zoom/webinars.js';

/** Sessions shown per page in Slack: well under the 50-block limit of a message. */
const PAGE_SIZE = 20;

/** `--type` words and the list type Zoom takes for each. Webinars have no live, previous or date range in Zoom. */
const LIST_TYPES = {
  meeting: { scheduled: 'scheduled', live: 'live', upcoming: 'upcoming_meetings', previous: 'previous_meetings' },
  webinar: { upcoming: 'upcoming', scheduled: 'scheduled' },
} as const satisfies Record<SessionKind, Record<string, string>>;

/** What a webinar list shows, said under its title: Zoom's two webinar lists are easy to misread. */
const WEBINAR_LIST_NOTES: Record<string, string> = {
  upcoming: 'Webinars still to come and any running now. `--type scheduled` adds past ones Zoom has not yet expired.',
  scheduled: 'On each page, upcoming and live webinars come first, then past ones (marked past). Zoom leaves out expired webinars.',
};

const EXAMPLE_TOPIC: Record<SessionKind, string> = { meeting: '"Weekly sync" --start "tomorrow 9:30" --duration 45', webinar: '"Product launch" --start "tomorrow 17:00" --duration 90 --registration manual' };

const publicFlag = { public: { type: 'boolean' } } as const;

export function sessionCommands(kind: SessionKind): CommandDef[] {
  const id = { name: `${kind}Id`, type: 'meetingId', noun: kind } as const;
  return [
    kind === 'meeting'
      ? {
          path: ['meeting', 'list'],
          usage: 'meeting list [--user <who>] [--type scheduled|live|upcoming|previous] [--from <date>] [--to <date>] [--csv] [--public]',
          summary: "List a user's meetings (upcoming by default), with a Next page button.",
          example: 'meeting list --user jane@example.com --type previous --from -7d',
          access: 'read',
          args: {
            positionals: [],
            flags: { user: { type: 'string' }, type: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, csv: { type: 'boolean' }, ...publicFlag },
          },
          run: listMeetingsCommand,
        }
      : {
          path: ['webinar', 'list'],
          usage: 'webinar list [--user <who>] [--type upcoming|scheduled] [--csv] [--public]',
          summary: "List a user's webinars: upcoming and live by default, or with --type scheduled also past ones not yet expired.",
          example: 'webinar list --user jane@example.com --type scheduled',
          access: 'read',
          args: { positionals: [], flags: { user: { type: 'string' }, type: { type: 'string' }, csv: { type: 'boolean' }, ...publicFlag } },
          run: listWebinarsCommand,
        },
    {
      path: [kind, 'get'],
      usage: `${kind} get <${kind}Id> [--public]`,
      summary: `Show a ${kind}: time, duration, host, join link, registration, recurrence.`,
      example: `${kind} get ${EXAMPLE_ID[kind]}`,
      access: 'read',
      args: { positionals: [id], flags: { ...publicFlag } },
      run: (inv, args) => showSession(inv, kind, requireId(args, kind), { public: args.flags.public === true }),
    },
    {
      path: [kind, 'create'],
      usage:
        `${kind} create [<topic>] [--start <when>] [--duration <minutes>] [--timezone <tz>] [--user <who>] ` +
        '[--agenda <text>] [--registration none|auto|manual]',
      summary: `Schedule a ${kind}; without a start time a form opens.`,
      example: `${kind} create ${EXAMPLE_TOPIC[kind]}`,
      access: 'write',
      args: {
        positionals: [{ name: 'topic', type: 'string', optional: true, variadic: true }],
        flags: {
          start: { type: 'string' },
          duration: { type: 'string' },
          timezone: { type: 'string' },
          user: { type: 'string' },
          agenda: { type: 'string' },
          registration: { type: 'string' },
        },
      },
      run: (inv, args) => createCommand(inv, kind, args),
    },
    {
      path: [kind, 'update'],
      usage:
        `${kind} update <${kind}Id> [--topic <text>] [--start <when>] [--duration <minutes>] [--timezone <tz>] ` +
        '[--agenda <text>] [--registration none|auto|manual]',
      summary: `Change a ${kind}; without options a form opens, filled in.`,
      example: `${kind} update ${EXAMPLE_ID[kind]} --start "2026-12-01 15:00"`,
      access: 'write',
      args: {
        positionals: [id],
        flags: {
          topic: { type: 'string' },
          start: { type: 'string' },
          duration: { type: 'string' },
          timezone: { type: 'string' },
          agenda: { type: 'string' },
          registration: { type: 'string' },
        },
      },
      run: (inv, args) => updateCommand(inv, kind, args),
    },
    {
      path: [kind, 'end'],
      usage: `${kind} end <${kind}Id>`,
      summary: `End a ${kind} that is running (asks first).`,
      example: `${kind} end ${EXAMPLE_ID[kind]}`,
      access: 'write',
      args: { positionals: [id], flags: {} },
      run: (inv, args) => endCommand(inv, kind, args),
    },
    {
      path: [kind, 'delete'],
      usage: `${kind} delete <${kind}Id> [--occurrence <id>]`,
      summary: `Delete a ${kind}, or one occurrence of a repeating one (asks first).`,
      example: `${kind} delete ${EXAMPLE_ID[kind]} --occurrence 1648194360000`,
      access: 'write',
      args: { positionals: [id], flags: { occurrence: { type: 'string' } } },
      run: (inv, args) => deleteCommand(inv, kind, args),
    },
  ];
}

// ---- list -------------------------------------------------------------------------------------------------

async function listMeetingsCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const { zone, now } = clock(inv);
  const types = LIST_TYPES.meeting;
  const typeWord = parseEnum(stringFlag(args, 'type') ?? 'upcoming', Object.keys(types), 'type') as keyof typeof types;
  const type = types[typeWord];
  const fromFlag = stringFlag(args, 'from');
  const toFlag = stringFlag(args, 'to');
  // Dates only narrow past meetings; for upcoming ones "the last 30 days" would hide everything.
  const wantsRange = type === 'previous_meetings' || fromFlag !== undefined || toFlag !== undefined;
  const to = toFlag ? parseDate(toFlag, { zone, now }) : now;
  const from = fromFlag ? parseDate(fromFlag, { zone, now }) : to.minus({ days: 30 });
  if (wantsRange && from > to) {
    throw new UsageError(`--from (${from.toISODate()}) is after --to (${to.toISODate()}).`);
  }
  const user = await resolveZoomUser(inv, parseWho(stringFlag(args, 'user') ?? 'me'));
  const state: SessionListState = {
    userId: user.id,
    userLabel: user.email ?? user.id,
    type,
    ...(wantsRange ? { from: from.toISODate() ?? undefined, to: to.toISODate() ?? undefined, timezone: zone } : {}),
    token: '',
  };
  if (args.flags.csv === true) return exportSessions(inv, 'meeting', state);
  await showSessionPage(inv, 'meeting', state, { public: args.flags.public === true });
}

async function listWebinarsCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const typeWord = stringFlag(args, 'type') ?? 'upcoming';
  // Admins type the meeting words by habit; Zoom has no such webinar list, so say what there is instead.
  if (['live', 'previous'].includes(typeWord.toLowerCase())) {
    throw new UsageError(
      `Zoom lists no ${typeWord.toLowerCase()} webinars on their own: --type upcoming shows upcoming and live ones, --type scheduled adds past ones not yet expired.`,
      { example: '--type scheduled' },
    );
  }
  const type = parseEnum(typeWord, Object.keys(LIST_TYPES.webinar), 'type') as keyof typeof LIST_TYPES.webinar;
  const user = await resolveZoomUser(inv, parseWho(stringFlag(args, 'user') ?? 'me'));
  const state: SessionListState = { userId: user.id, userLabel: user.email ?? user.id, type: LIST_TYPES.webinar[type], token: '' };
  if (args.flags.csv === true) return exportSessions(inv, 'webinar', state);
  await showSessionPage(inv, 'webinar', state, { public: args.flags.public === true });
}

export async function showSessionPage(
  inv: Invocation,
  kind: SessionKind,
  state: SessionListState,
  opts: { public?: boolean; replaceOriginal?: boolean } = {},
): Promise<void> {
  const page = await fetchPage(inv, kind, state);
  const next = page.nextPageToken ? { ...state, token: page.nextPageToken } : undefined;
  const now = inv.services.now().toISO() ?? undefined;
  // Zoom's `scheduled` webinar list mixes past and upcoming; an admin looks for what is coming first.
  const mixed = kind === 'webinar' && state.type === 'scheduled';
  await inv.reply(
    sessionListMessage(kind, {
      sessions: mixed && now ? upcomingFirst(page.sessions, now) : page.sessions,
      userLabel: state.userLabel,
      type: state.type,
      zone: inv.person.tz,
      totalRecords: page.totalRecords,
      next,
      query: state,
      note: kind === 'webinar' ? WEBINAR_LIST_NOTES[state.type] : undefined,
      now: mixed ? now : undefined,
    }),
    opts,
  );
}

async function fetchPage(
  inv: Invocation,
  kind: SessionKind,
  state: SessionListState,
): Promise<{ sessions: Session[]; totalRecords?: number; nextPageToken?: string }> {
  const { zoom } = inv.services;
  const nextPageToken = state.token || undefined;
  if (kind === 'meeting') {
    const { meetings, ...page } = await listMeetings(zoom, state.userId, {
      type: state.type as (typeof LIST_TYPES.meeting)[keyof typeof LIST_TYPES.meeting],
      from: state.from,
      to: state.to,
      timezone: state.timezone,
      pageSize: PAGE_SIZE,
      nextPageToken,
    });
    return { sessions: meetings, ...page };
  }
  const type = state.type as (typeof LIST_TYPES.webinar)[keyof typeof LIST_TYPES.webinar];
  const { webinars, ...page } = await listWebinars(zoom, state.userId, { type, pageSize: PAGE_SIZE, nextPageToken });
  return { sessions: webinars, ...page };
}

/** The whole list as a CSV file in the admin's DM: every page, one row per meeting or webinar. */
function exportSessions(inv: Invocation, kind: SessionKind, state: SessionListState): Promise<void> {
  const { token: _page, ...list } = state;
  return startExport(inv, 'sessions', { kind, ...list }, `the ${kind}s of ${state.userLabel}`);
}

/** Upcoming and live first, soonest first; then past ones, latest first; those without a time stay in between. */
export function upcomingFirst(sessions: Session[], now: string): Session[] {
  const rank = (s: Session) => (!s.start_time ? 1 : hasEnded(s, now) ? 2 : 0);
  const time = (s: Session) => (s.start_time ? Date.parse(s.start_time) : 0);
  return [...sessions].sort((a, b) => rank(a) - rank(b) || (rank(a) === 2 ? time(b) - time(a) : time(a) - time(b)));
}

// ---- get --------------------------------------------------------------------------------------------------

export async function showSession(inv: Invocation, kind: SessionKind, id: string, opts: { public?: boolean } = {}): Promise<void> {
  const session = await fetchSession(inv, kind, id);
  await inv.reply(sessionCard(kind, session, inv.person.tz, undefined, { inChannel: opts.public === true }), opts);
}

// ---- create -----------------------------------------------------------------------------------------------

async function createCommand(inv: CommandInvocation, kind: SessionKind, args: ParsedCommand): Promise<void> {
  const { zone, now } = clock(inv);
  const topic = checkTopic(args.positionals.join(' ').trim());
  const timezone = args.flags.timezone ? parseTimezone(String(args.flags.timezone)) : zone;
  const startFlag = stringFlag(args, 'start');
  const duration = stringFlag(args, 'duration');
  const registration = registrationFlag(args);
  const values: SessionFormValues = {
    topic: topic || undefined,
    duration: duration ? parseDuration(duration) : 60,
    timezone,
    host: hostHint(stringFlag(args, 'user')),
    agenda: stringFlag(args, 'agenda'),
    registration,
  };
  if (!startFlag) {
    // Without a start there is nothing to schedule yet: open the form with what was typed.
    const nextHour = now.setZone(timezone).plus({ hours: 1 }).startOf('hour');
    await openSessionForm(inv, kind, { mode: 'create', channelId: inv.channelId, responseUrl: inv.responseUrl }, {
      ...values,
      date: nextHour.toISODate() ?? undefined,
      time: nextHour.toFormat('HH:mm'),
    });
    return;
  }
  const start = parseWhen(startFlag, { zone: timezone, now });
  if (start < now.minus({ minutes: 1 })) {
    throw new UsageError(`--start ${quoted(startFlag)} is in the past (${formatDateTime(start, zone)}).`, { example: '--start "tomorrow 9:30"' });
  }
  const host = await resolveZoomUser(inv, parseWho(stringFlag(args, 'user') ?? 'me'));
  const input: SessionInput<number> = {
    topic: topic || `Zoom ${kind}`,
    type: SESSION_TYPES[kind].single,
    start_time: zoomLocalTime(start),
    timezone,
    duration: values.duration,
    ...(values.agenda ? { agenda: values.agenda } : {}),
    ...(registration ? { settings: { approval_type: APPROVAL_TYPES[registration] } } : {}),
  };
  const session = await createAudited(inv, kind, host.id, input);
  await inv.reply(sessionCard(kind, session, inv.person.tz, `:white_check_mark: ${capitalize(kind)} created`));
}

// ---- update -----------------------------------------------------------------------------------------------

async function updateCommand(inv: CommandInvocation, kind: SessionKind, args: ParsedCommand): Promise<void> {
  const id = requireId(args, kind);
  const { zone, now } = clock(inv);
  const changes: Partial<SessionInput<number>> = {};
  const topic = stringFlag(args, 'topic');
  if (topic !== undefined) changes.topic = checkTopic(topic);
  const timezone = args.flags.timezone ? parseTimezone(String(args.flags.timezone)) : undefined;
  if (timezone) changes.timezone = timezone;
  const startFlag = stringFlag(args, 'start');
  if (startFlag) {
    const start = parseWhen(startFlag, { zone: timezone ?? zone, now });
    // With a zone given, Zoom keeps local time and zone; without, an absolute time leaves the session's zone alone.
    changes.start_time = timezone ? zoomLocalTime(start) : zoomUtcTime(start);
  }
  const duration = stringFlag(args, 'duration');
  if (duration) changes.duration = parseDuration(duration);
  const agenda = stringFlag(args, 'agenda');
  if (agenda !== undefined) changes.agenda = agenda;
  const registration = registrationFlag(args);
  if (registration) changes.settings = { approval_type: APPROVAL_TYPES[registration] };

  if (Object.keys(changes).length === 0) {
    await openSessionFormFor(inv, kind, id);
    return;
  }
  await audited(inv, `updated ${kind} ${formatMeetingId(id)} (${Object.keys(changes).join(', ')})`, () =>
    updateSession(inv.services.zoom, kind, id, changes),
  );
  // Zoom answers an update with 204 and no body: read it back to show what it is now.
  const { session, summary } = await readBack(inv, kind, id, 'Updated');
  await inv.reply(session ? sessionCard(kind, session, inv.person.tz, summary) : textMessage(summary));
}

// ---- end and delete: ask first, act on the button -----------------------------------------------------------

/** What a confirmation button carries: enough to act and to say what was done. The kind is in its action ID. */
export interface SessionTarget {
  id: string;
  topic: string;
  occurrenceId?: string;
}

async function endCommand(inv: CommandInvocation, kind: SessionKind, args: ParsedCommand): Promise<void> {
  await askEnd(inv, kind, requireId(args, kind));
}

/** The question before ending: `meeting end` and the card's End button. */
async function askEnd(inv: Invocation, kind: SessionKind, id: string): Promise<void> {
  const session = await fetchSession(inv, kind, id);
  const target: SessionTarget = { id: session.id, topic: session.topic ?? '' };
  await inv.reply(
    confirmationPrompt({
      question: `End *${escapeMrkdwn(session.topic ?? `the ${kind}`)}* (${formatMeetingId(session.id)}) for everyone in it now?`,
      confirmLabel: `End ${kind}`,
      actionId: SESSION_ACTIONS[kind].confirmEnd,
      value: await stashPending(inv, `${kind}-end`, target, CONFIRMATION_TTL_SECONDS),
    }),
  );
}

async function deleteCommand(inv: CommandInvocation, kind: SessionKind, args: ParsedCommand): Promise<void> {
  await askDelete(inv, kind, requireId(args, kind), stringFlag(args, 'occurrence'));
}

/** The question before deleting: `meeting delete` and the card's Delete button. */
async function askDelete(inv: Invocation, kind: SessionKind, id: string, occurrenceId?: string): Promise<void> {
  const session = await fetchSession(inv, kind, id);
  const target: SessionTarget = { id: session.id, topic: session.topic ?? '', ...(occurrenceId ? { occurrenceId } : {}) };
  const name = `*${escapeMrkdwn(session.topic ?? `the ${kind}`)}* (${formatMeetingId(session.id)})`;
  let question: string;
  let note: string | undefined;
  if (occurrenceId) {
    const occurrence = session.occurrences?.find((o) => o.occurrence_id === occurrenceId);
    if (!occurrence) {
      const known = (session.occurrences ?? []).slice(0, 5).map((o) => o.occurrence_id);
      throw new UsageError(
        `${capitalize(kind)} ${formatMeetingId(session.id)} has no occurrence ${occurrenceId}.` +
          (known.length ? ` Its next occurrences are ${known.join(', ')}.` : ' It does not repeat.'),
      );
    }
    question = `Delete the occurrence of ${name} on ${formatTime(occurrence.start_time, inv.person.tz)}?`;
  } else {
    question = `Delete ${name}?`;
    const count = session.occurrences?.length ?? 0;
    if (count > 1) {
      note = `This deletes all ${count} occurrences. To delete one, add --occurrence <id> (see \`${kind} get ${session.id}\`).`;
    }
  }
  await inv.reply(
    confirmationPrompt({
      question,
      confirmLabel: occurrenceId ? 'Delete occurrence' : `Delete ${kind}`,
      actionId: SESSION_ACTIONS[kind].confirmDelete,
      value: await stashPending(inv, `${kind}-delete`, target, CONFIRMATION_TTL_SECONDS),
      note,
    }),
  );
}

export async function confirmEnd(inv: Invocation, kind: SessionKind, target: SessionTarget): Promise<string> {
  await audited(inv, `ended ${kind} ${formatMeetingId(target.id)} "${target.topic}"`, () =>
    endSession(inv.services.zoom, kind, target.id),
  );
  return `:stop_button: ${capitalize(kind)} *${escapeMrkdwn(target.topic)}* (${formatMeetingId(target.id)}) ended by <@${inv.person.id}> at ${stamp(inv)}.`;
}

export async function confirmDelete(inv: Invocation, kind: SessionKind, target: SessionTarget): Promise<string> {
  const what = target.occurrenceId ? `occurrence ${target.occurrenceId} of ${kind}` : kind;
  await audited(inv, `deleted ${what} ${formatMeetingId(target.id)} "${target.topic}"`, () =>
    deleteSession(inv.services.zoom, kind, target.id, { occurrenceId: target.occurrenceId }),
  );
  return `:wastebasket: ${capitalize(what)} *${escapeMrkdwn(target.topic)}* (${formatMeetingId(target.id)}) deleted by <@${inv.person.id}> at ${stamp(inv)}.`;
}

// ---- helpers ------------------------------------------------------------------------------------------------

function clock(inv: Invocation) {
  return { zone: inv.person.tz, now: inv.services.now().setZone(inv.person.tz) };
}

function stamp(inv: Invocation): string {
  return formatClock(inv.services.now(), inv.person.tz);
}

function registrationFlag(args: ParsedCommand): Registration | undefined {
  const value = stringFlag(args, 'registration');
  return value === undefined ? undefined : (parseEnum(value, ['none', 'auto', 'manual'], 'registration') as Registration);
}

function hostHint(user: string | undefined): string | undefined {
  return user && user.includes('@') ? user : undefined;
}

// ---- buttons ------------------------------------------------------------------------------------------------

const SESSION_ID = /^\d{9,12}$/;
const targetSchema = z.object({ id: z.string().regex(SESSION_ID), topic: z.string(), occurrenceId: z.string().optional() });

function listStateSchema(kind: SessionKind) {
  return z.object({
    userId: z.string().min(1),
    userLabel: z.string(),
    type: z.enum(Object.values(LIST_TYPES[kind]) as [string, ...string[]]),
    from: z.string().optional(),
    to: z.string().optional(),
    timezone: z.string().optional(),
    token: z.string(),
  });
}

/** A card button's value: the session's ID, refused when it is anything else. */
function sessionIdOf(value: string): string {
  if (!SESSION_ID.test(value)) throw new UsageError(OUT_OF_DATE);
  return value;
}

/** Button values come back from Slack as text; anything that does not parse is refused, not guessed at. */
export function sessionActions(kind: SessionKind): ActionDef[] {
  const ids = SESSION_ACTIONS[kind];
  const listState = listStateSchema(kind);
  return [
    {
      actionId: ids.nextPage,
      access: 'read',
      run: (inv, value) => showSessionPage(inv, kind, buttonValue(listState, value), { replaceOriginal: true }),
    },
    { actionId: ids.csv, access: 'read', run: (inv, value) => exportSessions(inv, kind, buttonValue(listState, value)) },
    {
      actionId: ids.details,
      access: 'read',
      run: (inv, value) => {
        if (!SESSION_ID.test(value)) throw new UsageError(OUT_OF_DATE);
        return showSession(inv, kind, value);
      },
    },
    { actionId: ids.registrants, access: 'read', run: (inv, value) => showRegistrantCard(inv, kind, sessionIdOf(value)) },
    {
      actionId: ids.edit,
      access: 'write',
      run: (inv, value) => {
        const id = sessionIdOf(value);
        if (!inv.triggerId || !inv.responseUrl) throw new UsageError(`Slack sent no form trigger; run \`${inv.services.config.slack.command} ${kind} update ${id}\` instead.`);
        return openSessionFormFor({ ...inv, triggerId: inv.triggerId, responseUrl: inv.responseUrl }, kind, id);
      },
    },
    { actionId: ids.delete, access: 'write', run: (inv, value) => askDelete(inv, kind, sessionIdOf(value)) },
    { actionId: ids.end, access: 'write', run: (inv, value) => askEnd(inv, kind, sessionIdOf(value)) },
    {
      actionId: ids.confirmEnd,
      access: 'write',
      run: async (inv, value) => settle(inv, await confirmEnd(inv, kind, await claimPending(inv, `${kind}-end`, value, targetSchema))),
    },
    {
      actionId: ids.confirmDelete,
      access: 'write',
      run: async (inv, value) => settle(inv, await confirmDelete(inv, kind, await claimPending(inv, `${kind}-delete`, value, targetSchema))),
    },
  ];
}
