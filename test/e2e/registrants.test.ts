// End to end: registrants of meetings and webinars — the card with Approve/Deny, the buttons rewriting it,
// emails resolved to registrant IDs, confirmations where docs/command-grammar.md asks for them.
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { unusedZoomMocks, useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';
import { buttonClick, interactionBody, postSigned } from '../helpers/slack-requests.js';
import { until } from '../helpers/wait.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';

const jane = { id: 'reg-jane', email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe', status: 'pending', create_time: '2026-11-28T09:00:00Z' };
const omar = { id: 'reg-omar', email: 'omar@example.com', first_name: 'Omar', status: 'pending' };
const lee = { id: 'reg-lee', email: 'lee@example.com', first_name: 'Lee', status: 'approved' };

const fixture = useBotFixture({
  name: 'e2e-registrants',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
let slack: FakeSlack;
let zoom: nock.Scope;

beforeEach(() => {
  slack = fixture.slack();
  zoom = fixture.zoom();
});

/** Zoom's registrant lists, one status per call, as the card and the status changes read them. */
function registrantLists(kind: 'meetings' | 'webinars', lists: { pending: object[]; approved: object[]; denied: object[] }) {
  for (const [status, items] of Object.entries(lists)) {
    zoom
      .get(`/${kind}/81234567890/registrants`)
      .query((q) => q.status === status)
      .reply(200, { total_records: items.length, next_page_token: '', registrants: items })
      .persist();
  }
}

/** The session the card names in its header (one GET per card drawn). */
function sessionTopic(kind: 'meetings' | 'webinars', topic: string) {
  return zoom.get(`/${kind}/81234567890`).reply(200, { id: 81234567890, topic }).persist();
}

describe('registrants card', () => {
  it('shows counts per status and the pending ones with Approve and Deny; a click approves and rewrites the card', async () => {
    registrantLists('meetings', { pending: [jane, omar], approved: [lee], denied: [] });
    sessionTopic('meetings', 'Quarterly review');

    const card = await driver.command('meeting registrants 812 3456 7890', VIEWER);
    expect(textOf(card)).toContain('Meeting \\"Quarterly review\\" (812 3456 7890): pending registrants');
    expect(textOf(card)).toContain('2 pending, 1 approved, 0 denied');
    expect(textOf(card)).toContain('jane@example.com');
    expect(buttonOf(card, 'registrant.approve_all').text.text).toBe('Approve all pending (2)');
    expect(textOf(card)).not.toContain('Showing');

    const approved = fixture.zoom()
      .put('/meetings/81234567890/registrants/status', { action: 'approve', registrants: [{ id: 'reg-jane', email: 'jane@example.com' }] })
      .reply(204);
    const after = await driver.click('registrant.approve', buttonOf(card, 'registrant.approve', 0).value, ADMIN);

    expect(approved.isDone()).toBe(true);
    expect(after.body.replace_original).toBe(true);
    expect(textOf(after)).toMatch(/Approved 1: jane@example.com by <@UADMIN> at \d\d:\d\d CET/);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT && String(c.body.text).includes('Approve 1 registrant(s) of meeting 812 3456 7890: 1 changed'));
  });

  it('answers a click on someone already handled without sending anything to Zoom', async () => {
    registrantLists('meetings', { pending: [omar], approved: [lee, { ...jane, status: 'approved' }], denied: [] });
    sessionTopic('meetings', 'Quarterly review');
    const put = fixture.trap().put('/meetings/81234567890/registrants/status').reply(204);
    const value = JSON.stringify({ k: 'meeting', s: '81234567890', r: 'reg-jane', e: 'jane@example.com' });

    const after = await driver.click('registrant.approve', value, ADMIN);

    expect(textOf(after)).toContain('jane@example.com is already approved; nothing changed.');
    expect(put.isDone()).toBe(false);
  });

  it('refuses a viewer’s click', async () => {
    const put = fixture.trap().put('/meetings/81234567890/registrants/status').reply(204);
    const value = JSON.stringify({ k: 'meeting', s: '81234567890', r: 'reg-jane' });
    const answer = await driver.click('registrant.deny', value, VIEWER);
    expect(answer.body.text).toContain('not allowed');
    expect(put.isDone()).toBe(false);
  });

  it('asks before "Approve all pending" changes more than 50, and the card loses its stale buttons once the job starts', async () => {
    const pending = Array.from({ length: 51 }, (_, i) => ({ id: `r${i}`, email: `p${i}@example.com`, first_name: 'P', status: 'pending' }));
    registrantLists('meetings', { pending, approved: [], denied: [] });
    sessionTopic('meetings', 'Quarterly review');
    const put = fixture.zoom().put('/meetings/81234567890/registrants/status').times(2).reply(204);
    const card = await driver.command('meeting registrants 81234567890', ADMIN);

    const prompt = await driver.click('registrant.approve_all', buttonOf(card, 'registrant.approve_all').value, ADMIN);
    expect(prompt.body.text).toContain('Approve all 51 pending registrants of meeting 812 3456 7890?');
    expect(put.isDone()).toBe(false);
    const typed = await driver.command('meeting approve 81234567890 --all-pending', ADMIN);
    expect(typed.body.text).toContain('Approve all 51 pending registrants');
    expect(put.isDone()).toBe(false);

    const started = await driver.click('registrant.confirm', buttonOf(prompt, 'registrant.confirm').value, ADMIN);
    expect(started.body.replace_original).toBe(true);
    expect(started.body.text).toMatch(/Started job `reg-[0-9a-f]{12}`/);
    expect(JSON.stringify(started.body.blocks ?? [])).not.toContain('registrant.approve');
    await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('finished'));
  });

  it('redraws the card from Zoom when the "Approve all pending" job ends, with what it did and without the stale buttons', async () => {
    let approved = false;
    for (const status of ['approved', 'denied']) {
      zoom.get('/meetings/81234567890/registrants').query((q) => q.status === status)
        .reply(200, () => ({ total_records: status === 'approved' && approved ? 2 : 0, next_page_token: '', registrants: status === 'approved' && approved ? [jane, omar] : [] })).persist();
    }
    zoom.get('/meetings/81234567890/registrants').query((q) => q.status === 'pending')
      .reply(200, () => ({ total_records: approved ? 0 : 2, next_page_token: '', registrants: approved ? [] : [jane, omar] })).persist();
    sessionTopic('meetings', 'Quarterly review');
    const put = fixture.zoom()
      .put('/meetings/81234567890/registrants/status', { action: 'approve', registrants: [{ id: 'reg-jane', email: 'jane@example.com' }, { id: 'reg-omar', email: 'omar@example.com' }] })
      .reply(204, () => {
        approved = true;
        return '';
      });
    const card = await driver.command('meeting registrants 81234567890', ADMIN);

    const started = await driver.click('registrant.approve_all', buttonOf(card, 'registrant.approve_all').value, ADMIN);
    expect(started.body.text).toMatch(/Started job `reg-[0-9a-f]{12}`/);
    const redrawn = await slack.waitFor((c) => c.method === started.method && c !== started, 15_000);

    expect(put.isDone()).toBe(true);
    expect(redrawn.body.replace_original).toBe(true);
    expect(textOf(redrawn)).toMatch(/Job `reg-[0-9a-f]{12}` finished: 2 approved \(by <@UADMIN>\)/);
    expect(textOf(redrawn)).toContain('Meeting \\"Quarterly review\\" (812 3456 7890): pending registrants');
    expect(textOf(redrawn)).toContain('0 pending, 2 approved, 0 denied');
    expect(textOf(redrawn)).not.toContain('registrant.approve');
  });

  it('pages through 350 pending registrants with Next page', async () => {
    const pending = Array.from({ length: 350 }, (_, i) => ({ id: `r${i}`, email: `p${i}@example.com`, first_name: 'P', status: 'pending' }));
    for (const status of ['approved', 'denied']) {
      zoom.get('/meetings/81234567890/registrants').query((q) => q.status === status).reply(200, { total_records: 0, next_page_token: '', registrants: [] }).persist();
    }
    zoom.get('/meetings/81234567890/registrants').query((q) => q.status === 'pending' && !q.next_page_token)
      .reply(200, { total_records: 350, next_page_token: 'page-2', registrants: pending.slice(0, 20) }).persist();
    zoom.get('/meetings/81234567890/registrants').query((q) => q.status === 'pending' && q.next_page_token === 'page-2')
      .reply(200, { total_records: 350, next_page_token: 'page-3', registrants: pending.slice(20, 40) });

    sessionTopic('meetings', 'Quarterly review');
    const card = await driver.command('meeting registrants 81234567890', ADMIN);
    expect(textOf(card)).toContain('Showing 1–20 of 350 pending registrants.');

    const next = await driver.click('registrant.next', buttonOf(card, 'registrant.next').value, ADMIN);
    expect(next.body.replace_original).toBe(true);
    expect(textOf(next)).toContain('p20@example.com');
    expect(textOf(next)).not.toContain('p19@example.com');
    expect(textOf(next)).toContain('Showing 21–40 of 350 pending registrants.');
    expect(JSON.parse(buttonOf(next, 'registrant.next').value)).toMatchObject({ t: 'page-3', o: 40 });
  });

  it('marks a denial as a denial, not with a green check', async () => {
    registrantLists('meetings', { pending: [jane], approved: [], denied: [] });
    sessionTopic('meetings', 'Quarterly review');
    fixture.zoom().put('/meetings/81234567890/registrants/status').reply(204);
    const value = JSON.stringify({ k: 'meeting', s: '81234567890', r: 'reg-jane', e: 'jane@example.com' });
    const after = await driver.click('registrant.deny', value, ADMIN);
    expect(textOf(after)).toMatch(/:no_entry_sign: Denied 1: jane@example.com by <@UADMIN>/);
    expect(textOf(after)).not.toContain(':white_check_mark: Denied');
  });
});

describe('approve, deny and cancel by email', () => {
  it('resolves emails to IDs for a webinar, and names an email that is not registered', async () => {
    registrantLists('webinars', { pending: [jane, omar], approved: [lee], denied: [] });
    const put = fixture.zoom()
      .put('/webinars/81234567890/registrants/status', {
        action: 'approve',
        registrants: [
          { id: 'reg-jane', email: 'jane@example.com' },
          { id: 'reg-omar', email: 'omar@example.com' },
        ],
      })
      .reply(204);

    const answer = await driver.command(
      'webinar approve 81234567890 <mailto:JANE@example.com|JANE@example.com> reg-omar lee@example.com ghost@example.com',
      ADMIN,
    );

    expect(put.isDone()).toBe(true);
    expect(answer.body.text).toContain('Approved 2: jane@example.com, omar@example.com');
    expect(answer.body.text).toContain('lee@example.com is already approved; nothing changed.');
    expect(answer.body.text).toContain('Not registered: ghost@example.com');
  });

  it('asks before denying every pending registrant, and denies them in batches of 30 on the button', async () => {
    const pending = Array.from({ length: 31 }, (_, i) => ({ id: `r${i}`, email: `p${i}@example.com`, first_name: 'P', status: 'pending' }));
    registrantLists('meetings', { pending, approved: [], denied: [] });
    sessionTopic('meetings', 'Quarterly review');
    const card = await driver.command('meeting registrants 81234567890', ADMIN);
    expect(textOf(card)).toContain('Showing 1–20 of 31 pending registrants.');
    const prompt = await driver.command('meeting deny 81234567890 --all-pending', ADMIN);
    expect(prompt.body.text).toContain('Deny every pending registrant');

    const first = fixture.zoom()
      .put('/meetings/81234567890/registrants/status', (b) => b.action === 'deny' && b.registrants.length === 30)
      .reply(204);
    const second = fixture.zoom()
      .put('/meetings/81234567890/registrants/status', (b) => b.action === 'deny' && b.registrants.length === 1 && b.registrants[0].id === 'r30')
      .reply(204);
    const result = await driver.click('registrant.confirm', buttonOf(prompt, 'registrant.confirm').value, ADMIN);

    // Every pending registrant is bulk work: a job, its ID at once, progress and the summary in the DM.
    const jobId = /job `(reg-[0-9a-f]{12})`/.exec(result.body.text)?.[1];
    expect(jobId).toBeDefined();
    const summary = await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('finished'));
    expect(first.isDone() && second.isDone()).toBe(true);
    expect(JSON.stringify(summary.body.blocks)).toContain('Finished: 31 of 31 done.');
    expect(JSON.stringify(summary.body.blocks)).toContain(`job \`${jobId}\``);
  });

  it('asks before cancelling 80 registrations: the prompt fits Slack, and the confirmed request goes to a job', async () => {
    const emails = Array.from({ length: 80 }, (_, i) => `attendee-number-${i}@example.com`);
    const prompt = await driver.command(`meeting cancel-registration 81234567890 ${emails.join(' ')}`, ADMIN);
    const value = buttonOf(prompt, 'registrant.confirm').value;
    expect(value.length).toBeLessThan(2_000);
    registrantLists('meetings', { pending: [], approved: [], denied: [] });

    const result = await driver.click('registrant.confirm', value, ADMIN);

    expect(result.body.text).toMatch(/Started job `reg-[0-9a-f]{12}`: Cancel the registration of 80 registrant\(s\) of meeting 812 3456 7890/);
    // The job runs on: it has looked the registrants up before the test lets Zoom go.
    await until('the job to look the registrants up', () => unusedZoomMocks().length === 0);
  });

  it('reports a registrant Zoom refused, with Zoom’s reason', async () => {
    registrantLists('meetings', { pending: [jane], approved: [], denied: [] });
    fixture.zoom()
      .put('/meetings/81234567890/registrants/status')
      .reply(429, { code: 429, message: 'You have exceeded the daily rate limit of (10) for Update registrant status API requests for the registrant' });

    const answer = await driver.command('meeting approve 81234567890 jane@example.com', ADMIN);

    expect(answer.body.text).toContain(':x: jane@example.com: You have exceeded the daily rate limit of (10)');
  });

  it('registers someone and gives the join link', async () => {
    const add = fixture.zoom()
      .post('/meetings/81234567890/registrants', { email: 'new@example.com', first_name: 'new' })
      .reply(201, { id: 81234567890, registrant_id: 'reg-new', join_url: 'https://zoom.us/w/81234567890?tk=abc' });
    const answer = await driver.command('meeting register 81234567890 new@example.com', ADMIN);
    expect(add.isDone()).toBe(true);
    expect(answer.body.text).toContain('Join link: <https://zoom.us/w/81234567890?tk=abc|');
  });
});

describe('Approve and Deny on a registration alert in a channel', () => {
  const alert = {
    ts: '1700000000.000100',
    blocks: [
      { type: 'section', block_id: 'what', text: { type: 'mrkdwn', text: '*Jane Doe* registered for *Town hall* and waits for approval' } },
      {
        type: 'actions',
        block_id: 'decide',
        elements: [
          { type: 'button', action_id: 'registrant.approve', text: { type: 'plain_text', text: 'Approve' }, value: JSON.stringify({ k: 'webinar', s: '81234567890', r: 'reg-jane', e: 'jane@example.com' }) },
          { type: 'button', action_id: 'registrant.deny', text: { type: 'plain_text', text: 'Deny' }, value: JSON.stringify({ k: 'webinar', s: '81234567890', r: 'reg-jane', e: 'jane@example.com' }) },
        ],
      },
    ],
  };
  const click = (actionId: string, user: string) =>
    postSigned(
      `${fixture.bot().url}/slack/events`,
      interactionBody(buttonClick({ userId: user, actionId, value: alert.blocks[1]!.elements![1]!.value, responseUrl: slack.responseUrl(`alert-${actionId}`), channelId: 'CALERTS', message: alert })),
      'application/x-www-form-urlencoded',
    );

  it('denies in Zoom, then rewrites the alert for the whole channel: buttons gone, who did it and when', async () => {
    registrantLists('webinars', { pending: [jane], approved: [], denied: [] });
    const put = fixture.zoom()
      .put('/webinars/81234567890/registrants/status', { action: 'deny', registrants: [{ id: 'reg-jane', email: 'jane@example.com' }] })
      .reply(204);

    expect((await click('registrant.deny', ADMIN)).status).toBe(200);
    const update = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'CALERTS');

    expect(put.isDone()).toBe(true);
    expect(update.body.ts).toBe(alert.ts);
    const blocks = update.body.blocks as Array<{ type: string; elements?: Array<{ text?: string }> }>;
    expect(blocks[0]).toEqual(alert.blocks[0]);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(blocks.at(-1))).toMatch(/Denied 1: jane@example.com by <@UADMIN> at \d\d:\d\d CET/);
  });

  it('a second click, after someone handled the registrant, changes nothing in Zoom and says so on the alert', async () => {
    registrantLists('webinars', { pending: [], approved: [], denied: [{ ...jane, status: 'denied' }] });
    const put = fixture.trap().put('/webinars/81234567890/registrants/status').reply(204);

    await click('registrant.deny', ADMIN);
    const update = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'CALERTS');

    expect(put.isDone()).toBe(false);
    expect(JSON.stringify(update.body.blocks)).toContain('jane@example.com is already denied; nothing changed.');
  });

  it('a non-admin’s click is refused and the alert stays as it was', async () => {
    const put = fixture.trap().put('/webinars/81234567890/registrants/status').reply(204);
    await click('registrant.approve', VIEWER);
    const answer = await slack.response('alert-registrant.approve');
    expect(answer.body.text).toContain('not allowed');
    expect(put.isDone()).toBe(false);
    expect(slack.calls.some((c) => c.method === 'chat.update')).toBe(false);
  });
});
