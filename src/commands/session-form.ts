// Submissions of the meeting modal: read and check the fields (errors shown inline), then create or update.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Invocation, Services } from './context.js';
import { audited } from './audited.js';
import { UsageError } from './errors.js';
import { APPROVAL_TYPES, createAudited, formValuesOf, readBack, summaryLine, zoomLocalTime } from './session.js';
import { parseWho } from './values.js';
import { resolveZoomUser } from './who.js';
import { mayDo, roleOf } from '../slack/authorize.js';
import { directMessage, replyVia, tellAfterWrite } from '../slack/respond.js';
import { textMessage } from '../views/blocks.js';
import { NotAllowedError, renderError } from '../views/errors.js';
import { escapeMrkdwn, formatMeetingId } from '../views/format.js';
import { meetingCard } from '../views/sessions.js';
import {
  MEETING_FIELDS,
  MEETING_FORM_CALLBACK,
  meetingForm,
  formTitle,
  meetingFormNotice,
  zoneOptions,
  type MeetingFormMeta,
  type MeetingFormValues,
  type Registration,
  type Repeat,
} from '../views/session-form.js';
import { getMeeting, updateMeeting, type Meeting, type MeetingInput } from '../zoom/meetings.js';

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

/**
 * Checks the fields against Zoom's rules and builds the request; errors are keyed by block for Slack.
 * For an update, `initial` is what the form was filled with: only what changed is sent, so a save never
 * rewrites a recurrence the form cannot show, and an unchanged past start is not refused.
 */
export function checkForm(values: MeetingFormValues, now: DateTime, initial?: MeetingFormValues): FormCheck {
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
  const startChanged = !initial || ['date', 'time', 'timezone'].some((k) => differs(values, initial, k as keyof MeetingFormValues));
  let start: DateTime | undefined;
  if (timezone && values.date && values.time) {
    start = DateTime.fromISO(`${values.date}T${values.time}`, { zone: timezone });
    // luxon moves a time the clocks skip (02:30 on a spring-forward night) instead of refusing it.
    if (!start.isValid || start.toFormat('HH:mm') !== values.time) {
      errors[MEETING_FIELDS.time] = 'That time does not exist in this time zone (the clocks change then).';
    } else if (startChanged && start < now.minus({ minutes: 1 })) {
      errors[MEETING_FIELDS.date] = 'This start time is in the past.';
    }
  }
  const changed = (...keys: Array<keyof MeetingFormValues>) => !initial || keys.some((k) => differs(values, initial, k));
  const repeat = values.repeat ?? 'none';
  const occurrences = values.occurrences;
  // A series whose end the form cannot show (an end date) keeps it unless the admin touches the repetition.
  const recurrenceTouched = changed('repeat', 'occurrences') || initial?.occurrences !== undefined;
  if (repeat !== 'none' && recurrenceTouched && (occurrences === undefined || !Number.isInteger(occurrences) || occurrences < 2 || occurrences > 60)) {
    errors[MEETING_FIELDS.occurrences] = 'A repeating meeting needs the number of occurrences, from 2 to 60.';
  }
  if (values.host && !/^[^\s@]+@[^\s@]+$/.test(values.host)) errors[MEETING_FIELDS.host] = 'Give an email address.';
  if (Object.keys(errors).length > 0 || !start || !timezone || duration === undefined) return { ok: false, errors };

  const input: MeetingInput = {};
  if (changed('topic')) input.topic = values.topic;
  if (startChanged) Object.assign(input, { start_time: zoomLocalTime(start), timezone });
  if (changed('duration')) input.duration = duration;
  if (changed('agenda')) input.agenda = values.agenda ?? '';
  if (changed('registration')) input.settings = { approval_type: APPROVAL_TYPES[values.registration ?? 'none'] };
  if (changed('repeat', 'occurrences')) {
    input.type = repeat === 'none' ? 2 : 8;
    if (repeat !== 'none') input.recurrence = recurrenceFor(repeat, start, occurrences!);
  }
  return { ok: true, input };
}

