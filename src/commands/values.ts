// Parsers for the values of `/zoom` arguments (IDs, times, dates, durations, zones, users, channels).
// Each returns a typed value or throws a UsageError whose sentence names the bad value and shows one that works.

import { DateTime, IANAZone } from 'luxon';
import { UsageError, quoted } from './errors.js';
import { closest } from './suggest.js';

// ---------------------------------------------------------------------------------------------------------
// Resources

// docs/command-grammar.md names each resource once; the other spelling is accepted because admins type both.
const RESOURCE_ALIASES: Readonly<Record<string, string>> = {
  meeting: 'meeting',
  meetings: 'meeting',
  webinar: 'webinar',
  webinars: 'webinar',
  recording: 'recordings',
  recordings: 'recordings',
  user: 'users',
  users: 'users',
  job: 'jobs',
  jobs: 'jobs',
};

/** The canonical resource name (`meetings` → `meeting`, `user` → `users`); other words lower-cased as is. */
export function parseResource(word: string): string {
  const lower = word.trim().toLowerCase();
  return RESOURCE_ALIASES[lower] ?? lower;
}

// ---------------------------------------------------------------------------------------------------------
// Meeting and webinar IDs

export interface MeetingIdOptions {
  /** Also accept a meeting UUID: only where past instances are meant (recordings). */
  allowUuid?: boolean;
  /** `meeting` or `webinar`, for the error sentence. */
  noun?: string;
}

export interface TakenMeetingId {
  id: string;
  kind: 'id' | 'uuid';
  /** How many words the ID was typed as (`812 3456 7890` is three). */
  consumed: number;
}

