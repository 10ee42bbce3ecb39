// Times, dates, durations and time zones as admins type them, read in the invoking user's zone. Each returns a
// typed value or throws a UsageError whose sentence names the bad value and shows one that works.
import { DateTime, IANAZone } from 'luxon';
import { UsageError, quoted, throwUsage } from '../errors.js';
import { closest } from '../suggest.js';

export interface TimeContext {
  /** IANA zone the text is read in: the user's Slack zone, or `--timezone`. */
  zone: string;
  /** The current instant; passed in so that results are reproducible. */
  now: DateTime;
  /** The flag being parsed, for the example in errors (`start`, `from` …). */
  flag?: string;
}

interface Clock {
  hour: number;
  minute: number;
  second: number;
}

interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
// A clock time with an offset or Z names an instant; it is kept and shown in the user's zone.
const ISO_TIME_WITH_OFFSET = /^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

function flagName(context: { flag?: string }, fallback: string): string {
  return `--${(context.flag ?? fallback).replace(/^-+/, '')}`;
}

function parseClock(text: string): Clock | undefined {
  const h24 = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (h24) {
    const clock = { hour: Number(h24[1]), minute: Number(h24[2]), second: Number(h24[3] ?? 0) };
    return clock.hour <= 23 && clock.minute <= 59 && clock.second <= 59 ? clock : undefined;
  }
  const h12 = /^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?$/i.exec(text);
  if (h12) {
    const hour = Number(h12[1]);
    const minute = Number(h12[2] ?? 0);
    if (hour < 1 || hour > 12 || minute > 59) return undefined;
    const pm = h12[3]!.toLowerCase() === 'p';
    return { hour: (hour % 12) + (pm ? 12 : 0), minute, second: 0 };
  }
  if (text.toLowerCase() === 'noon') return { hour: 12, minute: 0, second: 0 };
  return undefined;
}

function parseIsoDay(text: string): CalendarDay | undefined {
  const m = ISO_DAY.exec(text);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
}

function relativeDay(word: string, today: DateTime): DateTime | undefined {
  switch (word.toLowerCase()) {
    case 'today':
      return today;
    case 'tomorrow':
      return today.plus({ days: 1 });
    case 'yesterday':
      return today.minus({ days: 1 });
    default:
      return undefined;
  }
}

// `2026-12-01T15:00`, `tomorrow 9:30`, `today at 3pm`; a bare clock time (`3:30 pm`) has no day part.
function splitDayAndTime(typed: string): { dayPart?: string; timePart: string } {
  if (parseClock(typed) !== undefined) return { timePart: typed };
  const split = /^(\d{4}-\d{1,2}-\d{1,2})T(.+)$/i.exec(typed) ?? /^(\S+) (?:at )?(.+)$/i.exec(typed);
  return split ? { dayPart: split[1]!, timePart: split[2]! } : { timePart: typed };
}

/**
 * A `<when>` of docs/command-grammar.md: `2026-12-01 15:00`, `2026-12-01T15:00`, an ISO time with offset (its instant is
 * kept), `today 15:00`, `tomorrow 9:30`, a bare `15:00` (today), or 12-hour `3pm` / `3:30 pm`.
 * The result is in `context.zone`. A wall time that the zone skips (spring forward) is refused rather than
 * silently moved; one that occurs twice (fall back) is the later, standard-time one, as luxon picks.
 */
