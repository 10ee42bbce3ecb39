// Submissions of the meeting modal: read and check the fields (errors shown inline), then create or update.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Invocation, Services } from './context.js';
import { audited } from './audited.js';
import { APPROVAL_TYPES, zoomLocalTime } from './meeting.js';
import { parseWho } from './values.js';
import { resolveZoomUser } from './who.js';
import { mayDo, roleOf } from '../slack/authorize.js';
import { replyVia, type Reply } from '../slack/respond.js';
import { NotAllowedError, renderError } from '../views/errors.js';
import { formatMeetingId, formatTime } from '../views/format.js';
import { meetingCard } from '../views/meetings.js';
import {
  MEETING_FIELDS,
  MEETING_FORM_CALLBACK,
  meetingForm,
  meetingFormNotice,
  zoneOptions,
  type MeetingFormMeta,
  type MeetingFormValues,
  type Registration,
  type Repeat,
} from '../views/meeting-form.js';
import { createMeeting, getMeeting, updateMeeting, type Meeting, type MeetingInput } from '../zoom/meetings.js';

// Slack's view state: { [block_id]: { value: <element state> } }; only what the form can hold is accepted.
const element = z.looseObject({
  value: z.string().nullish(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
});
const stateSchema = z.record(z.string(), z.record(z.string(), element));

export const metaSchema = z.object({
  mode: z.enum(['create', 'update']),
  meetingId: z.string().optional(),
  channelId: z.string(),
  responseUrl: z.string().optional(),
});

export function parseMeta(privateMetadata: string): MeetingFormMeta {
  return metaSchema.parse(JSON.parse(privateMetadata));
}

export function readForm(state: unknown): MeetingFormValues {
  const values = stateSchema.parse(state);
  const field = (block: string) => values[block]?.value;
  const text = (block: string) => field(block)?.value?.trim() || undefined;
  const number = (block: string) => {
    const raw = text(block);
    return raw === undefined ? undefined : Number(raw);
  };
  return {
    topic: text(MEETING_FIELDS.topic),
    date: field(MEETING_FIELDS.date)?.selected_date ?? undefined,
    time: field(MEETING_FIELDS.time)?.selected_time ?? undefined,
    duration: number(MEETING_FIELDS.duration),
    timezone: field(MEETING_FIELDS.timezone)?.selected_option?.value,
    host: text(MEETING_FIELDS.host),
    agenda: text(MEETING_FIELDS.agenda),
    registration: field(MEETING_FIELDS.registration)?.selected_option?.value as Registration | undefined,
    repeat: field(MEETING_FIELDS.repeat)?.selected_option?.value as Repeat | undefined,
    occurrences: number(MEETING_FIELDS.occurrences),
  };
}

export type FormCheck = { ok: true; input: MeetingInput } | { ok: false; errors: Record<string, string> };

/** Checks the fields against Zoom's rules and builds the request; errors are keyed by block for Slack. */
export function checkForm(values: MeetingFormValues, now: DateTime): FormCheck {
  const errors: Record<string, string> = {};
  if (!values.topic) errors[MEETING_FIELDS.topic] = 'Give the meeting a topic.';
  const timezone = values.timezone && IANAZone.isValidZone(values.timezone) ? values.timezone : undefined;
  if (!timezone) errors[MEETING_FIELDS.timezone] = 'Pick a time zone.';
  if (!values.date) errors[MEETING_FIELDS.date] = 'Pick a date.';
  if (!values.time) errors[MEETING_FIELDS.time] = 'Pick a start time.';
  const duration = values.duration;
  if (duration === undefined || !Number.isInteger(duration) || duration < 1 || duration > 1440) {
    errors[MEETING_FIELDS.duration] = 'Give the length in minutes, from 1 to 1440.';
  }
  let start: DateTime | undefined;
  if (timezone && values.date && values.time) {
    start = DateTime.fromISO(`${values.date}T${values.time}`, { zone: timezone });
    if (!start.isValid) errors[MEETING_FIELDS.time] = 'That time does not exist in this time zone (a clock change).';
    else if (start < now.minus({ minutes: 1 })) errors[MEETING_FIELDS.date] = 'This start time is in the past.';
  }
  const repeat = values.repeat ?? 'none';
  const occurrences = values.occurrences;
  if (repeat !== 'none' && (occurrences === undefined || !Number.isInteger(occurrences) || occurrences < 2 || occurrences > 60)) {
    errors[MEETING_FIELDS.occurrences] = 'A repeating meeting needs the number of occurrences, from 2 to 60.';
  }
  if (values.host && !/^[^\s@]+@[^\s@]+$/.test(values.host)) errors[MEETING_FIELDS.host] = 'Give an email address.';
  if (Object.keys(errors).length > 0 || !start || !timezone || duration === undefined) return { ok: false, errors };

  const input: MeetingInput = {
    topic: values.topic,
    type: repeat === 'none' ? 2 : 8,
    start_time: zoomLocalTime(start),
    timezone,
    duration,
    agenda: values.agenda ?? '',
    settings: { approval_type: APPROVAL_TYPES[values.registration ?? 'none'] },
  };
  if (repeat !== 'none') input.recurrence = recurrenceFor(repeat, start, occurrences!);
  return { ok: true, input };
}

function recurrenceFor(repeat: Exclude<Repeat, 'none'>, start: DateTime, times: number): MeetingInput['recurrence'] {
  switch (repeat) {
    case 'daily':
      return { type: 1, repeat_interval: 1, end_times: times };
    case 'weekly':
      // luxon counts Monday = 1 … Sunday = 7; Zoom counts Sunday = 1 … Saturday = 7.
      return { type: 2, repeat_interval: 1, weekly_days: String((start.weekday % 7) + 1), end_times: times };
    case 'monthly':
      return { type: 3, repeat_interval: 1, monthly_day: start.day, end_times: times };
  }
}

/** Applies a checked submission in Zoom; returns the meeting as it now is and a one-line summary. */
export async function applyForm(
  inv: Invocation,
  meta: MeetingFormMeta,
  values: MeetingFormValues,
  input: MeetingInput,
): Promise<{ meeting: Meeting; summary: string }> {
  const { zoom } = inv.services;
  if (meta.mode === 'create') {
    const host = await resolveZoomUser(inv, values.host ? parseWho(values.host) : { kind: 'me' });
    const meeting = await audited(inv, `created meeting "${input.topic}"`, () => createMeeting(zoom, host.id, input));
    return { meeting, summary: summaryLine('Created', meeting, inv.person.tz) };
  }
  const id = meta.meetingId!;
  await audited(inv, `updated meeting ${formatMeetingId(id)} "${input.topic}"`, () => updateMeeting(zoom, id, input));
  const meeting = await getMeeting(zoom, id);
  return { meeting, summary: summaryLine('Saved', meeting, inv.person.tz) };
}

function summaryLine(verb: string, m: Meeting, zone: string): string {
  const when = m.start_time ? ` for ${formatTime(m.start_time, zone)}` : '';
  return `:white_check_mark: ${verb} *${m.topic ?? 'meeting'}* (${formatMeetingId(m.id)})${when}.`;
}

/**
 * The modal's submit: authorize, check the fields (inline errors keep the form open), then show a busy view
 * while Zoom works, and end on a done view — or on the form again with Zoom's refusal, nothing typed lost.
 */
export async function submitMeetingForm(
  { ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs,
  services: Services,
): Promise<void> {
  const log = services.log.child({ view: MEETING_FORM_CALLBACK });
  let meta: MeetingFormMeta;
  try {
    meta = parseMeta(view.private_metadata);
  } catch (error) {
    log.warn({ err: error }, 'meeting form with unreadable private_metadata');
    await ack({ response_action: 'update', view: meetingFormNotice('Zoom meeting', ':warning: This form is out of date; run the command again.') });
    return;
  }
  const person = await services.directory.person(body.user.id);
  const role = await roleOf(person.id, services.config.access, services.directory);
  if (!mayDo(role, 'write')) {
    await ack({ response_action: 'update', view: meetingFormNotice('Zoom meeting', new NotAllowedError('change Zoom meetings').message) });
    return;
  }
  const values = readForm(view.state.values);
  const check = checkForm(values, services.now());
  if (!check.ok) {
    await ack({ response_action: 'errors', errors: check.errors });
    return;
  }
  await ack({ response_action: 'update', view: meetingFormNotice(titleOf(meta), meta.mode === 'create' ? ':hourglass_flowing_sand: Creating the meeting in Zoom…' : ':hourglass_flowing_sand: Saving the changes in Zoom…') });

  const reply = meta.responseUrl ? replyVia(meta.responseUrl) : directMessage(services, person.id);
  const inv: Invocation = { services, person, role, channelId: meta.channelId, reply };
  try {
    const { meeting, summary } = await applyForm(inv, meta, values, check.input);
    await services.slack.views.update({ view_id: view.id, view: meetingFormNotice(titleOf(meta), summary) });
    await reply(meetingCard(meeting, person.tz, summary));
  } catch (error) {
    log.info({ err: error }, 'meeting form refused');
    await services.slack.views.update({
      view_id: view.id,
      view: meetingForm({ meta, values, zones: zoneOptions(values.timezone, person.tz), error: renderError(error, { zone: person.tz }) }),
    });
  }
}

function directMessage(services: Services, userId: string): Reply {
  return async (message) => {
    await services.slack.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks, unfurl_links: false });
  };
}

function titleOf(meta: MeetingFormMeta): string {
  return meta.mode === 'create' ? 'New Zoom meeting' : 'Edit Zoom meeting';
}
