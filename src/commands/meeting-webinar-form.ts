// The meeting or webinar modal: open it (empty or filled from Zoom), read and check a submission (errors shown
// inline), then create or update. One form for both kinds; the kind comes from the modal's callback.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { CommandInvocation, Invocation, Services } from './context.js';
import { audited } from './audited.js';
import { UsageError } from './errors.js';
import { APPROVAL_TYPES, SESSION_TYPES, createAudited, fetchSession, readBack, summaryLine, zoomLocalTime } from './meeting-webinar-calls.js';
import { parseWho } from './values/people-channels.js';
import { resolveZoomUser } from './who.js';
import { NotAllowedError, mayDo, refused, roleOf } from '../slack/authorize.js';
import { directMessage, replyVia, tellAfterWrite } from '../slack/respond.js';
import { textMessage } from '../views/blocks.js';
import { renderError } from '../views/errors.js';
import { escapeMrkdwn, formatMeetingId } from '../views/format.js';
import {
  FORM_FIELDS,
  MAX_OCCURRENCES,
  SESSION_FORM_CALLBACK,
  sessionCard,
  sessionForm,
  formTitle,
  sessionFormNotice,
  type Session,
  type SessionFormMeta,
  type SessionFormValues,
  type Registration,
  type Repeat,
} from '../views/meetings-webinars.js';
import { describeRecurrence } from '../views/recurrence.js';
import { zoneOptions } from '../views/time-zones.js';
import { updateSession, type SessionInput, type SessionKind } from '../zoom/meetings-webinars.js';

export const SESSION_KINDS: readonly SessionKind[] = ['meeting', 'webinar'];

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

export function parseMeta(privateMetadata: string): SessionFormMeta {
  return metaSchema.parse(JSON.parse(privateMetadata));
}

export function readForm(state: unknown): SessionFormValues {
  const values = stateSchema.parse(state);
  const field = (block: string) => values[block]?.value;
  const text = (block: string) => field(block)?.value?.trim() || undefined;
  const number = (block: string) => {
    const raw = text(block);
    return raw === undefined ? undefined : Number(raw);
  };
  return {
    topic: text(FORM_FIELDS.topic),
    date: field(FORM_FIELDS.date)?.selected_date ?? undefined,
    time: field(FORM_FIELDS.time)?.selected_time ?? undefined,
    duration: number(FORM_FIELDS.duration),
    timezone: field(FORM_FIELDS.timezone)?.selected_option?.value,
    host: text(FORM_FIELDS.host),
    agenda: text(FORM_FIELDS.agenda),
    registration: field(FORM_FIELDS.registration)?.selected_option?.value as Registration | undefined,
    repeat: field(FORM_FIELDS.repeat)?.selected_option?.value as Repeat | undefined,
    occurrences: number(FORM_FIELDS.occurrences),
  };
}

export type FormCheck = { ok: true; input: SessionInput<number> } | { ok: false; errors: Record<string, string> };

/**
 * Checks the fields against Zoom's rules and builds the request; errors are keyed by block for Slack.
 * For an update, `initial` is what the form was filled with: only what changed is sent, so a save never
 * rewrites a recurrence the form cannot show, and an unchanged past start is not refused.
 */
