// `/zoom meeting …`: list, get, create, update, end and delete, with their buttons and the meeting modal.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { OUT_OF_DATE, buttonValue, requireId, stringFlag } from './args.js';
import { audited, settle } from './audited.js';
import type { ActionDef, CommandDef } from './command.js';
import type { CommandInvocation, Invocation, ParsedCommand } from './context.js';
import { UsageError } from './errors.js';
import { parseDate, parseDuration, parseEnum, parseTimezone, parseWhen, parseWho } from './values.js';
import { resolveZoomUser } from './who.js';
import { confirmationPrompt } from '../views/confirm.js';
import { textMessage } from '../views/blocks.js';
import { escapeMrkdwn, formatClock, formatDateTime, formatMeetingId, formatTime } from '../views/format.js';
import {
  MEETING_ACTIONS,
  describeRecurrence,
  meetingCard,
  meetingListMessage,
  type MeetingListState,
} from '../views/sessions.js';
import { renderError } from '../views/errors.js';
import {
  meetingForm,
  formTitle,
  meetingFormNotice,
  zoneOptions,
  type MeetingFormMeta,
  type MeetingFormValues,
  type Registration,
} from '../views/session-form.js';
import {
  createMeeting,
  deleteMeeting,
  endMeeting,
  getMeeting,
  listMeetings,
  updateMeeting,
  type Meeting,
  type MeetingInput,
} from '../zoom/meetings.js';

/** Meetings shown per page in Slack: well under the 50-block limit of a message. */
const PAGE_SIZE = 20;

const LIST_TYPES = { scheduled: 'scheduled', live: 'live', upcoming: 'upcoming_meetings', previous: 'previous_meetings' } as const;
type ListType = keyof typeof LIST_TYPES;

export const APPROVAL_TYPES: Record<Registration, 0 | 1 | 2> = { auto: 0, manual: 1, none: 2 };

const meetingId = { name: 'meetingId', type: 'meetingId' } as const;
const publicFlag = { public: { type: 'boolean' } } as const;

export const meetingCommands: CommandDef[] = [
  {
    path: ['meeting', 'list'],
    usage: 'meeting list [--user <who>] [--type scheduled|live|upcoming|previous] [--from <date>] [--to <date>] [--public]',
    summary: "List a user's meetings (upcoming by default), with a Next page button.",
    example: 'meeting list --user jane@example.com --type previous --from -7d',
    access: 'read',
    args: {
      positionals: [],
      flags: { user: { type: 'string' }, type: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, ...publicFlag },
    },
    run: listCommand,
  },
  {
    path: ['meeting', 'get'],
    usage: 'meeting get <meetingId> [--public]',
    summary: 'Show a meeting: time, duration, host, join link, registration, recurrence.',
    example: 'meeting get 812 3456 7890',
    access: 'read',
    args: { positionals: [meetingId], flags: { ...publicFlag } },
    run: getCommand,
  },
  {
    path: ['meeting', 'create'],
    usage:
      'meeting create [<topic>] [--start <when>] [--duration <minutes>] [--timezone <tz>] [--user <who>] ' +
      '[--agenda <text>] [--registration none|auto|manual]',
    summary: 'Schedule a meeting; without a start time a form opens.',
    example: 'meeting create "Weekly sync" --start "tomorrow 9:30" --duration 45',
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
    run: createCommand,
  },
  {
    path: ['meeting', 'update'],
    usage:
      'meeting update <meetingId> [--topic <text>] [--start <when>] [--duration <minutes>] [--timezone <tz>] ' +
      '[--agenda <text>] [--registration none|auto|manual]',
    summary: 'Change a meeting; without options a form opens, filled in.',
    example: 'meeting update 812 3456 7890 --start "2026-12-01 15:00"',
    access: 'write',
    args: {
      positionals: [meetingId],
      flags: {
        topic: { type: 'string' },
        start: { type: 'string' },
        duration: { type: 'string' },
        timezone: { type: 'string' },
        agenda: { type: 'string' },
        registration: { type: 'string' },
      },
    },
    run: updateCommand,
  },
  {
    path: ['meeting', 'end'],
    usage: 'meeting end <meetingId>',
    summary: 'End a meeting that is running (asks first).',
    example: 'meeting end 812 3456 7890',
    access: 'write',
    args: { positionals: [meetingId], flags: {} },
    run: endCommand,
  },
  {
    path: ['meeting', 'delete'],
    usage: 'meeting delete <meetingId> [--occurrence <id>]',
    summary: 'Delete a meeting, or one occurrence of a repeating one (asks first).',
    example: 'meeting delete 812 3456 7890 --occurrence 1648194360000',
    access: 'write',
    args: { positionals: [meetingId], flags: { occurrence: { type: 'string' } } },
    run: deleteCommand,
  },
];

