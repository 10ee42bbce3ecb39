// Block Kit for one meeting or webinar: its card. The list of a host's sessions is in meeting-webinar-list.ts.
// Both kinds read alike; only their names, type numbers and button action IDs differ.
import type { KnownBlock } from '@slack/types';
import type { Meeting } from '../zoom/meetings.js';
import type { SessionKind } from '../zoom/meetings-webinars.js';
import type { Webinar } from '../zoom/webinars.js';
import { actions, button, fields, section, type SlackMessage } from './blocks.js';
import { capitalize, escapeMrkdwn, formatDuration, formatMeetingId, formatTime } from './format.js';
import { joinUrl, shownLink } from './links.js';
import { describeRecurrence } from './recurrence.js';

/** A meeting or a webinar as Zoom gives it; the card reads only what both have. */
export type Session = Meeting | Webinar;

export interface SessionActionIds {
  nextPage: string;
  csv: string;
  details: string;
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
