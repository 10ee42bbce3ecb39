// Block Kit for one meeting or webinar: its card (what `get`, `create` and `update` answer with) and its
// create/update modal. Both kinds read alike and have the same fields; only their names, type numbers, button
// action IDs and modal callbacks differ. A host's list of them is in meeting-webinar-list.ts.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Meeting } from '../zoom/meetings.js';
import type { SessionKind } from '../zoom/meetings-webinars.js';
import type { Webinar } from '../zoom/webinars.js';
import { actions, button, context, fields, option, section, type SlackMessage } from './blocks.js';
import { capitalize, escapeMrkdwn, formatDuration, formatMeetingId, formatTime, truncate } from './format.js';
import { joinUrl, shownLink } from './links.js';
import { describeRecurrence } from './recurrence.js';

/** A meeting or a webinar as Zoom gives it; the card reads only what both have. */
export type Session = Meeting | Webinar;

/** Every button of a kind in one table, the list's too (meeting-webinar-list.ts), as the commands register them. */
export interface SessionActionIds {
  /** The list's buttons. */
  nextPage: string;
  csv: string;
  details: string;
  /** The Yes of a confirmation. */
  confirmDelete: string;
  confirmEnd: string;
  /** The card's own buttons; each carries the session's ID. */
  registrants: string;
  edit: string;
  delete: string;
  end: string;
}

/** Each kind has its own buttons, so a click on a webinar's card acts on the webinar. */
export const SESSION_ACTIONS: Record<SessionKind, SessionActionIds> = {
  meeting: {
    nextPage: 'meeting.list.next',
    csv: 'meeting.list.csv',
    details: 'meeting.details',
    confirmDelete: 'meeting.delete.confirm',
    confirmEnd: 'meeting.end.confirm',
    registrants: 'meeting.card.registrants',
    edit: 'meeting.card.edit',
    delete: 'meeting.card.delete',
    end: 'meeting.card.end',
  },
  webinar: {
    nextPage: 'webinar.list.next',
    csv: 'webinar.list.csv',
    details: 'webinar.details',
    confirmDelete: 'webinar.delete.confirm',
    confirmEnd: 'webinar.end.confirm',
    registrants: 'webinar.card.registrants',
    edit: 'webinar.card.edit',
    delete: 'webinar.card.delete',
    end: 'webinar.card.end',
  },
};

// ---- the card ----------------------------------------------------------------------------------------------

const TYPE_NAMES: Record<SessionKind, Record<number, string>> = {
  meeting: {
    1: 'Instant',
    2: 'Scheduled',
    3: 'Recurring, no fixed time',
    4: 'Personal meeting room',
    8: 'Recurring',
    10: 'Screen share only',
  },
  webinar: {
    5: 'Webinar',
    6: 'Recurring, no fixed time',
    9: 'Recurring',
  },
};

/** The type a session without one is taken to be: Zoom's default for each kind. */
const DEFAULT_TYPE: Record<SessionKind, number> = { meeting: 2, webinar: 5 };

/**
 * One meeting's or webinar's card. `inChannel` (`get --public`): everyone in the channel reads it, so the join link
 * leaves out its passcode (`pwd=`), as alerts do; the admin's own ephemeral card keeps it.
 */
