// Value parsers: resources, meeting IDs, times, dates, durations, zones, users, channels, enumerations.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/commands/errors.js';
import { parseEnum } from '../../../src/commands/values/enums.js';
import { isMeetingUuid, takeMeetingId } from '../../../src/commands/values/meeting-ids.js';
import { parseChannel, parseWho } from '../../../src/commands/values/people-channels.js';
import { parseResource } from '../../../src/commands/values/resources.js';
import { parseDate, parseDuration, parseTimezone, parseWhen } from '../../../src/commands/values/times.js';

const NY = 'America/New_York';
// Saturday 2026-10-31 12:00 in New York (EDT, UTC-4); DST ends there at 2:00 on Sunday 2026-11-01.
const beforeFallBack = DateTime.fromISO('2026-10-31T16:00:00Z');

describe('parseResource', () => {
  it('maps singular and plural to the names docs/command-grammar.md uses', () => {
    expect(['meeting', 'meetings', 'Meetings'].map(parseResource)).toEqual(['meeting', 'meeting', 'meeting']);
    expect(['webinar', 'webinars'].map(parseResource)).toEqual(['webinar', 'webinar']);
    expect(['recording', 'recordings'].map(parseResource)).toEqual(['recordings', 'recordings']);
    expect(['user', 'users'].map(parseResource)).toEqual(['users', 'users']);
  });

  it('keeps other words as they are, lower-cased', () => {
    expect(['phone', 'chat', 'watch', 'unwatch', 'watches', 'jobs', 'api', 'HELP'].map(parseResource)).toEqual([
      'phone', 'chat', 'watch', 'unwatch', 'watches', 'jobs', 'api', 'help',
    ]);
  });
});