// ---- list -------------------------------------------------------------------------------------------------

async function listCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const { zone, now } = clock(inv);
  const typeWord = parseEnum(stringFlag(args, 'type') ?? 'upcoming', Object.keys(LIST_TYPES), 'type') as ListType;
  const type = LIST_TYPES[typeWord];
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
  const state: MeetingListState = {
    userId: user.id,
    userLabel: user.email ?? user.id,
    type,
    ...(wantsRange ? { from: from.toISODate() ?? undefined, to: to.toISODate() ?? undefined, timezone: zone } : {}),
    token: '',
  };
  await showMeetingPage(inv, state, { public: args.flags.public === true });
}

export async function showMeetingPage(
  inv: Invocation,
  state: MeetingListState,
  opts: { public?: boolean; replaceOriginal?: boolean } = {},
): Promise<void> {
  const page = await listMeetings(inv.services.zoom, state.userId, {
    type: state.type as (typeof LIST_TYPES)[ListType],
    from: state.from,
    to: state.to,
    timezone: state.timezone,
    pageSize: PAGE_SIZE,
    nextPageToken: state.token || undefined,
  });
  const next = page.nextPageToken ? { ...state, token: page.nextPageToken } : undefined;
  await inv.reply(
    meetingListMessage({
      meetings: page.meetings,
      userLabel: state.userLabel,
      type: state.type,
      zone: inv.person.tz,
      totalRecords: page.totalRecords,
      next,
    }),
    opts,
  );
}

// ---- get --------------------------------------------------------------------------------------------------

async function getCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  await showMeeting(inv, requireId(args), { public: args.flags.public === true });
}

export async function showMeeting(inv: Invocation, id: string, opts: { public?: boolean } = {}): Promise<void> {
  const meeting = await getMeeting(inv.services.zoom, id);
  await inv.reply(meetingCard(meeting, inv.person.tz), opts);
}

// ---- create -----------------------------------------------------------------------------------------------

async function createCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const { zone, now } = clock(inv);
  const topic = args.positionals.join(' ').trim();
  const timezone = args.flags.timezone ? parseTimezone(String(args.flags.timezone)) : zone;
  const startFlag = stringFlag(args, 'start');
  const duration = stringFlag(args, 'duration');
  const registration = registrationFlag(args);
  const values: MeetingFormValues = {
    topic: topic || undefined,
    duration: duration ? parseDuration(duration) : 60,
    timezone,
    host: hostHint(stringFlag(args, 'user')),
    agenda: stringFlag(args, 'agenda'),
    registration,
  };
  if (!startFlag) {
    // Without a start there is no meeting to schedule yet: open the form with what was typed.
    const nextHour = now.setZone(timezone).plus({ hours: 1 }).startOf('hour');
    await openMeetingForm(inv, { mode: 'create', channelId: inv.channelId, responseUrl: inv.responseUrl }, {
      ...values,
      date: nextHour.toISODate() ?? undefined,
      time: nextHour.toFormat('HH:mm'),
    });
    return;
  }
  const start = parseWhen(startFlag, { zone: timezone, now });
  if (start < now.minus({ minutes: 1 })) {
    throw new UsageError(`--start "${startFlag}" is in the past (${formatDateTime(start, zone)}).`, { example: '--start "tomorrow 9:30"' });
  }
  const host = await resolveZoomUser(inv, parseWho(stringFlag(args, 'user') ?? 'me'));
  const input: MeetingInput = {
    topic: topic || 'Zoom meeting',
    type: 2,
    start_time: zoomLocalTime(start),
    timezone,
    duration: values.duration,
    ...(values.agenda ? { agenda: values.agenda } : {}),
    ...(registration ? { settings: { approval_type: APPROVAL_TYPES[registration] } } : {}),
  };
  const meeting = await createAudited(inv, host.id, input);
  await inv.reply(meetingCard(meeting, inv.person.tz, ':white_check_mark: Meeting created'));
}

