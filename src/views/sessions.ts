// Block Kit for meetings: the list with its "Next page" button, one meeting's card, confirmation prompts.
import type { KnownBlock } from '@slack/types';
import type { Meeting, MeetingRecurrence } from '../zoom/meetings.js';
import { actions, button, fields, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatDuration, formatMeetingId, formatTime } from './format.js';

export const MEETING_ACTIONS = {
  nextPage: 'meeting.list.next',
  details: 'meeting.details',
  confirmDelete: 'meeting.delete.confirm',
  confirmEnd: 'meeting.end.confirm',
} as const;

/** Which list the "Next page" button continues; travels in the button's value. */
export interface MeetingListState {
  userId: string;
  userLabel: string;
  type: string;
  from?: string;
  to?: string;
  /** The zone `from` and `to` are meant in. */
  timezone?: string;
  token: string;
}

const TYPE_LABELS: Record<string, string> = {
  scheduled: 'Scheduled meetings',
  live: 'Live meetings',
  upcoming: 'Upcoming meetings',
  upcoming_meetings: 'Upcoming meetings',
  previous_meetings: 'Previous meetings',
};

const MEETING_TYPES: Record<number, string> = {
  1: 'Instant',
  2: 'Scheduled',
  3: 'Recurring, no fixed time',
  4: 'Personal meeting room',
  8: 'Recurring',
  10: 'Screen share only',
};

export function meetingListMessage(input: {
  meetings: Meeting[];
  userLabel: string;
  type: string;
  zone: string;
  totalRecords?: number;
  next?: MeetingListState;
}): SlackMessage {
  const title = `${TYPE_LABELS[input.type] ?? 'Meetings'} of ${escapeMrkdwn(input.userLabel)}`;
  const count = input.totalRecords !== undefined ? ` (${input.totalRecords})` : '';
  if (input.meetings.length === 0) {
    return { text: `${title}: none`, blocks: [section(`*${title}*: none found.`)] };
  }
  const rows = input.meetings.map((m) =>
    section(meetingLine(m, input.zone), button('Details', MEETING_ACTIONS.details, m.id)),
  );
  const blocks: KnownBlock[] = [section(`*${title}*${count}`), ...rows];
  if (input.next) {
    blocks.push(actions('meeting_list_pages', [button('Next page', MEETING_ACTIONS.nextPage, JSON.stringify(input.next))]));
  }
  return { text: `${title}${count}`, blocks };
}

function meetingLine(m: Meeting, zone: string): string {
  const when = m.start_time ? formatTime(m.start_time, zone) : 'no fixed time';
  const duration = m.duration ? ` · ${formatDuration(m.duration)}` : '';
  return `*${escapeMrkdwn(m.topic ?? '(no topic)')}*\n${when}${duration} · ID ${formatMeetingId(m.id)}`;
}

export function meetingCard(m: Meeting, zone: string, heading?: string): SlackMessage {
  const topic = escapeMrkdwn(m.topic ?? '(no topic)');
  const when = m.start_time ? formatTime(m.start_time, zone) : 'No fixed time';
  const pairs: Array<[string, string]> = [
    ['When', when],
    ['Duration', m.duration ? formatDuration(m.duration) : '—'],
    ['Meeting ID', formatMeetingId(m.id)],
    ['Host', escapeMrkdwn(m.host_email ?? m.host_id ?? '—')],
    ['Type', MEETING_TYPES[m.type ?? 2] ?? String(m.type)],
    ['Registration', registrationLabel(m.settings?.approval_type)],
  ];
  if (m.recurrence) pairs.push(['Repeats', describeRecurrence(m.recurrence)]);
  if (m.timezone && m.timezone !== zone) pairs.push(["Meeting's time zone", m.timezone]);
  const blocks: KnownBlock[] = [section(`${heading ? `${heading}\n` : ''}*${topic}*`), fields(pairs)];
  if (m.join_url) blocks.push(section(`*Join:* <${m.join_url}|${m.join_url}>`));
  if (m.registration_url && m.settings?.approval_type !== 2) {
    blocks.push(section(`*Registration link:* <${m.registration_url}|${m.registration_url}>`));
  }
  if (m.agenda) blocks.push(section(`*Agenda*\n${escapeMrkdwn(m.agenda)}`));
  const upcoming = (m.occurrences ?? []).filter((o) => o.status !== 'deleted').slice(0, 5);
  if (upcoming.length > 0) {
    const lines = upcoming.map((o) => `• ${formatTime(o.start_time, zone)} — occurrence \`${o.occurrence_id}\``);
    blocks.push(section(`*Next occurrences*\n${lines.join('\n')}`));
  }
  return { text: `${heading ? `${heading} ` : ''}${m.topic ?? 'Meeting'} — ${when}`, blocks };
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

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function describeRecurrence(r: MeetingRecurrence): string {
  const every = r.repeat_interval && r.repeat_interval > 1 ? r.repeat_interval : 1;
  let pattern: string;
  switch (r.type) {
    case 1:
      pattern = every === 1 ? 'Daily' : `Every ${every} days`;
      break;
    case 2: {
      const days = (r.weekly_days ?? '')
        .split(',')
        .map((d) => WEEKDAYS[Number(d) - 1])
        .filter(Boolean)
        .join(', ');
      pattern = `${every === 1 ? 'Weekly' : `Every ${every} weeks`}${days ? ` on ${days}` : ''}`;
      break;
    }
    case 3:
      pattern = `${every === 1 ? 'Monthly' : `Every ${every} months`}${r.monthly_day ? ` on day ${r.monthly_day}` : ''}`;
      break;
    default:
      pattern = 'Repeats';
  }
  if (r.end_times) return `${pattern}, ${r.end_times} times`;
  if (r.end_date_time) return `${pattern}, until ${r.end_date_time.slice(0, 10)}`;
  return pattern;
}