export function checkForm(kind: SessionKind, values: SessionFormValues, now: DateTime, initial?: SessionFormValues): FormCheck {
  const errors: Record<string, string> = {};
  if (!values.topic) errors[FORM_FIELDS.topic] = `Give the ${kind} a topic.`;
  const timezone = values.timezone && IANAZone.isValidZone(values.timezone) ? values.timezone : undefined;
  if (!timezone) errors[FORM_FIELDS.timezone] = 'Pick a time zone.';
  if (!values.date) errors[FORM_FIELDS.date] = 'Pick a date.';
  if (!values.time) errors[FORM_FIELDS.time] = 'Pick a start time.';
  const duration = values.duration;
  if (duration === undefined || !Number.isInteger(duration) || duration < 1 || duration > 1440) {
    errors[FORM_FIELDS.duration] = 'Give the length in minutes, from 1 to 1440.';
  }
  const startChanged = !initial || ['date', 'time', 'timezone'].some((k) => differs(values, initial, k as keyof SessionFormValues));
  let start: DateTime | undefined;
  if (timezone && values.date && values.time) {
    start = DateTime.fromISO(`${values.date}T${values.time}`, { zone: timezone });
    // luxon moves a time the clocks skip (02:30 on a spring-forward night) instead of refusing it.
    if (!start.isValid || start.toFormat('HH:mm') !== values.time) {
      errors[FORM_FIELDS.time] = 'That time does not exist in this time zone (the clocks change then).';
    } else if (startChanged && start < now.minus({ minutes: 1 })) {
      errors[FORM_FIELDS.date] = 'This start time is in the past.';
    }
  }
  const changed = (...keys: Array<keyof SessionFormValues>) => !initial || keys.some((k) => differs(values, initial, k));
  const repeat = values.repeat ?? 'none';
  const occurrences = values.occurrences;
  // A series whose end the form cannot show (an end date) keeps it unless the admin touches the repetition.
  const recurrenceTouched = changed('repeat', 'occurrences') || initial?.occurrences !== undefined;
  const max = MAX_OCCURRENCES[kind];
  if (repeat !== 'none' && recurrenceTouched && (occurrences === undefined || !Number.isInteger(occurrences) || occurrences < 2 || occurrences > max)) {
    errors[FORM_FIELDS.occurrences] = `A repeating ${kind} needs the number of occurrences, from 2 to ${max}.`;
  }
  if (values.host && !/^[^\s@]+@[^\s@]+$/.test(values.host)) errors[FORM_FIELDS.host] = 'Give an email address.';
  if (Object.keys(errors).length > 0 || !start || !timezone || duration === undefined) return { ok: false, errors };

  const input: SessionInput<number> = {};
  if (changed('topic')) input.topic = values.topic;
  if (startChanged) Object.assign(input, { start_time: zoomLocalTime(start), timezone });
  if (changed('duration')) input.duration = duration;
  if (changed('agenda')) input.agenda = values.agenda ?? '';
  if (changed('registration')) input.settings = { approval_type: APPROVAL_TYPES[values.registration ?? 'none'] };
  if (changed('repeat', 'occurrences')) {
    input.type = repeat === 'none' ? SESSION_TYPES[kind].single : SESSION_TYPES[kind].series;
    if (repeat !== 'none') input.recurrence = recurrenceFor(repeat, start, occurrences!);
  }
  return { ok: true, input };
}

function differs(a: SessionFormValues, b: SessionFormValues, key: keyof SessionFormValues): boolean {
  return (a[key] ?? '') !== (b[key] ?? '');
}