/** Creates a meeting and records it in the audit channel, with its ID once Zoom has given one. */
export async function createAudited(inv: Invocation, hostId: string, input: MeetingInput): Promise<Meeting> {
  const what = `meeting "${input.topic ?? ''}" for ${hostId}`;
  try {
    const meeting = await createMeeting(inv.services.zoom, hostId, input);
    await inv.services.audit.record({ userId: inv.person.id, action: `created ${what} (${formatMeetingId(meeting.id)})`, outcome: 'ok' });
    return meeting;
  } catch (error) {
    await inv.services.audit.record({ userId: inv.person.id, action: `tried to create ${what}`, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

// ---- update -----------------------------------------------------------------------------------------------

async function updateCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const id = requireId(args);
  const { zone, now } = clock(inv);
  const changes: Partial<MeetingInput> = {};
  const topic = stringFlag(args, 'topic');
  if (topic !== undefined) changes.topic = topic;
  const timezone = args.flags.timezone ? parseTimezone(String(args.flags.timezone)) : undefined;
  if (timezone) changes.timezone = timezone;
  const startFlag = stringFlag(args, 'start');
  if (startFlag) {
    const start = parseWhen(startFlag, { zone: timezone ?? zone, now });
    // With a zone given, Zoom keeps local time and zone; without, an absolute time leaves the meeting's zone alone.
    changes.start_time = timezone ? zoomLocalTime(start) : zoomUtcTime(start);
  }
  const duration = stringFlag(args, 'duration');
  if (duration) changes.duration = parseDuration(duration);
  const agenda = stringFlag(args, 'agenda');
  if (agenda !== undefined) changes.agenda = agenda;
  const registration = registrationFlag(args);
  if (registration) changes.settings = { approval_type: APPROVAL_TYPES[registration] };

  if (Object.keys(changes).length === 0) {
    await openMeetingFormFor(inv, id);
    return;
  }
  await audited(inv, `updated meeting ${formatMeetingId(id)} (${Object.keys(changes).join(', ')})`, () =>
    updateMeeting(inv.services.zoom, id, changes),
  );
  // Zoom answers an update with 204 and no body: read the meeting back to show what it is now.
  const { meeting, summary } = await readBack(inv, id, 'Updated');
  await inv.reply(meeting ? meetingCard(meeting, inv.person.tz, summary) : textMessage(summary));
}

// ---- end and delete: ask first, act on the button -----------------------------------------------------------

/** What a confirmation button carries: enough to act and to say what was done. */
export interface MeetingTarget {
  id: string;
  topic: string;
  occurrenceId?: string;
}

async function endCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const meeting = await getMeeting(inv.services.zoom, requireId(args));
  const target: MeetingTarget = { id: meeting.id, topic: meeting.topic ?? '' };
  await inv.reply(
    confirmationPrompt({
      question: `End *${escapeMrkdwn(meeting.topic ?? 'the meeting')}* (${formatMeetingId(meeting.id)}) for everyone in it now?`,
      confirmLabel: 'End meeting',
      actionId: MEETING_ACTIONS.confirmEnd,
      value: JSON.stringify(target),
    }),
  );
}

async function deleteCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const occurrenceId = stringFlag(args, 'occurrence');
  const meeting = await getMeeting(inv.services.zoom, requireId(args));
  const target: MeetingTarget = { id: meeting.id, topic: meeting.topic ?? '', ...(occurrenceId ? { occurrenceId } : {}) };
  const name = `*${escapeMrkdwn(meeting.topic ?? 'the meeting')}* (${formatMeetingId(meeting.id)})`;
  let question: string;
  let note: string | undefined;
  if (occurrenceId) {
    const occurrence = meeting.occurrences?.find((o) => o.occurrence_id === occurrenceId);
    if (!occurrence) {
      const known = (meeting.occurrences ?? []).slice(0, 5).map((o) => o.occurrence_id);
      throw new UsageError(
        `Meeting ${formatMeetingId(meeting.id)} has no occurrence ${occurrenceId}.` +
          (known.length ? ` Its next occurrences are ${known.join(', ')}.` : ' It does not repeat.'),
      );
    }
    question = `Delete the occurrence of ${name} on ${formatTime(occurrence.start_time, inv.person.tz)}?`;
  } else {
    question = `Delete ${name}?`;
    const count = meeting.occurrences?.length ?? 0;
    if (count > 1) {
      note = `This deletes all ${count} occurrences. To delete one, add --occurrence <id> (see \`meeting get ${meeting.id}\`).`;
    }
  }
  await inv.reply(
    confirmationPrompt({
      question,
      confirmLabel: occurrenceId ? 'Delete occurrence' : 'Delete meeting',
      actionId: MEETING_ACTIONS.confirmDelete,
      value: JSON.stringify(target),
      note,
    }),
  );
}

export async function confirmEnd(inv: Invocation, target: MeetingTarget): Promise<string> {
  await audited(inv, `ended meeting ${formatMeetingId(target.id)} "${target.topic}"`, () =>
    endMeeting(inv.services.zoom, target.id),
  );
  return `:stop_button: Meeting *${escapeMrkdwn(target.topic)}* (${formatMeetingId(target.id)}) ended by <@${inv.person.id}> at ${stamp(inv)}.`;
}

export async function confirmDelete(inv: Invocation, target: MeetingTarget): Promise<string> {
  const what = target.occurrenceId ? `occurrence ${target.occurrenceId} of meeting` : 'meeting';
  await audited(inv, `deleted ${what} ${formatMeetingId(target.id)} "${target.topic}"`, () =>
    deleteMeeting(inv.services.zoom, target.id, { occurrenceId: target.occurrenceId }),
  );
  return `:wastebasket: ${capitalize(what)} *${escapeMrkdwn(target.topic)}* (${formatMeetingId(target.id)}) deleted by <@${inv.person.id}> at ${stamp(inv)}.`;
}

// ---- the form -----------------------------------------------------------------------------------------------

async function openMeetingForm(inv: CommandInvocation, meta: MeetingFormMeta, values: MeetingFormValues): Promise<void> {
  await inv.services.slack.views.open({
    trigger_id: inv.triggerId,
    view: meetingForm({ meta, values, zones: zoneOptions(values.timezone, inv.person.tz) }),
  });
}

/** Opens a placeholder at once (the trigger expires in 3 s), then fills it from Zoom. */
async function openMeetingFormFor(inv: CommandInvocation, id: string): Promise<void> {
  const title = formTitle('update');
  const opened = await inv.services.slack.views.open({
    trigger_id: inv.triggerId,
    view: meetingFormNotice(title, ':hourglass_flowing_sand: Loading the meeting from Zoom…'),
  });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error('views.open answered without a view ID');
  try {
    const meeting = await getMeeting(inv.services.zoom, id);
    const values = formValuesOf(meeting, inv.person.tz);
    await inv.services.slack.views.update({
      view_id: viewId,
      view: meetingForm({
        meta: { mode: 'update', meetingId: meeting.id, channelId: inv.channelId, responseUrl: inv.responseUrl },
        values,
        zones: zoneOptions(values.timezone, inv.person.tz),
        note: meeting.recurrence ? `Now: ${describeRecurrence(meeting.recurrence)}` : undefined,
      }),
    });
  } catch (error) {
    const problem = renderError(error, { zone: inv.person.tz });
    await inv.services.slack.views.update({ view_id: viewId, view: meetingFormNotice(title, `:warning: ${problem}`) });
  }
}

/** The form's fields for an existing meeting, its time shown in the meeting's own zone. */
export function formValuesOf(m: Meeting, fallbackZone: string): MeetingFormValues {
  const timezone = m.timezone || fallbackZone;
  const start = m.start_time ? DateTime.fromISO(m.start_time, { zone: 'utc' }).setZone(timezone) : undefined;
  const approval = m.settings?.approval_type;
  const registration: Registration = approval === 0 ? 'auto' : approval === 1 ? 'manual' : 'none';
  const repeat = m.type === 8 && m.recurrence ? (({ 1: 'daily', 2: 'weekly', 3: 'monthly' } as const)[m.recurrence.type] ?? 'none') : 'none';
  return {
    topic: m.topic,
    date: start?.toISODate() ?? undefined,
    time: start?.toFormat('HH:mm'),
    duration: m.duration,
    timezone,
    agenda: m.agenda,
    registration,
    repeat,
    occurrences: m.recurrence?.end_times,
  };
}

// ---- helpers ------------------------------------------------------------------------------------------------

/** Zoom's local-time form, read in the `timezone` sent beside it: `2026-12-01T15:00:00`. */
export function zoomLocalTime(dt: DateTime): string {
  return dt.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

export function zoomUtcTime(dt: DateTime): string {
  return dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

function clock(inv: Invocation): { zone: string; now: DateTime } {
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- buttons ------------------------------------------------------------------------------------------------

const listStateSchema = z.object({
  userId: z.string().min(1),
  userLabel: z.string(),
  type: z.enum(Object.values(LIST_TYPES) as [string, ...string[]]),
  from: z.string().optional(),
  to: z.string().optional(),
  timezone: z.string().optional(),
  token: z.string(),
});

const targetSchema = z.object({ id: z.string().regex(/^\d{9,12}$/), topic: z.string(), occurrenceId: z.string().optional() });

/** Button values come back from Slack as text; anything that does not parse is refused, not guessed at. */
export const meetingActions: ActionDef[] = [
  {
    actionId: MEETING_ACTIONS.nextPage,
    access: 'read',
    run: (inv, value) => showMeetingPage(inv, buttonValue(listStateSchema, value), { replaceOriginal: true }),
  },
  {
    actionId: MEETING_ACTIONS.details,
    access: 'read',
    run: (inv, value) => {
      if (!/^\d{9,12}$/.test(value)) throw new UsageError(OUT_OF_DATE);
      return showMeeting(inv, value);
    },
  },
  {
    actionId: MEETING_ACTIONS.confirmEnd,
    access: 'write',
    run: async (inv, value) => settle(inv, await confirmEnd(inv, buttonValue(targetSchema, value))),
  },
  {
    actionId: MEETING_ACTIONS.confirmDelete,
    access: 'write',
    run: async (inv, value) => settle(inv, await confirmDelete(inv, buttonValue(targetSchema, value))),
  },
];

/** After a write Zoom accepted: the meeting as it is now, or the plain fact when it cannot be read back. */
export async function readBack(inv: Invocation, id: string, verb: string): Promise<{ meeting?: Meeting; summary: string }> {
  try {
    const meeting = await getMeeting(inv.services.zoom, id);
    return { meeting, summary: summaryLine(verb, meeting, inv.person.tz) };
  } catch (error) {
    inv.services.log.warn({ err: error }, 'meeting written but not read back');
    return { summary: `:white_check_mark: ${verb} meeting ${formatMeetingId(id)}; Zoom did not let ZoomOps read it back just now.` };
  }
}

export function summaryLine(verb: string, m: Meeting, zone: string): string {
  const when = m.start_time ? ` for ${formatTime(m.start_time, zone)}` : '';
  return `:white_check_mark: ${verb} *${escapeMrkdwn(m.topic ?? 'meeting')}* (${formatMeetingId(m.id)})${when}.`;
}
