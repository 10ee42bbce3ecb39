// Phone call history: the current endpoints (not the deprecated call_logs ones), one-month windows as exact instants,
// Zoom Phone's own rate table, and both item shapes read into one PhoneCall.
import { DateTime } from 'luxon';
import { describe, expect, it, vi } from 'vitest';
import { monthWindows, oldestAvailable, zoomInstant } from '../../../src/zoom/date-windows.js';
import { callHistoryRequest } from '../../../src/zoom/phone.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

const { bed, api } = useAreaTestbed('zoom-phone', 'tok-phone');

// Shaped like the examples in Zoom's Phone API reference.
const ACCOUNT_CALL = {
  call_history_uuid: '20211001-48c1dfd4-91ce-4df5-8495-7c9e33d10869',
  call_id: '7018317023722949162',
  direction: 'inbound',
  start_time: '2026-11-20T16:12:04Z',
  end_time: '2026-11-20T16:12:24Z',
  duration: 20,
  call_result: 'answered',
  caller_name: 'Caller name',
  caller_did_number: '+12059300920',
  callee_name: 'Callee name',
  callee_ext_number: '101229',
  callee_email: 'callee@example.com',
};
const USER_CALL = {
  id: '20250516-1c9d4d14-6e5a-4c4f-9d35-9b9c8b3f1e33',
  call_id: 7018317023722949000,
  direction: 'outbound',
  caller_name: 'Ana Lima',
  caller_ext_number: 101,
  callee_did_number: '+4930123456',
  start_time: '2026-11-20T10:00:00Z',
  end_time: '2026-11-20T10:05:30Z',
  result: 'no_answer',
};

const window = {
  from: DateTime.fromISO('2026-11-01T00:00:00', { zone: 'Europe/Berlin' }),
  to: DateTime.fromISO('2026-11-30T23:59:59.999', { zone: 'Europe/Berlin' }),
};

describe('callHistoryRequest', () => {
  it("reads the account's call_history (Heavy, phone table) with the window as UTC instants", async () => {
    const labels = chargedLabels(bed());
    api()
      .get('/v2/phone/call_history')
      .query({ from: '2026-10-31T23:00:00Z', to: '2026-11-30T22:59:59Z', page_size: '300' })
      .reply(200, { next_page_token: '', call_history: [ACCOUNT_CALL], call_logs: [{ id: 'deprecated' }] });

    const page = await bed().zoom.page(callHistoryRequest({ window, pageSize: 500 }));

    expect(labels()).toEqual(['heavy']);
    // Zoom Phone's own (lower) per-label budgets.
    expect(vi.mocked(bed().limiter.acquire).mock.calls.map(([, table]) => table)).toEqual(['phone']);
    expect(page.items).toEqual([
      {
        id: '20211001-48c1dfd4-91ce-4df5-8495-7c9e33d10869',
        direction: 'inbound',
        caller: { name: 'Caller name', number: '+12059300920' },
        callee: { name: 'Callee name', email: 'callee@example.com', extension: '101229' },
        startTime: '2026-11-20T16:12:04Z',
        durationSeconds: 20,
        result: 'answered',
      },
    ]);
  });

  it("reads one user's call history (Medium) and derives the duration from start and end", async () => {
    const labels = chargedLabels(bed());
    api()
      .get('/v2/phone/users/ana%40example.com/call_history')
      .query({ from: '2026-10-31T23:00:00Z', to: '2026-11-30T22:59:59Z', next_page_token: 'p2' })
      .reply(200, { next_page_token: '', call_logs: [USER_CALL] });

    const page = await bed().zoom.page(callHistoryRequest({ userId: 'ana@example.com', window }), 'p2');

    expect(labels()).toEqual(['medium']);
    expect(page.items[0]).toEqual({
      id: USER_CALL.id,
      direction: 'outbound',
      caller: { name: 'Ana Lima', extension: '101' },
      callee: { number: '+4930123456' },
      startTime: '2026-11-20T10:00:00Z',
      durationSeconds: 330,
      result: 'no_answer',
    });
  });

  it('walks every page of a window with the same query', async () => {
    const query = { from: '2026-10-31T23:00:00Z', to: '2026-11-30T22:59:59Z', page_size: '300' };
    api().get('/v2/phone/call_history').query(query).reply(200, { next_page_token: 't2', call_history: [ACCOUNT_CALL] });
    api()
      .get('/v2/phone/call_history')
      .query({ ...query, next_page_token: 't2' })
      .reply(200, { next_page_token: '', call_history: [{ ...ACCOUNT_CALL, call_history_uuid: 'second' }] });

    const ids: string[] = [];
    for await (const page of bed().zoom.paginate(callHistoryRequest({ window, pageSize: 300 }))) {
      ids.push(...page.items.map((c) => c.id));
    }
    expect(ids).toEqual([ACCOUNT_CALL.call_history_uuid, 'second']);
  });
});

describe('monthWindows', () => {
  it('splits a range into one-month windows, newest first, that touch without overlapping', () => {
    const from = DateTime.fromISO('2026-08-15T00:00:00', { zone: 'UTC' });
    const to = DateTime.fromISO('2026-11-20T23:59:59.999', { zone: 'UTC' });
    const windows = monthWindows(from, to).map((w) => [zoomInstant(w.from), zoomInstant(w.to)]);
    expect(windows).toEqual([
      ['2026-11-15T00:00:00Z', '2026-11-20T23:59:59Z'],
      ['2026-10-15T00:00:00Z', '2026-11-14T23:59:59Z'],
      ['2026-09-15T00:00:00Z', '2026-10-14T23:59:59Z'],
      ['2026-08-15T00:00:00Z', '2026-09-14T23:59:59Z'],
    ]);
  });

  it('gives one window for a range within a month, and none for a reversed one', () => {
    const day = DateTime.fromISO('2026-11-01T00:00:00', { zone: 'UTC' });
    expect(monthWindows(day, day.plus({ days: 3 }))).toHaveLength(1);
    expect(monthWindows(day, day.minus({ days: 1 }))).toEqual([]);
  });

  it('keeps six months back from the start of that day', () => {
    const now = DateTime.fromISO('2026-12-01T15:30:00', { zone: 'Europe/Berlin' });
    expect(oldestAvailable(now).toISO()).toBe('2026-06-01T00:00:00.000+02:00');
  });
});