export function sessionCard(kind: SessionKind, s: Session, zone: string, heading?: string, opts: { inChannel?: boolean } = {}): SlackMessage {
  const Noun = capitalize(kind);
  const topic = escapeMrkdwn(s.topic ?? '(no topic)');
  const when = s.start_time ? formatTime(s.start_time, zone) : 'No fixed time';
  const type = s.type ?? DEFAULT_TYPE[kind];
  const pairs: Array<[string, string]> = [
    ['When', when],
    ['Duration', s.duration ? formatDuration(s.duration) : '—'],
    [`${Noun} ID`, formatMeetingId(s.id)],
    ['Host', escapeMrkdwn(s.host_email ?? s.host_id ?? '—')],
    ['Type', TYPE_NAMES[kind][type] ?? String(type)],
    ['Registration', registrationLabel(s.settings?.approval_type)],
  ];
  if (s.recurrence) pairs.push(['Repeats', describeRecurrence(s.recurrence)]);
  if (s.timezone && s.timezone !== zone) pairs.push([`${Noun}'s time zone`, s.timezone]);
  // Zoom says `started` while a session runs: the card says so and offers to end it.
  const live = s.status === 'started';
  const blocks: KnownBlock[] = [section(`${heading ? `${heading}\n` : ''}*${topic}*${live ? '\n:red_circle: Live now' : ''}`), fields(pairs)];
  if (s.join_url) {
    const shown = opts.inChannel ? joinUrl(s.join_url) : s.join_url;
    const left = shown === s.join_url ? '' : ' (without its passcode: everyone here can read this)';
    blocks.push(section(`*Join:* ${shownLink(shown)}${left}`));
  }
  if (s.registration_url && s.settings?.approval_type !== 2) {
    blocks.push(section(`*Registration link:* ${shownLink(s.registration_url)}`));
  }
  if (s.agenda) blocks.push(section(`*Agenda*\n${escapeMrkdwn(s.agenda)}`));
  const upcoming = (s.occurrences ?? []).filter((o) => o.status !== 'deleted').slice(0, 5);
  if (upcoming.length > 0) {
    const lines = upcoming.map((o) => `• ${formatTime(o.start_time, zone)} — occurrence \`${o.occurrence_id}\``);
    blocks.push(section(`*Next occurrences*\n${lines.join('\n')}`));
  }
  const ids = SESSION_ACTIONS[kind];
  blocks.push(
    actions(`${kind}_card`, [
      ...(live ? [button(`End ${kind}`, ids.end, s.id, { style: 'danger' })] : []),
      button('Registrants', ids.registrants, s.id),
      button('Edit', ids.edit, s.id),
      button('Delete', ids.delete, s.id, { style: 'danger' }),
    ]),
  );
  return { text: `${heading ? `${heading} ` : ''}${escapeMrkdwn(s.topic ?? Noun)} — ${when}`, blocks };
}

export function registrationLabel(approvalType: number | undefined): string {
  switch (approvalType) {
    case 0:
      return 'Required, approved automatically';
    case 1:
      return 'Required, approved by hand';
    default:
      return 'Not required';
  }
}

// ---- the form: create and update ---------------------------------------------------------------------------

/** Each kind's modal has its own callback, so a submission is applied to the kind it was opened for. */
export const SESSION_FORM_CALLBACK: Record<SessionKind, string> = { meeting: 'meeting.form', webinar: 'webinar.form' };

/** Occurrences a series may have: Zoom's spec caps end_times at 60, and says a recurring webinar has at most 50. */
export const MAX_OCCURRENCES: Record<SessionKind, number> = { meeting: 60, webinar: 50 };

/** Block IDs of the form's inputs; each input's action_id is `value`. */
export const FORM_FIELDS = {
  topic: 'topic',
  date: 'date',
  time: 'time',
  duration: 'duration',
  timezone: 'timezone',
  host: 'host',
  agenda: 'agenda',
  registration: 'registration',
  repeat: 'repeat',
  occurrences: 'occurrences',
} as const;

export type Registration = 'none' | 'auto' | 'manual';
export type Repeat = 'none' | 'daily' | 'weekly' | 'monthly';

export interface SessionFormValues {
  topic?: string;
  /** yyyy-mm-dd */
  date?: string;
  /** HH:mm */
  time?: string;
  duration?: number;
  timezone?: string;
  host?: string;
  agenda?: string;
  registration?: Registration;
  repeat?: Repeat;
  occurrences?: number;
}

/** Travels in private_metadata (≤ 3000 characters): what the submission applies to and where to answer. */
export interface SessionFormMeta {
  mode: 'create' | 'update';
  /** The meeting or webinar being edited (Zoom numbers both alike). */
  meetingId?: string;
  channelId: string;
  responseUrl?: string;
}

const REGISTRATION_OPTIONS: Record<Registration, PlainTextOption> = {
  none: option('No registration', 'none'),
  auto: option('Registration, approved automatically', 'auto'),
  manual: option('Registration, approved by hand', 'manual'),
};

const REPEAT_OPTIONS: Record<Repeat, PlainTextOption> = {
  none: option('Does not repeat', 'none'),
  daily: option('Daily', 'daily'),
  weekly: option('Weekly, on the same weekday', 'weekly'),
  monthly: option('Monthly, on the same day', 'monthly'),
};