export function parseWhen(text: string, context: TimeContext): DateTime {
  const zone = parseTimezone(context.zone);
  const flag = flagName(context, 'start');
  const typed = text.trim().replace(/\s+/g, ' ');
  const example = `${flag} "tomorrow 9:30"`;
  const bad = (detail?: string) =>
    new UsageError(
      detail ?? `${quoted(typed)} is not a time. Try ${flag} "2026-12-01 15:00" or ${flag} "tomorrow 9:30".`,
      { example },
    );

  const today = context.now.setZone(zone).startOf('day');
  const { dayPart, timePart } = splitDayAndTime(typed);
  // A day alone is the usual result of forgetting the quotes: `--start tomorrow 9:30` gives `tomorrow`.
  const dayAlone = dayPart === undefined ? (relativeDay(typed, today) ?? parseIsoDay(typed)) : undefined;
  if (dayAlone !== undefined) throw bad(dayAloneHint(typed, dayAlone, context.now.setZone(zone), flag));
  const day: CalendarDay | undefined =
    dayPart === undefined ? today : (relativeDay(dayPart, today) ?? parseIsoDay(dayPart));
  if (day === undefined) throw bad();

  if (dayPart !== undefined && ISO_TIME_WITH_OFFSET.test(timePart) && parseIsoDay(dayPart) !== undefined) {
    const pad = (n: number) => String(n).padStart(2, '0');
    const iso = `${day.year}-${pad(day.month)}-${pad(day.day)}T${timePart.toUpperCase()}`;
    const instant = DateTime.fromISO(iso, { zone });
    if (!instant.isValid) throw bad();
    return instant;
  }

  const clock = parseClock(timePart);
  if (clock === undefined) throw bad();
  const when = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, ...clock }, { zone });
  if (!when.isValid) throw bad();
  if (when.hour !== clock.hour || when.minute !== clock.minute) {
    const moved = when.toFormat('yyyy-MM-dd H:mm');
    throw bad(`"${typed}" does not exist in ${zone}: the clocks skip that hour, so pick e.g. ${flag} "${moved}".`);
  }
  return when;
}

/**
 * A day typed without its time: the hint must work when followed, so it offers a time still ahead (a start in the
 * past is refused): 9:30 on a later day, the next full hour today, and for a day already gone, tomorrow.
 */
function dayAloneHint(typed: string, day: CalendarDay, now: DateTime, flag: string): string {
  const start = DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone: now.zone });
  const today = now.startOf('day');
  if (start < today) return `"${typed}" is a day already gone; a start needs a day and time ahead, e.g. ${flag} "tomorrow 9:30".`;
  const nextHour = now.plus({ hours: 1 }).startOf('hour');
  const time = start > today ? '9:30' : nextHour.hasSame(now, 'day') ? nextHour.toFormat('HH:mm') : undefined;
  const example = time === undefined ? 'tomorrow 9:30' : `${typed} ${time}`;
  return `"${typed}" needs a time of day too: quote both words, e.g. ${flag} "${example}".`;
}

/**
 * A `<date>` of docs/command-grammar.md: `2026-12-01`, `today`, `yesterday`, `-7d` (seven days ago), also `-2w`, `-1m`;
 * the start of that day in `context.zone`.
 */
export function parseDate(text: string, context: TimeContext): DateTime {
  const zone = parseTimezone(context.zone);
  const flag = flagName(context, 'from');
  const typed = text.trim();
  const bad = () =>
    new UsageError(`${quoted(typed)} is not a date. Try ${flag} 2026-12-01, ${flag} yesterday or ${flag} -7d.`, {
      example: `${flag} -7d`,
    });
  const today = context.now.setZone(zone).startOf('day');

  const relative = relativeDay(typed, today);
  if (relative !== undefined) return relative;

  const ago = /^-\s*(\d{1,4})\s*(d|days?|w|weeks?|m|months?)$/i.exec(typed);
  if (ago) {
    const n = Number(ago[1]);
    const unit = ago[2]!.charAt(0).toLowerCase();
    return today.minus(unit === 'd' ? { days: n } : unit === 'w' ? { weeks: n } : { months: n });
  }

  const day = parseIsoDay(typed);
  if (day === undefined) throw bad();
  const date = DateTime.fromObject(day, { zone });
  if (!date.isValid) throw bad();
  return date.startOf('day');
}



const MAX_DURATION = 1440; // Zoom's limit for a meeting's duration, in minutes

