// End to end: `/zoom users list` (status, pages, CSV) and `/zoom users activity` (one-month windows of the sign-in
// report within six months, newest first, CSV in a DM).
import { DateTime } from 'luxon';
import type nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, exportResult, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const NOW = DateTime.fromISO('2026-12-01T10:00:00', { zone: 'America/New_York' });

const fixture = useBotFixture({
  name: 'e2e-users',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'America/New_York' },
    { id: VIEWER, email: 'viewer@example.com', tz: 'UTC' },
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

const ana = { id: 'u-ana', email: 'ana@example.com', first_name: 'Ana', last_name: 'Lima', type: 2, status: 'pending', dept: 'Ops', timezone: 'Europe/Lisbon' };
const bo = { id: 'u-bo', email: 'bo@example.com', display_name: 'Bo', type: 1, status: 'pending' };

describe('users list', () => {
  it('lists users of a status 30 a page, and Next page carries Zoom’s token', async () => {
    zoom.get('/users').query({ status: 'pending', page_size: '30' }).reply(200, { total_records: 31, next_page_token: 'tok-2', users: [ana] });
    const first = await driver.command('users list --status PENDING', VIEWER);
    expect(first.body.text).toBe('Pending Zoom users (31)');
    expect(textOf(first)).toContain('*Ana Lima* ana@example.com · Licensed · Ops');

    zoom.get('/users').query({ status: 'pending', page_size: '30', next_page_token: 'tok-2' }).reply(200, { total_records: 31, next_page_token: '', users: [bo] });
    const second = await driver.click('users.list.next', buttonOf(first, 'users.list.next').value, VIEWER);
    expect(second.body.replace_original).toBe(true);
    expect(textOf(second)).toContain('bo@example.com · Basic');
    expect(() => buttonOf(second, 'users.list.next')).toThrow();
  });

  it('sends every user as CSV in a DM, 2000 a page, from the button', async () => {
    zoom.get('/users').query({ status: 'active', page_size: '30' }).reply(200, { users: [ana] });
    const list = await driver.command('users list', VIEWER);

    zoom.get('/users').query({ status: 'active', page_size: '2000' }).reply(200, { next_page_token: 'p2', users: [ana] });
    zoom.get('/users').query({ status: 'active', page_size: '2000', next_page_token: 'p2' }).reply(200, { next_page_token: '', users: [bo] });
    const sent = await driver.click('users.list.csv', buttonOf(list, 'users.list.csv').value, VIEWER);

    expect(await exportResult(sent, fixture.slack())).toContain('Sent 2 users as `zoom-users-active-2026-12-01.csv`');
    expect(await slack.uploadedFile()).toBe(
      'ID,Email,First name,Last name,Display name,Type,Status,Department,Time zone\r\n' +
        'u-ana,ana@example.com,Ana,Lima,,Licensed,pending,Ops,Europe/Lisbon\r\n' +
        'u-bo,bo@example.com,,,Bo,Basic,pending,,\r\n',
    );
    const completed = await slack.waitFor((c) => c.method === 'files.completeUploadExternal');
    expect(completed.body.channel_id).toBe(`D${VIEWER}`);
  });

  it('refuses a status Zoom does not have', async () => {
    const answer = await driver.command('users list --status deleted', VIEWER);
    expect(answer.body.text).toContain('"deleted" is not a valid --status: choose active, inactive or pending.');
  });
});

describe('users activity', () => {
  it('asks the report one month at a time as dates in the admin’s zone, newest window first', async () => {
    zoom.get('/report/activities').query({ from: '2026-10-01', to: '2026-10-31', page_size: '20' }).reply(200, { next_page_token: '', activity_logs: [] });
    zoom.get('/report/activities').query({ from: '2026-09-01', to: '2026-09-30', page_size: '20' }).reply(200, {
      next_page_token: '',
      activity_logs: [{ email: 'ana@example.com', time: '2026-09-15T19:13:41Z', type: 'Sign in', client_type: 'Browser', ip_address: '192.0.2.1', version: '6.1' }],
    });

    // The newest window is empty, so the page comes from the one before it.
    const answer = await driver.command('users activity --from 2026-09-01 --to 2026-10-31', ADMIN);

    expect(answer.body.text).toBe('Sign-ins and sign-outs, 1 Sept 2026 – 31 Oct 2026');
    expect(textOf(answer)).toContain('*Sign in* · Tue 15 Sept 2026, 15:13 EDT · ana@example.com · Browser 6.1 · 192.0.2.1');
    expect(() => buttonOf(answer, 'users.activity.next')).toThrow();
  });

  it('sends the whole period as CSV with --csv, and refuses more than six months back', async () => {
    zoom.get('/report/activities').query({ from: '2026-11-24', to: '2026-12-01', page_size: '300' }).reply(200, {
      activity_logs: [{ email: 'bo@example.com', time: '2026-11-30T23:30:00Z', type: 'Sign out' }],
    });
    const answer = await driver.command('users activity --from -7d --csv', ADMIN);
    expect(await exportResult(answer, fixture.slack())).toContain('Sent 1 sign-ins and sign-outs as `zoom-sign-ins-2026-12-01.csv`');
    expect(await slack.uploadedFile()).toBe('Time (America/New_York),Email,Activity,Client,Version,IP address\r\n2026-11-30 18:30:00,bo@example.com,Sign out,,,\r\n');

    const refused = await driver.command('users activity --from -7m', ADMIN);
    expect(refused.body.text).toContain('Zoom keeps sign-in reports for the last 6 months only, so --from 2026-05-01 is too early: start on 2026-06-01 or later');
    const reversed = await driver.command('users activity --from today --to -3d', ADMIN);
    expect(reversed.body.text).toContain('--from 2026-12-01 is after --to 2026-11-28');
  });

  it('is for admins only', async () => {
    const answer = await driver.command('users activity', VIEWER);
    expect(answer.body.text).toContain('not allowed');
  });
});