/** The create/update modal: every field a scheduled meeting or webinar needs, prefilled where we know the value. */
export function sessionForm(input: {
  kind: SessionKind;
  meta: SessionFormMeta;
  values: SessionFormValues;
  zones: string[];
  /** Shown above the form when Zoom refused the last submission, so nothing typed is lost. */
  error?: string;
  /** A fact the form cannot show as a field, e.g. the current recurrence. */
  note?: string;
}): ModalView {
  const { kind, values } = input;
  const max = MAX_OCCURRENCES[kind];
  const blocks: KnownBlock[] = [];
  if (input.error) blocks.push(section(`:warning: ${input.error}`));
  blocks.push(
    {
      type: 'input',
      block_id: FORM_FIELDS.topic,
      label: { type: 'plain_text', text: 'Topic' },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        max_length: 200,
        ...(values.topic ? { initial_value: values.topic } : {}),
      },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.date,
      label: { type: 'plain_text', text: 'Date' },
      element: { type: 'datepicker', action_id: 'value', ...(values.date ? { initial_date: values.date } : {}) },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.time,
      label: { type: 'plain_text', text: 'Start time' },
      element: { type: 'timepicker', action_id: 'value', ...(values.time ? { initial_time: values.time } : {}) },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.duration,
      label: { type: 'plain_text', text: 'Duration (minutes)' },
      element: {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '1440',
        initial_value: String(values.duration ?? 60),
      },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.timezone,
      label: { type: 'plain_text', text: 'Time zone' },
      element: {
        type: 'static_select',
        action_id: 'value',
        options: input.zones.map((z) => option(z)),
        ...(values.timezone ? { initial_option: option(values.timezone) } : {}),
      },
    },
  );
  if (input.meta.mode === 'create') {
    blocks.push({
      type: 'input',
      block_id: FORM_FIELDS.host,
      optional: true,
      label: { type: 'plain_text', text: 'Host' },
      hint: { type: 'plain_text', text: 'The host’s Zoom email. Leave empty to host it yourself.' },
      element: {
        type: 'email_text_input',
        action_id: 'value',
        ...(values.host ? { initial_value: values.host } : {}),
      },
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: FORM_FIELDS.agenda,
      optional: true,
      label: { type: 'plain_text', text: 'Agenda' },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        max_length: 2000,
        ...(values.agenda ? { initial_value: values.agenda } : {}),
      },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.registration,
      label: { type: 'plain_text', text: 'Registration' },
      element: {
        type: 'radio_buttons',
        action_id: 'value',
        options: Object.values(REGISTRATION_OPTIONS),
        initial_option: REGISTRATION_OPTIONS[values.registration ?? 'none'],
      },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.repeat,
      label: { type: 'plain_text', text: 'Repeats' },
      element: {
        type: 'static_select',
        action_id: 'value',
        options: Object.values(REPEAT_OPTIONS),
        initial_option: REPEAT_OPTIONS[values.repeat ?? 'none'],
      },
    },
    {
      type: 'input',
      block_id: FORM_FIELDS.occurrences,
      optional: true,
      label: { type: 'plain_text', text: 'Number of occurrences' },
      hint: { type: 'plain_text', text: `For a repeating ${kind}: how many times it takes place (2–${max}).` },
      element: {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: false,
        min_value: '2',
        max_value: String(max),
        ...(values.occurrences ? { initial_value: String(values.occurrences) } : {}),
      },
    },
  );
  if (input.meta.mode === 'update') {
    const note = input.note ? `${input.note}. ` : '';
    blocks.push(context(`${note}Only the fields you change are sent to Zoom; a new start moves the whole series.`));
  }
  return {
    type: 'modal',
    callback_id: SESSION_FORM_CALLBACK[kind],
    private_metadata: JSON.stringify(input.meta),
    title: { type: 'plain_text', text: formTitle(kind, input.meta.mode) },
    submit: { type: 'plain_text', text: input.meta.mode === 'create' ? 'Create' : 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

export function formTitle(kind: SessionKind, mode: SessionFormMeta['mode']): string {
  return `${mode === 'create' ? 'New' : 'Edit'} Zoom ${kind}`;
}

/**
 * A modal with one message and a Close button: the placeholder while Zoom works (so nobody submits twice),
 * and the last view once it is done.
 */
export function sessionFormNotice(kind: SessionKind, title: string, text: string): ModalView {
  return {
    type: 'modal',
    callback_id: `${SESSION_FORM_CALLBACK[kind]}.notice`,
    title: { type: 'plain_text', text: truncate(title, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(text)],
  };
}