const MAX_ID_DIGITS = 12;
const MIN_ID_DIGITS = 9;
// One word of digits as Zoom prints them: `812`, `812-3456-7890`, or a quoted `812 3456 7890`.
const DIGIT_GROUP = /^\d+(?:[-\s]+\d+)*$/;
// A Zoom UUID is 16 bytes in base64: 22 characters and `==`, which admins sometimes leave off. Zoom's own
// examples are a character shorter or longer, so the length is not held to exactly 22.
const MEETING_UUID = /^[A-Za-z0-9+/]{20,24}={0,2}$/;
// A join link pasted instead of the ID: https://us02web.zoom.us/j/81234567890?pwd=…
const JOIN_URL = /^https?:\/\/(?:[\w-]+\.)*zoom(?:gov)?\.(?:us|com)\/(?:j|w|s|wc\/join|wc)\/(\d{9,12})(?:[/?#]|$)/i;

/** True when `id` is a meeting UUID rather than a numeric meeting ID. */
export function isMeetingUuid(id: string): boolean {
  return MEETING_UUID.test(id) && !/^\d+$/.test(id);
}

/**
 * Reads the meeting (or webinar) ID that starts at `words[index]`. Consecutive digit groups are joined while
 * they total at most 12 digits (`812 3456 7890` → `81234567890`, three words); the result must have 9 to 12.
 */
export function takeMeetingId(words: readonly string[], index: number, options: MeetingIdOptions = {}): TakenMeetingId {
  const noun = options.noun ?? 'meeting';
  const example = '812 3456 7890';
  const first = words[index]?.trim();
  if (first === undefined || first === '') {
    throw new UsageError(`A ${noun} ID is missing: give its 9 to 12 digits, e.g. ${example}.`, { example });
  }

  if (DIGIT_GROUP.test(first)) {
    let digits = first.replace(/\D/g, '');
    let consumed = 1;
    for (let next = words[index + 1]?.trim(); next !== undefined; next = words[index + consumed]?.trim()) {
      const more = next.replace(/\D/g, '');
      if (!DIGIT_GROUP.test(next) || digits.length + more.length > MAX_ID_DIGITS) break;
      digits += more;
      consumed++;
    }
    if (digits.length >= MIN_ID_DIGITS && digits.length <= MAX_ID_DIGITS) return { id: digits, kind: 'id', consumed };
    const typed = words.slice(index, index + consumed).join(' ');
    throw notAMeetingId(typed, noun, options, `it has ${digits.length} digits`);
  }

  const fromLink = JOIN_URL.exec(first)?.[1];
  if (fromLink !== undefined) return { id: fromLink, kind: 'id', consumed: 1 };

  if (options.allowUuid) {
    const uuid = decodeUuid(first);
    if (uuid !== undefined) return { id: uuid, kind: 'uuid', consumed: 1 };
  }
  throw notAMeetingId(first, noun, options);
}

// UUIDs copied from a URL may be percent-encoded once or twice (Zoom double-encodes those with `/`).
function decodeUuid(word: string): string | undefined {
  let candidate = word;
  for (let i = 0; i < 2 && candidate.includes('%'); i++) {
    try {
      candidate = decodeURIComponent(candidate);
    } catch {
      return undefined;
    }
  }
  if (!isMeetingUuid(candidate)) return undefined;
  return /^[A-Za-z0-9+/]{22}$/.test(candidate) ? `${candidate}==` : candidate;
}

function notAMeetingId(typed: string, noun: string, options: MeetingIdOptions, why?: string): UsageError {
  const reason = why === undefined ? '' : ` (${why})`;
  const uuid = options.allowUuid ? `, or a ${noun} UUID such as 4444AAAiAAAAAiAiAiiAii==` : '';
  return new UsageError(
    `${quoted(typed)} is not a ${noun} ID${reason}: Zoom ${noun} IDs have 9 to 12 digits, e.g. 812 3456 7890${uuid}.`,
    { example: '812 3456 7890' },
  );
}

/** Zoom's limit on a meeting's or webinar's topic (its API refuses longer ones with a bare validation error). */
export const TOPIC_MAX = 200;

/** A topic Zoom will take, or a sentence saying how much too long it is. */
export function checkTopic(topic: string, flag = 'The topic'): string {
  const length = Array.from(topic).length;
  if (length > TOPIC_MAX) {
    throw new UsageError(`${flag} has ${length} characters; Zoom takes at most ${TOPIC_MAX}: shorten it.`, { example: '"Weekly sync"' });
  }
  return topic;
}

// ---------------------------------------------------------------------------------------------------------
// Times and dates, read in the invoking user's zone

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

// ---------------------------------------------------------------------------------------------------------
// Durations and time zones

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

function throwUsage(message: string, example: string): never {
  throw new UsageError(/[.?]$/.test(message) ? message : `${message}.`, { example });
}

// ---------------------------------------------------------------------------------------------------------
// Users, channels and enumerations

/** A `<who>` of docs/command-grammar.md, which also says how each kind resolves to a Zoom user. */
export type Who =
  | { kind: 'me' }
  | { kind: 'email'; email: string }
  | { kind: 'slack'; userId: string }
  | { kind: 'zoomId'; id: string };

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const SLACK_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{8,11}$/;
// Zoom user IDs are opaque base64url-ish strings (22 characters today); a plain lower-case word is
// far likelier a name typed by mistake than an ID.
const ZOOM_USER_ID = /^[A-Za-z0-9_-]{10,64}$/;

/** `me`, an email, a Slack mention `<@U…>` (or a raw `U…` ID) or a Zoom user ID. */
/** `flag` names where the user was typed: a flag (`user` → `--user`) or a positional shown as `<who>`. */
export function parseWho(text: string, flag = 'user'): Who {
  const typed = text.trim();
  const option = flag.startsWith('<') ? '' : `--${flag.replace(/^-+/, '')} `;
  if (typed.toLowerCase() === 'me') return { kind: 'me' };
  const mention = SLACK_MENTION.exec(typed)?.[1];
  if (mention !== undefined) return { kind: 'slack', userId: mention };
  if (SLACK_USER_ID.test(typed)) return { kind: 'slack', userId: typed };
  const email = typed.replace(/^mailto:/i, '');
  if (EMAIL.test(email)) return { kind: 'email', email };
  if (ZOOM_USER_ID.test(typed) && /[A-Z0-9]/.test(typed)) return { kind: 'zoomId', id: typed };

  if (typed.startsWith('@')) {
    return throwUsage(
      `${quoted(typed)} is not a Slack user I can see: pick them from Slack's @ list or give their email, ` +
        `e.g. ${option}jane@example.com`,
      `${option}jane@example.com`,
    );
  }
  return throwUsage(
    `${quoted(typed)} is not a user: give me, an email, an @mention or a Zoom user ID, e.g. ${option}jane@example.com`,
    `${option}jane@example.com`,
  );
}

const CHANNEL_MENTION = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
// Slack IDs are upper case; a case-insensitive match would take a name like `Generalchat` for an ID.
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

/** A Slack channel: a mention `<#C…>` (as Slack sends `#name`) or a raw `C…`/`G…` ID; returns the ID. */
export function parseChannel(text: string): string {
  const typed = text.trim();
  const id = CHANNEL_MENTION.exec(typed)?.[1] ?? (CHANNEL_ID.test(typed) ? typed : undefined);
  if (id !== undefined) return id;
  return throwUsage(
    `${quoted(typed)} is not a channel I can see: pick it from Slack's # list, or give its ID, e.g. C0123ABCDEF`,
    '#zoom-alerts',
  );
}

function listOf(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/**
 * One of `allowed`, ignoring case (the allowed spelling is returned). `name` is the flag (`type` or `--type`)
 * or a positional (`<method>`) the value was given for.
 */
export function parseEnum<T extends string>(text: string, allowed: readonly T[], name: string): T {
  const typed = text.trim();
  const match = allowed.find((a) => a.toLowerCase() === typed.toLowerCase());
  if (match !== undefined) return match;
  const label = /^[A-Za-z]/.test(name) ? `--${name}` : name;
  const suggestion = closest(typed, allowed);
  const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
  const fix = suggestion ?? allowed[0] ?? '';
  throw new UsageError(`${quoted(typed)} is not a valid ${label}: choose ${listOf(allowed)}.${hint}`, {
    example: label.startsWith('--') ? `${label} ${fix}` : fix,
  });
}
