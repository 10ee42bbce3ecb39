// End to end: `/zoom phone calls|logs` — the current call-history endpoints with one-month windows as exact instants,
// the six-month limit said in words, Next page walking back in time, and the CSV in the admin's DM.
import { DateTime } from 'luxon';
import type nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, exportResult, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const NOW = DateTime.fromISO('2026-12-01T10:00:00', { zone: 'Europe/Berlin' });

const fixture = useBotFixture({
  name: 'e2e-phone',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER },
  now: NOW,
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
let slack: FakeSlack;
let zoom: nock.Scope;

beforeEach(() => {
  slack = fixture.slack();
  zoom = fixture.zoom();
});


const accountCall = (uuid: string, extra: Record<string, unknown> = {}) => ({
  call_history_uuid: uuid,
  call_id: '7018317023722949162',
  direction: 'inbound',
  start_time: '2026-11-20T16:12:04Z',
  duration: 330,
  call_result: 'answered',
  caller_name: 'Caller, "Big" Co',
  caller_did_number: '+12059300920',
  callee_name: 'Ana Lima',
  callee_ext_number: '101',
  ...extra,
});

// --from -45d in Berlin: 2026-10-17 00:00 CEST = 2026-10-16T22:00Z; the newest window starts a month later.
const NEWER = { from: '2026-11-16T23:00:00Z', to: '2026-12-01T09:00:00Z' };
const OLDER = { from: '2026-10-16T22:00:00Z', to: '2026-11-16T22:59:59Z' };

describe('phone calls', () => {
  it("lists the account's calls newest window first, in the reader's zone, filling the page from older windows", async () => {
    zoom.get('/phone/call_history').query({ ...NEWER, page_size: '20' }).reply(200, { next_page_token: '', call_history: [accountCall('c-new')] });
    zoom.get('/phone/call_history').query({ ...OLDER, page_size: '19' }).reply(200, { next_page_token: '', call_history: [accountCall('c-old', { start_time: '2026-10-20T08:00:00Z' })] });

    const answer = await driver.command('phone calls --from -45d', ADMIN);

    const text = textOf(answer);
    expect(text).toContain('Phone calls of the account');
    expect(text).toContain('17 Oct 2026 – 1 Dec 2026');
    expect(text).toContain('Fri 20 Nov 2026, 17:12 CET · 5 min 30 s · answered');
    expect(text).toContain('Caller, \\"Big\\" Co (+12059300920) → Ana Lima (ext 101)');
    expect(text.indexOf('Tue 20 Oct 2026, 10:00 CEST')).toBeGreaterThan(text.indexOf('Fri 20 Nov 2026'));
    expect(() => buttonOf(answer, 'phone.calls.next')).toThrow();
    expect(buttonOf(answer, 'phone.calls.csv')).toBeDefined();
  });

  it('shows the latest 20 calls of the whole default period on page 1, whatever its windows', async () => {
    // The last 30 days from 1 Dec 10:00 Berlin: a month from 1 Nov, then 1 Dec's first hours.
    const today = { from: '2026-11-30T23:00:00Z', to: '2026-12-01T09:00:00Z' };
    const november = { from: '2026-10-31T23:00:00Z', to: '2026-11-30T22:59:59Z' };
    // n calls on `day`, newest first, one an hour back from `latestHour` (UTC).
    const calls = (prefix: string, n: number, day: string, latestHour: number) =>
      Array.from({ length: n }, (_, i) => accountCall(`${prefix}-${i}`, { start_time: `${day}T${String(latestHour - i).padStart(2, '0')}:00:00Z` }));
    zoom.get('/phone/call_history').query({ ...today, page_size: '20' }).reply(200, { next_page_token: '', call_history: calls('today', 2, '2026-12-01', 1) });
    zoom.get('/phone/call_history').query({ ...november, page_size: '18' }).reply(200, { next_page_token: 'nov-2', call_history: calls('nov', 18, '2026-11-29', 20) });

    const answer = await driver.command('phone calls', ADMIN);

    const lines = textOf(answer).match(/· answered/g) ?? [];
    expect(lines).toHaveLength(20);
    expect(textOf(answer)).toContain('Tue 1 Dec 2026, 02:00 CET');
    expect(textOf(answer)).toContain('Sun 29 Nov 2026, 21:00 CET');

    // Next page goes on where page 1 stopped: November's second page.
    zoom.get('/phone/call_history').query({ ...november, page_size: '20', next_page_token: 'nov-2' }).reply(200, { next_page_token: '', call_history: calls('nov-more', 1, '2026-11-02', 20) });
    const older = await driver.click('phone.calls.next', buttonOf(answer, 'phone.calls.next').value, ADMIN);
    expect(textOf(older).match(/· answered/g)).toHaveLength(1);
    expect(textOf(older)).toContain('Mon 2 Nov 2026, 21:00 CET');
    expect(() => buttonOf(older, 'phone.calls.next')).toThrow();
  });

  it('sends every call of every window as CSV in a direct message with --csv', async () => {
    zoom.get('/phone/call_history').query({ ...NEWER, page_size: '300' }).reply(200, { next_page_token: 'p2', call_history: [accountCall('c1')] });
    zoom.get('/phone/call_history').query({ ...NEWER, page_size: '300', next_page_token: 'p2' }).reply(200, { next_page_token: '', call_history: [accountCall('c2', { direction: 'outbound', call_result: 'no_answer' })] });
    zoom.get('/phone/call_history').query({ ...OLDER, page_size: '300' }).reply(200, { call_history: [] });

    const answer = await driver.command('phone calls --from -45d --csv', ADMIN);

    const done = await exportResult(answer, slack);
    // Already in the DM: it says where the file is without "in a direct message", under a capitalised title.
    expect(done).toMatch(/Sent 2 calls as `phone-calls-2026-12-01\.csv`, the file below\./);
    expect(done).not.toContain('direct message');
    expect(done).toMatch(/^The phone calls of the account: /);
    expect(await slack.uploadedFile()).toBe(
      'Start (Europe/Berlin),Direction,Caller,Caller number,Callee,Callee number,Duration (s),Result,Call ID\r\n' +
        '2026-11-20 17:12:04,inbound,"Caller, ""Big"" Co",+12059300920,Ana Lima,101,330,answered,c1\r\n' +
        '2026-11-20 17:12:04,outbound,"Caller, ""Big"" Co",+12059300920,Ana Lima,101,330,no_answer,c2\r\n',
    );
    const completed = await slack.waitFor((c) => c.method === 'files.completeUploadExternal');
    expect(completed.body.channel_id).toBe(`D${ADMIN}`);
    expect(completed.body.files).toEqual([{ id: expect.stringMatching(/^F\d+$/), title: 'phone-calls-2026-12-01.csv' }]);
    expect(completed.body.initial_comment).toBe('The phone calls of the account: 2 calls.');
  });

  it("reads one user's history with --user, and refuses a range before the last six months", async () => {
    zoom.get('/users/ana%40example.com').reply(200, { id: 'zoom-ana', email: 'ana@example.com' });
    zoom.get('/phone/users/zoom-ana/call_history').query({ from: '2026-10-31T23:00:00Z', to: '2026-11-30T22:59:59Z', page_size: '20' }).reply(200, { call_logs: [] });

    const answer = await driver.command('phone calls --user ana@example.com --from 2026-11-01 --to 2026-11-30', ADMIN);
    expect(answer.body.text).toBe('Phone calls of ana@example.com: no calls');

    const refused = await driver.command('phone logs ana@example.com --from 2026-05-01', ADMIN);
    expect(refused.body.text).toContain('Zoom keeps phone call history for the last 6 months only, so --from 2026-05-01 is too early: start on 2026-06-01 or later');
  });

  it('offers the CSV button, and the button sends the same query as a file', async () => {
    zoom.get('/users/ana%40example.com').reply(200, { id: 'zoom-ana', email: 'ana@example.com' });
    const call = { id: 'log-1', direction: 'outbound', caller_name: 'Ana Lima', callee_did_number: '+4930123456', start_time: '2026-11-30T08:00:00Z', end_time: '2026-11-30T08:01:00Z', result: 'no_answer' };
    zoom.get('/phone/users/zoom-ana/call_history').query((q) => q.page_size === '20').reply(200, { call_logs: [call] });
    const list = await driver.command('phone logs ana@example.com --from -7d', ADMIN);

    zoom.get('/phone/users/zoom-ana/call_history').query({ from: '2026-11-23T23:00:00Z', to: '2026-12-01T09:00:00Z', page_size: '300' }).reply(200, { call_logs: [call] });
    const sent = await driver.click('phone.calls.csv', buttonOf(list, 'phone.calls.csv').value, ADMIN);

    expect(await exportResult(sent, slack)).toContain('Sent 1 calls as `phone-logs-2026-12-01.csv`');
    expect(await slack.uploadedFile()).toContain('2026-11-30 09:00:00,outbound,Ana Lima,,,+4930123456,60,no_answer,log-1');
  });

  it('is for admins only, and refuses a tampered button', async () => {
    const refused = await driver.command('phone calls', VIEWER);
    expect(refused.body.text).toContain('not allowed');
    const tampered = await driver.click('phone.calls.csv', '{"f":"x"}', ADMIN);
    expect(tampered.body.text).toContain('This button is out of date');
  });
});
