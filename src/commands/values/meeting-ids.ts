// A meeting or webinar ID as admins give it (digits in groups, a UUID, a join link) and a topic's limits.
import { UsageError, quoted } from '../errors.js';

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
 * The IDs help's examples use: one number is a meeting or a webinar, never both, so each kind has its own. The
 * sandbox seeds both (src/sandbox/zoom/seed.ts), so an example tried there works.
 */
export const EXAMPLE_ID = { meeting: '812 3456 7890', webinar: '845 6789 0123' } as const;

/**
 * Reads the meeting (or webinar) ID that starts at `words[index]`. Consecutive digit groups are joined while
 * they total at most 12 digits (`812 3456 7890` → `81234567890`, three words); the result must have 9 to 12.
 */
export function takeMeetingId(words: readonly string[], index: number, options: MeetingIdOptions = {}): TakenMeetingId {
  const noun = options.noun ?? 'meeting';
  const example = EXAMPLE_ID.meeting;
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