/** A `--duration` in minutes: `45`, `90m`, `1h`, `1h30m`, `1.5h`, `1:30`; 1 to 1440. */
export function parseDuration(text: string): number {
  const typed = text.trim();
  const compact = typed.toLowerCase().replace(/\s+/g, '');
  const bad = (why: string) =>
    new UsageError(`${quoted(typed)} ${why}: give 1 to ${MAX_DURATION} minutes, e.g. --duration 45 or --duration 1h30m.`, {
      example: '--duration 1h30m',
    });

  let minutes: number | undefined;
  // `1h30` means 1h30m; the minutes' unit is optional after hours.
  const hm = /^(?:(\d+(?:\.\d+)?)h(?:ours?|rs?)?)?(?:(\d+)(?:m(?:in(?:ute)?s?)?)?)?$/.exec(compact);
  const clock = /^(\d{1,2}):(\d{2})$/.exec(compact);
  if (/^\d+$/.test(compact)) minutes = Number(compact);
  else if (hm && (hm[1] !== undefined || hm[2] !== undefined)) {
    minutes = Math.round(Number(hm[1] ?? 0) * 60 + Number(hm[2] ?? 0));
  } else if (clock && Number(clock[2]) < 60) minutes = Number(clock[1]) * 60 + Number(clock[2]);

  if (minutes === undefined) throw bad('is not a duration');
  if (minutes < 1) throw bad('is too short');
  if (minutes > MAX_DURATION) throw bad('is longer than Zoom allows');
  return minutes;
}

// Abbreviations are refused even where ICU knows them: `BST` would be Dhaka, `IST` Kolkata, and `EST` a fixed
// UTC-5 without daylight saving. They are only used to suggest the zone the admin most likely means.
const ZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  pst: 'America/Los_Angeles',
  pdt: 'America/Los_Angeles',
  pt: 'America/Los_Angeles',
  mst: 'America/Denver',
  mdt: 'America/Denver',
  cst: 'America/Chicago',
  cdt: 'America/Chicago',
  est: 'America/New_York',
  edt: 'America/New_York',
  et: 'America/New_York',
  bst: 'Europe/London',
  cet: 'Europe/Berlin',
  cest: 'Europe/Berlin',
  ist: 'Asia/Kolkata',
  jst: 'Asia/Tokyo',
  aest: 'Australia/Sydney',
};
const UNIVERSAL = new Set(['utc', 'gmt']);

let knownZones: readonly string[] | undefined;
function zoneList(): readonly string[] {
  knownZones ??= Intl.supportedValuesOf('timeZone');
  return knownZones;
}

function suggestZone(typed: string): string | undefined {
  const key = typed.toLowerCase().replace(/\s+/g, '_');
  const abbreviation = ZONE_ABBREVIATIONS[key];
  if (abbreviation !== undefined) return abbreviation;
  // `Berlin` or `new york` name a zone's city.
  const city = zoneList().find((z) => z.toLowerCase().endsWith(`/${key}`));
  return city ?? closest(key, zoneList());
}

/**
 * A validated IANA zone (`Europe/Berlin`, `UTC`), its case corrected (`europe/berlin` → `Europe/Berlin`) but
 * otherwise as typed: `Asia/Kolkata` stays, although this Node's ICU would rename it `Asia/Calcutta`.
 */
export function parseTimezone(text: string): string {
  const typed = text.trim();
  const lower = typed.toLowerCase();
  if (UNIVERSAL.has(lower)) return 'UTC';
  if (typed.includes('/') && IANAZone.isValidZone(typed)) {
    const listed = zoneList().find((z) => z.toLowerCase() === lower);
    if (listed !== undefined) return listed;
    return typed === lower ? new Intl.DateTimeFormat('en-US', { timeZone: typed }).resolvedOptions().timeZone : typed;
  }
  const suggestion = typed === '' ? undefined : suggestZone(typed);
  const hint = suggestion === undefined ? 'give an IANA zone such as Europe/Berlin' : `did you mean ${suggestion}?`;
  return throwUsage(`${quoted(typed)} is not a time zone: ${hint}`, `--timezone ${suggestion ?? 'Europe/Berlin'}`);
}
