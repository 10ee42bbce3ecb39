// Block Kit for a host's meetings or webinars: one line a session with its Details button, and the "Next page"
// and CSV buttons. Both kinds read alike; only their titles and button action IDs differ.
import type { KnownBlock } from '@slack/types';
import type { SessionKind } from '../zoom/meetings-webinars.js';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { capitalize, escapeMrkdwn, formatDuration, formatMeetingId, formatTime } from './format.js';
import { SESSION_ACTIONS, type Session } from './meetings-webinars.js';

/** Which list the "Next page" button continues; travels in the button's value. */
export interface SessionListState {
  userId: string;
  userLabel: string;
  /** Zoom's list type: `upcoming_meetings`, `previous_meetings` …, or for webinars `upcoming` and `scheduled`. */
  type: string;
  from?: string;
  to?: string;
  /** The zone `from` and `to` are meant in. */
  timezone?: string;
  token: string;
}

const LIST_TITLES: Record<SessionKind, Record<string, string>> = {
  meeting: {
    scheduled: 'Scheduled meetings',
    live: 'Live meetings',
    upcoming: 'Upcoming meetings',
    upcoming_meetings: 'Upcoming meetings',
    previous_meetings: 'Previous meetings',
  },
  // Zoom lists no webinar that has expired, so neither title promises past ones in general.
  webinar: {
    upcoming: 'Upcoming and live webinars',
    scheduled: 'Upcoming, live and unexpired past webinars',
  },
};

export function sessionListMessage(
  kind: SessionKind,
  input: {
    sessions: Session[];
    userLabel: string;
    type: string;
    zone: string;
    totalRecords?: number;
    next?: SessionListState;
    /** The query of the whole list, carried by the CSV button. */
    query?: SessionListState;
    /** What the list leaves out, said under the title. */
    note?: string;
    /** Sessions that started before this are marked as past. */
    now?: string;
  },
): SlackMessage {
  const title = `${LIST_TITLES[kind][input.type] ?? `${capitalize(kind)}s`} of ${escapeMrkdwn(input.userLabel)}`;
  const count = input.totalRecords !== undefined ? ` (${input.totalRecords})` : '';
  const note = input.note ? [context(input.note)] : [];
  if (input.sessions.length === 0) {
    return { text: `${title}: none`, blocks: [section(`*${title}*: none found.`), ...note] };
  }
  const ids = SESSION_ACTIONS[kind];
  const rows = input.sessions.map((s) => section(sessionLine(s, input.zone, input.now), button('Details', ids.details, s.id)));
  const blocks: KnownBlock[] = [section(`*${title}*${count}`), ...note, ...rows];
  const buttons = [
    ...(input.next ? [button('Next page', ids.nextPage, JSON.stringify(input.next))] : []),
    ...(input.query ? [button('CSV', ids.csv, JSON.stringify({ ...input.query, token: '' }))] : []),
  ];
  if (buttons.length > 0) blocks.push(actions(`${kind}_list_pages`, buttons));
  return { text: `${title}${count}`, blocks };
}

function sessionLine(s: Session, zone: string, now?: string): string {
  const when = s.start_time ? formatTime(s.start_time, zone) : 'no fixed time';
  const duration = s.duration ? ` · ${formatDuration(s.duration)}` : '';
  const past = now && s.start_time && hasEnded(s, now) ? ' · past' : '';
  return `*${escapeMrkdwn(s.topic ?? '(no topic)')}*\n${when}${duration} · ID ${formatMeetingId(s.id)}${past}`;
}

/** True when the session's scheduled end (start + duration) is before `now`; without a start, never. */
export function hasEnded(s: Pick<Session, 'start_time' | 'duration'>, now: string): boolean {
  if (!s.start_time) return false;
  const end = Date.parse(s.start_time) + (s.duration ?? 0) * 60_000;
  return end < Date.parse(now);
}