describe('takeMeetingId', () => {
  it('joins digit groups typed with spaces or dashes', () => {
    expect(takeMeetingId(['812', '3456', '7890'], 0)).toEqual({ id: '81234567890', kind: 'id', consumed: 3 });
    expect(takeMeetingId(['812-3456-7890'], 0)).toEqual({ id: '81234567890', kind: 'id', consumed: 1 });
    expect(takeMeetingId(['81234567890'], 0)).toEqual({ id: '81234567890', kind: 'id', consumed: 1 });
    expect(takeMeetingId(['get', '812', '3456', '7890'], 1)).toEqual({ id: '81234567890', kind: 'id', consumed: 3 });
  });

  it('leaves the next argument alone', () => {
    expect(takeMeetingId(['81234567890', 'jane@x.com'], 0)).toEqual({ id: '81234567890', kind: 'id', consumed: 1 });
  });

  it('joins groups while they total at most 12 digits', () => {
    expect(takeMeetingId(['812345678', '901', 'jane@x'], 0)).toEqual({ id: '812345678901', kind: 'id', consumed: 2 });
    expect(takeMeetingId(['81234567890', '1234'], 0)).toEqual({ id: '81234567890', kind: 'id', consumed: 1 });
  });

  it('refuses 13 digits and 8 digits', () => {
    expect(() => takeMeetingId(['8123456789012'], 0)).toThrow(/^"8123456789012" is not a meeting ID \(it has 13 /);
    expect(() => takeMeetingId(['81234567'], 0)).toThrow(
      '"81234567" is not a meeting ID (it has 8 digits): Zoom meeting IDs have 9 to 12 digits, e.g. 812 3456 7890.',
    );
    expect(() => takeMeetingId(['812', '3456'], 0)).toThrow('"812 3456" is not a meeting ID (it has 7 digits)');
  });

  it('refuses words and a missing ID, naming the noun', () => {
    expect(() => takeMeetingId(['abc'], 0, { noun: 'webinar' })).toThrow('"abc" is not a webinar ID: Zoom webinar IDs');
    expect(() => takeMeetingId([], 0)).toThrow('A meeting ID is missing');
  });

  it('accepts a meeting UUID only when allowed', () => {
    const uuid = '4444AAAiAAAAAiAiAiiAii==';
    expect(takeMeetingId([uuid], 0, { allowUuid: true })).toEqual({ id: uuid, kind: 'uuid', consumed: 1 });
    expect(takeMeetingId(['/ajXp112QmuoKj4854875==', 'x'], 0, { allowUuid: true }).id).toBe('/ajXp112QmuoKj4854875==');
    // A 22-character UUID typed without its padding gets it back.
    expect(takeMeetingId(['ab+c/DEF123ghiJKL456mn'], 0, { allowUuid: true }).id).toBe('ab+c/DEF123ghiJKL456mn==');
    // Copied from a URL: percent-encoded, even twice.
    expect(takeMeetingId(['%252Fa%252Fb123456789012345678%253D%253D'], 0, { allowUuid: true }).id).toBe(
      '/a/b123456789012345678==',
    );
    expect(() => takeMeetingId([uuid], 0)).toThrow(UsageError);
    expect(() => takeMeetingId(['short=='], 0, { allowUuid: true })).toThrow('or a meeting UUID such as');
  });

  it('reads the ID from a pasted join link', () => {
    expect(takeMeetingId(['https://us02web.zoom.us/j/81234567890?pwd=abc'], 0).id).toBe('81234567890');
  });

  it('tells UUIDs from numeric IDs', () => {
    expect(isMeetingUuid('4444AAAiAAAAAiAiAiiAii==')).toBe(true);
    expect(isMeetingUuid('81234567890')).toBe(false);
  });
});

describe('parseWhen', () => {
  const ctx = { zone: NY, now: beforeFallBack };

  it('reads a date and time in the given zone', () => {
    expect(parseWhen('2026-12-01 15:00', ctx).toISO()).toBe('2026-12-01T15:00:00.000-05:00');
    expect(parseWhen('2026-12-01T15:00', ctx).toISO()).toBe('2026-12-01T15:00:00.000-05:00');
    expect(parseWhen('2026-07-01 15:00:30', ctx).toISO()).toBe('2026-07-01T15:00:30.000-04:00');
  });

  it('keeps the instant of an ISO time with an offset, shown in the user zone', () => {
    const withOffset = parseWhen('2026-12-01T15:00:00+01:00', ctx);
    expect(withOffset.toUTC().toISO()).toBe('2026-12-01T14:00:00.000Z');
    expect(withOffset.zoneName).toBe(NY);
    expect(parseWhen('2026-12-01T15:00:00Z', ctx).toUTC().toISO()).toBe('2026-12-01T15:00:00.000Z');
  });

  it('reads today and tomorrow in the user zone, across the DST change', () => {
    expect(parseWhen('today 15:00', ctx).toISO()).toBe('2026-10-31T15:00:00.000-04:00');
    // Tomorrow is a calendar day later, not 24 hours: 9:30 is in EST.
    const tomorrow = parseWhen('tomorrow 9:30', ctx);
    expect(tomorrow.toISO()).toBe('2026-11-01T09:30:00.000-05:00');
    expect(tomorrow.toUTC().toISO()).toBe('2026-11-01T14:30:00.000Z');
  });

  it('uses the user zone for "today", not UTC', () => {
    // 03:30 UTC on Nov 1 is still Oct 31, 23:30 in New York.
    const lateEvening = { zone: NY, now: DateTime.fromISO('2026-11-01T03:30:00Z') };
    expect(parseWhen('today 15:00', lateEvening).toISODate()).toBe('2026-10-31');
    expect(parseWhen('today 15:00', { ...lateEvening, zone: 'UTC' }).toISODate()).toBe('2026-11-01');
  });

  it('reads a bare time as today, and 12-hour times', () => {
    expect(parseWhen('15:00', ctx).toISO()).toBe('2026-10-31T15:00:00.000-04:00');
    expect(parseWhen('3pm', ctx).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-10-31 15:00');
    expect(parseWhen('3:30 PM', ctx).toFormat('HH:mm')).toBe('15:30');
    expect(parseWhen('12am', ctx).toFormat('HH:mm')).toBe('00:00');
    expect(parseWhen('tomorrow at 9:30am', ctx).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-11-01 09:30');
  });

  it('refuses a time the zone skips, and picks standard time for one that repeats', () => {
    expect(() => parseWhen('2026-03-08 2:30', ctx)).toThrow(
      '"2026-03-08 2:30" does not exist in America/New_York: the clocks skip that hour',
    );
    expect(parseWhen('2026-11-01 1:30', ctx).offset).toBe(-300);
  });

  it('refuses times that are not times, with an example', () => {
    const error = (() => {
      try {
        parseWhen('tomorrow 25:00', ctx);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      '"tomorrow 25:00" is not a time. Try --start "2026-12-01 15:00" or --start "tomorrow 9:30".',
    );
    expect((error as UsageError).example).toBe('--start "tomorrow 9:30"');
    for (const bad of ['soon', '2026-02-30 10:00', '13pm', '10:61', 'next week 9:00', '']) {
      expect(() => parseWhen(bad, ctx), bad).toThrow(UsageError);
    }
  });

  it('explains that a day alone needs its time, quoted', () => {
    expect(() => parseWhen('tomorrow', { ...ctx, flag: 'start' })).toThrow(
      '"tomorrow" needs a time of day too: quote both words, e.g. --start "tomorrow 9:30".',
    );
    expect(() => parseWhen('2026-12-01', ctx)).toThrow('needs a time of day too');
  });

  it('suggests a time still ahead when a day alone is given: never "yesterday 9:30", which would be refused as past', () => {
    expect(() => parseWhen('yesterday', { ...ctx, flag: 'start' })).toThrow(
      '"yesterday" is a day already gone; a start needs a day and time ahead, e.g. --start "tomorrow 9:30".',
    );
    // Today at 9:30 is gone by the afternoon: the hint names the next full hour instead.
    const afternoon = { zone: NY, now: DateTime.fromISO('2026-12-01T14:10:00', { zone: NY }), flag: 'start' };
    expect(() => parseWhen('today', afternoon)).toThrow('e.g. --start "today 15:00"');
    for (const day of ['yesterday', 'today', 'tomorrow', '2026-12-01']) {
      const hint = /--start "([^"]+)"\.$/.exec(catchMessage(() => parseWhen(day, afternoon)))?.[1];
      expect(hint, day).toBeDefined();
      expect(parseWhen(hint!, afternoon) > afternoon.now, `${day}: ${hint}`).toBe(true);
    }
  });

  it('refuses an invalid zone', () => {
    expect(() => parseWhen('15:00', { zone: 'Mars/Olympus', now: beforeFallBack })).toThrow('is not a time zone');
  });
});

describe('parseDate', () => {
  const ctx = { zone: NY, now: beforeFallBack };

  it('reads days relative to today in the user zone, at the start of the day', () => {
    expect(parseDate('today', ctx).toISO()).toBe('2026-10-31T00:00:00.000-04:00');
    expect(parseDate('yesterday', ctx).toISO()).toBe('2026-10-30T00:00:00.000-04:00');
    expect(parseDate('-7d', ctx).toISODate()).toBe('2026-10-24');
    expect(parseDate('-2w', ctx).toISODate()).toBe('2026-10-17');
    expect(parseDate('-1m', ctx).toISODate()).toBe('2026-09-30');
  });

  it('reads an ISO date in the user zone', () => {
    expect(parseDate('2026-12-01', ctx).toISO()).toBe('2026-12-01T00:00:00.000-05:00');
  });

  it('refuses other text with an example', () => {
    expect(() => parseDate('last week', { ...ctx, flag: 'to' })).toThrow(
      '"last week" is not a date. Try --to 2026-12-01, --to yesterday or --to -7d.',
    );
    expect(() => parseDate('2026-02-30', ctx)).toThrow(UsageError);
    expect(() => parseDate('7d', ctx)).toThrow(UsageError);
  });
});

describe('parseDuration', () => {
  it('reads minutes and hour forms', () => {
    expect(['45', '90', '90m', '1h', '1h30m', '1h30', '1.5h', '2 hours', '1:15', '1440'].map(parseDuration)).toEqual([
      45, 90, 90, 60, 90, 90, 90, 120, 75, 1440,
    ]);
  });

  it("refuses what is not a duration or outside Zoom's 1 to 1440 minutes", () => {
    expect(() => parseDuration('0')).toThrow('"0" is too short: give 1 to 1440 minutes');
    expect(() => parseDuration('25h')).toThrow('"25h" is longer than Zoom allows');
    expect(() => parseDuration('1441')).toThrow(UsageError);
    expect(() => parseDuration('an hour')).toThrow(
      '"an hour" is not a duration: give 1 to 1440 minutes, e.g. --duration 45 or --duration 1h30m.',
    );
    expect(() => parseDuration('-5')).toThrow(UsageError);
  });
});

describe('parseTimezone', () => {
  it('accepts IANA zones in their canonical spelling', () => {
    expect(parseTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(parseTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(parseTimezone('UTC')).toBe('UTC');
    expect(parseTimezone('gmt')).toBe('UTC');
    expect(parseTimezone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(parseTimezone('Etc/GMT+5')).toBe('Etc/GMT+5');
  });

  it('refuses abbreviations, which are ambiguous or ignore daylight saving', () => {
    expect(() => parseTimezone('BST')).toThrow('"BST" is not a time zone: did you mean Europe/London?');
    expect(() => parseTimezone('EST')).toThrow('did you mean America/New_York?');
  });

  it('suggests a zone for typos, city names and abbreviations', () => {
    expect(() => parseTimezone('Europe/Berln')).toThrow(
      '"Europe/Berln" is not a time zone: did you mean Europe/Berlin?',
    );
    expect(() => parseTimezone('Berlin')).toThrow('did you mean Europe/Berlin?');
    expect(() => parseTimezone('new york')).toThrow('did you mean America/New_York?');
    expect(() => parseTimezone('PST')).toThrow('did you mean America/Los_Angeles?');
    expect(() => parseTimezone('+01:00')).toThrow(UsageError);
    expect(() => parseTimezone('')).toThrow('"" is not a time zone: give an IANA zone such as Europe/Berlin.');
  });
});

describe('parseWho', () => {
  it('reads each form', () => {
    expect(parseWho('me')).toEqual({ kind: 'me' });
    expect(parseWho('ME')).toEqual({ kind: 'me' });
    expect(parseWho('jane@example.com')).toEqual({ kind: 'email', email: 'jane@example.com' });
    expect(parseWho('<@U0123ABCD>')).toEqual({ kind: 'slack', userId: 'U0123ABCD' });
    expect(parseWho('<@W0123ABCD|jane>')).toEqual({ kind: 'slack', userId: 'W0123ABCD' });
    expect(parseWho('U0123ABCD')).toEqual({ kind: 'slack', userId: 'U0123ABCD' });
    expect(parseWho('KDcuGIm1QgePTO8WbOqwIQ')).toEqual({ kind: 'zoomId', id: 'KDcuGIm1QgePTO8WbOqwIQ' });
  });

  it('refuses names and unlinked mentions, with an example', () => {
    expect(() => parseWho('jane')).toThrow(
      '"jane" is not a user: give me, an email, an @mention or a Zoom user ID, e.g. --user jane@example.com.',
    );
    expect(() => parseWho('@jane', 'as')).toThrow(
      '"@jane" is not a Slack user I can see: ' +
        "pick them from Slack's @ list or give their email, e.g. --as jane@example.com.",
    );
    expect(() => parseWho('')).toThrow(UsageError);
  });
});

describe('parseChannel', () => {
  it('reads a channel mention or a channel ID', () => {
    expect(parseChannel('<#C0123ABCD>')).toBe('C0123ABCD');
    expect(parseChannel('<#C0123ABCD|zoom-alerts>')).toBe('C0123ABCD');
    expect(parseChannel('G0123ABCDE')).toBe('G0123ABCDE');
  });

  it('refuses a channel name Slack did not link, and words that merely start with C', () => {
    expect(() => parseChannel('#general')).toThrow('"#general" is not a channel I can see');
    expect(() => parseChannel('Generalchat')).toThrow(UsageError);
  });
});

describe('parseEnum', () => {
  const types = ['scheduled', 'live', 'upcoming', 'previous'] as const;

  it('returns the allowed spelling, ignoring case', () => {
    expect(parseEnum('Live', types, 'type')).toBe('live');
  });

  it('suggests the closest value and lists them all', () => {
    expect(() => parseEnum('previos', types, 'type')).toThrow(
      '"previos" is not a valid --type: choose scheduled, live, upcoming or previous. Did you mean previous?',
    );
    expect(() => parseEnum('zzz', types, '--type')).toThrow(
      '"zzz" is not a valid --type: choose scheduled, live, upcoming or previous.',
    );
  });
});

function catchMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}
