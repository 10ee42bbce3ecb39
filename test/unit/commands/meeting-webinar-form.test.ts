// The session form's pure parts: checking a submission into Zoom's body, and filling the form from Zoom, for both kinds.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkForm, formValuesOf } from '../../../src/commands/meeting-webinar-form.js';
import type { SessionFormValues } from '../../../src/views/meetings-webinars.js';

const NOW = DateTime.fromISO('2026-03-01T10:00:00Z');
const base: SessionFormValues = { topic: 'Sync', date: '2026-03-10', time: '15:00', duration: 30, timezone: 'Europe/Berlin', registration: 'none', repeat: 'none' };

describe('checkForm', () => {
  it('builds the full create request in local time with the zone', () => {
    expect(checkForm('meeting', base, NOW)).toEqual({
      ok: true,
      input: { topic: 'Sync', type: 2, start_time: '2026-03-10T15:00:00', timezone: 'Europe/Berlin', duration: 30, agenda: '', settings: { approval_type: 2 } },
    });
  });

  it('refuses a time the clocks skip instead of moving it an hour', () => {
    const result = checkForm('meeting', { ...base, date: '2026-03-29', time: '02:30' }, NOW);
    expect(result).toEqual({ ok: false, errors: { time: 'That time does not exist in this time zone (the clocks change then).' } });
  });

  it('turns a monthly repeat into Zoom’s recurrence on the start’s day', () => {
    const result = checkForm('meeting', { ...base, repeat: 'monthly', occurrences: 6 }, NOW);
    expect(result.ok && result.input).toMatchObject({ type: 8, recurrence: { type: 3, repeat_interval: 1, monthly_day: 10, end_times: 6 } });
  });

  it('sends only the changed fields of an update, and accepts an unchanged start in the past', () => {
    const initial = { ...base, date: '2026-02-01' };
    const result = checkForm('meeting', { ...initial, duration: 45, registration: 'manual' }, NOW, initial);
    expect(result).toEqual({ ok: true, input: { duration: 45, settings: { approval_type: 1 } } });
  });

  it('moves the start with its zone when the time changes', () => {
    const result = checkForm('meeting', { ...base, time: '16:30' }, NOW, base);
    expect(result).toEqual({ ok: true, input: { start_time: '2026-03-10T16:30:00', timezone: 'Europe/Berlin' } });
  });
});

describe('formValuesOf', () => {
  it('fills the form in the meeting’s own zone, with its registration and repetition', () => {
    const values = formValuesOf(
      {
        id: '81234567890',
        topic: 'Sync',
        type: 8,
        start_time: '2026-12-01T14:00:00Z',
        duration: 45,
        timezone: 'America/New_York',
        settings: { approval_type: 0 },
        recurrence: { type: 2, repeat_interval: 1, weekly_days: '3', end_times: 7 },
      } as never,
      'UTC',
    );
    expect(values).toMatchObject({ date: '2026-12-01', time: '09:00', timezone: 'America/New_York', registration: 'auto', repeat: 'weekly', occurrences: 7 });
  });
});

describe('checkForm for a webinar', () => {
  it('builds a one-off webinar as Zoom type 5', () => {
    expect(checkForm('webinar', base, NOW)).toEqual({
      ok: true,
      input: { topic: 'Sync', type: 5, start_time: '2026-03-10T15:00:00', timezone: 'Europe/Berlin', duration: 30, agenda: '', settings: { approval_type: 2 } },
    });
  });

  it('builds a weekly series as type 9 with the start’s weekday', () => {
    const result = checkForm('webinar', { ...base, repeat: 'weekly', occurrences: 50 }, NOW);
    // 10 March 2026 is a Tuesday: Zoom counts Sunday = 1, so Tuesday = 3.
    expect(result.ok && result.input).toMatchObject({ type: 9, recurrence: { type: 2, repeat_interval: 1, weekly_days: '3', end_times: 50 } });
  });

  it('holds a webinar series to 50 occurrences, where a meeting may have 60', () => {
    const values = { ...base, repeat: 'daily' as const, occurrences: 51 };
    expect(checkForm('webinar', values, NOW)).toEqual({
      ok: false,
      errors: { occurrences: 'A repeating webinar needs the number of occurrences, from 2 to 50.' },
    });
    expect(checkForm('meeting', values, NOW).ok).toBe(true);
  });

  it('turns a series back into a one-off webinar (type 5), not a meeting type', () => {
    const initial = { ...base, repeat: 'weekly' as const, occurrences: 4 };
    expect(checkForm('webinar', { ...initial, repeat: 'none' }, NOW, initial)).toEqual({ ok: true, input: { type: 5 } });
  });
});

describe('formValuesOf for a webinar', () => {
  it('reads a type 9 webinar as a repeating series', () => {
    const values = formValuesOf(
      {
        id: '91234567890',
        topic: 'Launch',
        type: 9,
        start_time: '2026-12-03T16:00:00Z',
        duration: 90,
        timezone: 'Europe/Berlin',
        settings: { approval_type: 1 },
        recurrence: { type: 1, repeat_interval: 1, end_times: 3 },
      } as never,
      'UTC',
    );
    expect(values).toMatchObject({ date: '2026-12-03', time: '17:00', registration: 'manual', repeat: 'daily', occurrences: 3 });
  });

  it('does not offer to repeat a recurring webinar without fixed times (type 6)', () => {
    const values = formValuesOf({ id: '91234567890', topic: 'Any time', type: 6, recurrence: { type: 1 } } as never, 'UTC');
    expect(values.repeat).toBe('none');
  });
});
