import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkForm, formValuesOf } from '../../../src/commands/session-form.js';
import type { SessionFormValues } from '../../../src/views/session-form.js';

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
