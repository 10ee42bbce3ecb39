// The account's Zoom budget against one command or button: a viewer's `recordings list` looks back at most 12 months
// (older is refused with how to narrow it), no command or button makes more than 60 Zoom calls, and a list that was
// cut says so. Zoom calls are counted as nock sees them.
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const fixture = useBotFixture({
  name: 'e2e-zoom-budget',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'UTC' },
    { id: VIEWER, email: 'viewer@example.com', tz: 'UTC' },
  ],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER },
  now: DateTime.fromISO('2026-12-02T12:00:00Z'),
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());

let calls: string[] = [];
beforeEach(() => {
  calls = [];
});

type Scope = ReturnType<typeof fixture.zoom>;

/**
 * Fifty users, each with one recording in every month, so --all over a year would take 601 calls. Each part is
 * mocked on `fixture.zoom()` when the scenario must reach it, or on `fixture.trap()` when it must not.
 */
function busyAccount(parts: { users: () => Scope; recordings: () => Scope }): void {
  const users = Array.from({ length: 50 }, (_, i) => ({ id: `u${i}`, email: `user${i}@example.com` }));
  parts.users().get('/users').query(true).reply(() => (calls.push('users'), [200, { users }])).persist();
  parts
    .recordings()
    .get(/\/users\/u\d+\/recordings/)
    .query(true)
    .reply(function (uri) {
      calls.push(uri);
      const from = new URL(uri, 'https://zoom.test').searchParams.get('from')!;
      const user = uri.split('/')[3];
      return [200, { meetings: [{ uuid: `${user}-${from}==`, id: 81234567890, topic: `Call of ${user}`, start_time: `${from}T10:00:00Z`, recording_files: [] }] }];
    })
    .persist();
}

describe('recordings list look-back', () => {
  it('refuses a --from older than 12 months, saying how to narrow it, and asks Zoom nothing', async () => {
    busyAccount({ users: fixture.trap, recordings: fixture.trap });
    for (const from of ['2000-01-01', '-9999m', '-13m']) {
      const answer = await driver.command(`recordings list --from ${from}`, VIEWER);
      expect(answer.body.text).toContain('Recordings are listed for the last 12 months at most');
      expect(answer.body.text).toContain('start on 2025-12-02 or later');
    }
    expect(calls).toEqual([]);
  });

  it('takes a year back for one user: thirteen monthly calls', async () => {
    fixture.zoom().get('/users/viewer%40example.com').reply(200, { id: 'u7', email: 'viewer@example.com' });
    busyAccount({ users: fixture.trap, recordings: fixture.zoom });
    const answer = await driver.command('recordings list --from -12m', VIEWER);
    expect(calls).toHaveLength(13);
    expect(textOf(answer)).toContain('Call of u7');
    expect(textOf(answer)).not.toContain('Stopped after');
  });
});

describe('Zoom calls of one command', () => {
  it('stops `recordings list --all` at 60 Zoom calls and says what was left out; Next page costs no more', async () => {
    busyAccount({ users: fixture.zoom, recordings: fixture.zoom });
    const answer = await driver.command('recordings list --all --from -12m', VIEWER);
    expect(calls).toHaveLength(60);
    expect(textOf(answer)).toContain('Stopped after 60 Zoom calls, the most one command or button may make');
    expect(textOf(answer)).toContain('the recordings of 4 of 50 users');
    expect(textOf(answer)).toContain('--csv');

    calls = [];
    const next = await driver.click('recordings.list.next', buttonOf(answer, 'recordings.list.next').value, VIEWER);
    expect(calls.length).toBeLessThanOrEqual(60);
    expect(textOf(next)).toContain('Stopped after 60 Zoom calls');
  });

  it('answers with a sentence instead of walking on when a list keeps paging (here, Team Chat channels)', async () => {
    fixture.zoom().get('/users/admin%40example.com').reply(200, { id: 'zu-admin', email: 'admin@example.com' });
    let page = 0;
    fixture
      .zoom()
      .get('/chat/users/zu-admin/channels')
      .query(true)
      .reply(() => (calls.push('channels'), [200, { channels: [{ id: `ch${page}`, name: `c${page}`, type: 3 }], next_page_token: ++page < 200 ? `t${page}` : '' }]))
      .persist();
    const answer = await driver.command('chat channels', ADMIN);
    // The user lookup and 59 pages: 60 in all.
    expect(calls).toHaveLength(59);
    expect(answer.body.text).toContain('This needed more than 60 Zoom calls, the most one command or button may make');
  });
});