function differs(a: MeetingFormValues, b: MeetingFormValues, key: keyof MeetingFormValues): boolean {
  return (a[key] ?? '') !== (b[key] ?? '');
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

/**
 * The modal's submit. Only pure checks run before the ack (Slack allows 3 s): field errors keep the form open,
 * anything else swaps in a busy view at once. Authorization and Zoom follow; Zoom's refusal puts the form back
 * with nothing typed lost, and once Zoom has accepted, a failing answer never brings the form back.
 */
export async function submitMeetingForm(
  { ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs,
  services: Services,
): Promise<void> {
  const log = services.log.child({ view: MEETING_FORM_CALLBACK });
  let meta: MeetingFormMeta;
  let values: MeetingFormValues;
  try {
    meta = parseMeta(view.private_metadata);
    values = readForm(view.state.values);
  } catch (error) {
    log.warn({ err: error }, 'meeting form that does not parse');
    await ack({ response_action: 'update', view: meetingFormNotice('Zoom meeting', ':warning: This form is out of date; run the command again.') });
    return;
  }
  // An update's "what changed" is only known against Zoom, after the ack; here every field is checked.
  const check = checkForm(values, services.now(), meta.mode === 'update' ? values : undefined);
  if (!check.ok) {
    await ack({ response_action: 'errors', errors: check.errors });
    return;
  }
  const title = formTitle(meta.mode);
  await ack({
    response_action: 'update',
    view: meetingFormNotice(title, meta.mode === 'create' ? ':hourglass_flowing_sand: Creating the meeting in Zoom…' : ':hourglass_flowing_sand: Saving the changes in Zoom…'),
  });
  const show = (modal: ModalView) =>
    services.slack.views.update({ view_id: view.id, view: modal }).catch((error: unknown) => log.warn({ err: error }, 'could not update the meeting modal'));

  await services.inflight.run(async () => {
    let person;
    let applied: { meeting?: Meeting; summary: string };
    try {
      person = await services.directory.person(body.user.id);
      const role = await roleOf(person.id, services.config.access, services.directory);
      if (!mayDo(role, 'write')) throw new NotAllowedError('change Zoom meetings');
      const inv: Invocation = { services, person, role, channelId: meta.channelId, reply: async () => undefined };
      applied = await applyForm(inv, meta, values);
    } catch (error) {
      log.info({ err: error }, 'meeting form refused');
      const problem = renderError(error, { zone: person?.tz });
      await show(
        error instanceof NotAllowedError || !person
          ? meetingFormNotice(title, `:warning: ${problem}`)
          : meetingForm({ meta, values, zones: zoneOptions(values.timezone, person.tz), error: problem }),
      );
      return;
    }
    await show(meetingFormNotice(title, applied.summary));
    const message = applied.meeting ? meetingCard(applied.meeting, person.tz, applied.summary) : textMessage(applied.summary);
    const replies = [...(meta.responseUrl ? [replyVia(meta.responseUrl)] : []), directMessage(services.slack, person.id)];
    await tellAfterWrite(log, message, replies);
  });
}

/**
 * Applies a checked submission in Zoom. A create resolves the host and creates; an update reads the meeting
 * afresh and sends only the fields that differ from it. Returns the meeting as it now is when it could be read.
 */
export async function applyForm(
  inv: Invocation,
  meta: MeetingFormMeta,
  values: MeetingFormValues,
): Promise<{ meeting?: Meeting; summary: string }> {
  const { zoom, now } = inv.services;
  const zone = inv.person.tz;
  if (meta.mode === 'create') {
    const check = checkForm(values, now());
    if (!check.ok) throw new UsageError(Object.values(check.errors)[0] ?? 'The form is incomplete.');
    const host = await resolveZoomUser(inv, values.host ? parseWho(values.host) : { kind: 'me' });
    const meeting = await createAudited(inv, host.id, check.input);
    return { meeting, summary: summaryLine('Created', meeting, zone) };
  }
  const id = meta.meetingId;
  if (!id) throw new UsageError('This form is out of date; run the command again.');
  const current = formValuesOf(await getMeeting(zoom, id), zone);
  const check = checkForm(values, now(), current);
  if (!check.ok) throw new UsageError(Object.values(check.errors)[0] ?? 'The form is incomplete.');
  if (Object.keys(check.input).length === 0) {
    return { summary: `Nothing changed in *${escapeMrkdwn(values.topic ?? 'the meeting')}* (${formatMeetingId(id)}).` };
  }
  const fields = Object.keys(check.input).join(', ');
  await audited(inv, `updated meeting ${formatMeetingId(id)} (${fields})`, () => updateMeeting(zoom, id, check.input));
  return readBack(inv, id, 'Saved');
}
