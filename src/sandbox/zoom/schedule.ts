// When sandbox meetings and webinars happen: the occurrences of recurring ones (daily, weekly, monthly in the
// session's own timezone) and the next start, which decide what `type=upcoming|previous_meetings|live` lists show.
import { DateTime } from 'luxon';
import { zoomTime, type Session } from './store.js';

export interface Occurrence {
  occurrence_id: string;
  start_time: string;
  duration: number;
  status: 'available' | 'deleted';
}

// Zoom's own caps: at most 60 end_times for meetings (50 for webinars); a default when none is given.
const MAX_OCCURRENCES = 60;
const DEFAULT_OCCURRENCES = 7;

/** Every occurrence of a fixed-time recurring session (types 8 and 9), deleted ones marked; none for the others. */
export function occurrencesOf(session: Session): Occurrence[] {
  const { recurrence, startTime } = session;
  if (!recurrence || !startTime || (session.type !== 8 && session.type !== 9)) return [];
  const first = DateTime.fromISO(startTime, { zone: session.timezone });
  const until = recurrence.end_date_time ? DateTime.fromISO(recurrence.end_date_time) : undefined;
  const count = Math.min(recurrence.end_times ?? (until ? MAX_OCCURRENCES : DEFAULT_OCCURRENCES), MAX_OCCURRENCES);
  const interval = Math.max(1, recurrence.repeat_interval);
  const starts: DateTime[] = [];
  const weekdays = (recurrence.weekly_days ?? '')
    .split(',')
    .map((d) => Number(d.trim()))
    .filter((d) => d >= 1 && d <= 7);
  // Bounded scan: even a weekly series every 50 weeks ends well within this many days.
  for (let step = 0; starts.length < count && step < 366 * 10; step++) {
    let candidate: DateTime | undefined;
    if (recurrence.type === 1) {
      candidate = first.plus({ days: step * interval });
    } else if (recurrence.type === 2) {
      const day = first.plus({ days: step });
      const week = Math.floor(day.startOf('day').diff(first.startOf('day'), 'days').days / 7);
      // Zoom numbers days 1 (Sunday) to 7; luxon 1 (Monday) to 7 (Sunday).
      const zoomDay = (day.weekday % 7) + 1;
      const days = weekdays.length > 0 ? weekdays : [(first.weekday % 7) + 1];
      if (week % interval === 0 && days.includes(zoomDay)) candidate = day;
    } else {
      candidate = first.plus({ months: step * interval });
      if (recurrence.monthly_day) candidate = candidate.set({ day: Math.min(recurrence.monthly_day, candidate.daysInMonth ?? 28) });
    }
    if (!candidate) continue;
    if (until && candidate > until) break;
    starts.push(candidate);
  }
  return starts.map((start) => {
    const id = String(start.toMillis());
    return {
      occurrence_id: id,
      start_time: zoomTime(start.toJSDate()),
      duration: session.duration,
      status: session.deletedOccurrences.includes(id) ? 'deleted' : 'available',
    };
  });
}

/** The start of the next instance at or after `now` (the fixed start for one-off sessions), if any. */
export function nextStart(session: Session, now: Date): Date | undefined {
  const occurrences = occurrencesOf(session).filter((o) => o.status === 'available');
  if (occurrences.length > 0) {
    const next = occurrences.find((o) => Date.parse(o.start_time) + session.duration * 60_000 >= now.getTime());
    return next ? new Date(next.start_time) : undefined;
  }
  return session.startTime ? new Date(session.startTime) : undefined;
}

/** Over: it has ended and nothing of it is scheduled later (recurring series without fixed time never are). */
export function isPrevious(session: Session, now: Date): boolean {
  if (session.status === 'started') return false;
  if (session.type === 3 || session.type === 6) return false;
  const next = nextStart(session, now);
  if (!next) return true;
  return next.getTime() + session.duration * 60_000 < now.getTime() || (!!session.endedAt && occurrencesOf(session).length === 0);
}