function recurrenceFor(repeat: Exclude<Repeat, 'none'>, start: DateTime, times: number): SessionInput<number>['recurrence'] {
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

// ---- opening the form -----------------------------------------------------------------------------------------

export async function openSessionForm(
  inv: CommandInvocation,
  kind: SessionKind,
  meta: SessionFormMeta,
  values: SessionFormValues,
): Promise<void> {
  await inv.services.slack.views.open({
    trigger_id: inv.triggerId,
    view: sessionForm({ kind, meta, values, zones: zoneOptions(values.timezone, inv.person.tz) }),
  });
}

/** Opens a placeholder at once (the trigger expires in 3 s), then fills it from Zoom. */
export async function openSessionFormFor(inv: CommandInvocation, kind: SessionKind, id: string): Promise<void> {
  const title = formTitle(kind, 'update');
  const opened = await inv.services.slack.views.open({
    trigger_id: inv.triggerId,
    view: sessionFormNotice(kind, title, `:hourglass_flowing_sand: Loading the ${kind} from Zoom…`),
  });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error('views.open answered without a view ID');
  try {
    const session = await fetchSession(inv, kind, id);
    const values = formValuesOf(session, inv.person.tz);
    await inv.services.slack.views.update({
      view_id: viewId,
      view: sessionForm({
        kind,
        meta: { mode: 'update', meetingId: session.id, channelId: inv.channelId, responseUrl: inv.responseUrl },
        values,
        zones: zoneOptions(values.timezone, inv.person.tz),
        note: session.recurrence ? `Now: ${describeRecurrence(session.recurrence)}` : undefined,
      }),
    });
  } catch (error) {
    const problem = renderError(error, { zone: inv.person.tz, command: inv.services.config.slack.command });
    await inv.services.slack.views.update({ view_id: viewId, view: sessionFormNotice(kind, title, `:warning: ${problem}`) });
  }
}

/** The form's fields for an existing meeting or webinar, its time shown in its own zone. */
export function formValuesOf(s: Session, fallbackZone: string): SessionFormValues {
  const timezone = s.timezone || fallbackZone;
  const start = s.start_time ? DateTime.fromISO(s.start_time, { zone: 'utc' }).setZone(timezone) : undefined;
  const approval = s.settings?.approval_type;
  const registration: Registration = approval === 0 ? 'auto' : approval === 1 ? 'manual' : 'none';
  // Series types differ by kind (8, 9) and never overlap, so the type alone says it is a fixed-time series.
  const isSeries = SESSION_KINDS.some((kind) => SESSION_TYPES[kind].series === s.type);
  const repeat = isSeries && s.recurrence ? (({ 1: 'daily', 2: 'weekly', 3: 'monthly' } as const)[s.recurrence.type] ?? 'none') : 'none';
  return {
    topic: s.topic,
    date: start?.toISODate() ?? undefined,
    time: start?.toFormat('HH:mm'),
    duration: s.duration,
    timezone,
    agenda: s.agenda,
    registration,
    repeat,
    occurrences: s.recurrence?.end_times,
  };
}

// ---- the submission ---------------------------------------------------------------------------------------------

/**
 * The modal's submit. Only pure checks run before the ack (Slack allows 3 s): field errors keep the form open,
 * anything else swaps in a busy view at once. Authorization and Zoom follow; Zoom's refusal puts the form back
 * with nothing typed lost, and once Zoom has accepted, a failing answer never brings the form back.
 */
export async function submitSessionForm(
  kind: SessionKind,
  { ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs,
  services: Services,
): Promise<void> {
  const log = services.log.child({ view: SESSION_FORM_CALLBACK[kind] });
  let meta: SessionFormMeta;
  let values: SessionFormValues;
  try {
    meta = parseMeta(view.private_metadata);
    values = readForm(view.state.values);
  } catch (error) {
    log.warn({ err: error }, 'session form that does not parse');
    await ack({ response_action: 'update', view: sessionFormNotice(kind, `Zoom ${kind}`, ':warning: This form is out of date; run the command again.') });
    return;
  }
  // An update's "what changed" is only known against Zoom, after the ack; here every field is checked.
  const check = checkForm(kind, values, services.now(), meta.mode === 'update' ? values : undefined);
  if (!check.ok) {
    await ack({ response_action: 'errors', errors: check.errors });
    return;
  }
  const title = formTitle(kind, meta.mode);
  await ack({
    response_action: 'update',
    view: sessionFormNotice(
      kind,
      title,
      meta.mode === 'create' ? `:hourglass_flowing_sand: Creating the ${kind} in Zoom…` : ':hourglass_flowing_sand: Saving the changes in Zoom…',
    ),
  });
  const show = (modal: ModalView) =>
    services.slack.views.update({ view_id: view.id, view: modal }).catch((error: unknown) => log.warn({ err: error }, 'could not update the session modal'));

  await services.inflight.run(async () => {
    let person;
    let applied: { session?: Session; summary: string };
    try {
      person = await services.directory.person(body.user.id);
      const role = await roleOf(person.id, services.config.access, services.directory);
      if (!mayDo(role, 'write')) throw new NotAllowedError(`change Zoom ${kind}s`, refused(services, role));
      const inv: Invocation = { services, person, role, channelId: meta.channelId, reply: async () => undefined };
      applied = await applyForm(inv, kind, meta, values);
    } catch (error) {
      log.info({ err: error }, 'session form refused');
      const problem = renderError(error, { zone: person?.tz, command: services.config.slack.command });
      await show(
        error instanceof NotAllowedError || !person
          ? sessionFormNotice(kind, title, `:warning: ${problem}`)
          : sessionForm({ kind, meta, values, zones: zoneOptions(values.timezone, person.tz), error: problem }),
      );
      return;
    }
    await show(sessionFormNotice(kind, title, applied.summary));
    const message = applied.session ? sessionCard(kind, applied.session, person.tz, applied.summary) : textMessage(applied.summary);
    const replies = [...(meta.responseUrl ? [replyVia(meta.responseUrl)] : []), directMessage(services.slack, person.id)];
    await tellAfterWrite(log, message, replies);
  });
}

/**
 * Applies a checked submission in Zoom. A create resolves the host and creates; an update reads the session
 * afresh and sends only the fields that differ from it. Returns the session as it now is when it could be read.
 */
export async function applyForm(
  inv: Invocation,
  kind: SessionKind,
  meta: SessionFormMeta,
  values: SessionFormValues,
): Promise<{ session?: Session; summary: string }> {
  const { zoom, now } = inv.services;
  const zone = inv.person.tz;
  if (meta.mode === 'create') {
    const check = checkForm(kind, values, now());
    if (!check.ok) throw new UsageError(Object.values(check.errors)[0] ?? 'The form is incomplete.');
    const host = await resolveZoomUser(inv, values.host ? parseWho(values.host) : { kind: 'me' });
    const session = await createAudited(inv, kind, host.id, check.input);
    return { session, summary: summaryLine(kind, 'Created', session, zone) };
  }
  const id = meta.meetingId;
  if (!id) throw new UsageError('This form is out of date; run the command again.');
  const current = formValuesOf(await fetchSession(inv, kind, id), zone);
  const check = checkForm(kind, values, now(), current);
  if (!check.ok) throw new UsageError(Object.values(check.errors)[0] ?? 'The form is incomplete.');
  if (Object.keys(check.input).length === 0) {
    return { summary: `Nothing changed in *${escapeMrkdwn(values.topic ?? `the ${kind}`)}* (${formatMeetingId(id)}).` };
  }
  const fields = Object.keys(check.input).join(', ');
  await audited(inv, `updated ${kind} ${formatMeetingId(id)} (${fields})`, () => updateSession(zoom, kind, id, check.input));
  return readBack(inv, kind, id, 'Saved');
}
