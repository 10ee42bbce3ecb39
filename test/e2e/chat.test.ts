// End to end: `/zoom chat channels` and `/zoom chat send` — sent as the resolved Zoom user, the message verbatim,
// an exact name winning, several matches asking which with a button each, the Zoom message ID in the answer, audited.
import type nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';

const ADMIN = 'UADMIN';
const OTHER_ADMIN = 'UADMIN2';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';

const fixture = useBotFixture({
  name: 'e2e-chat',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: OTHER_ADMIN, email: 'admin2@example.com' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: `${ADMIN},${OTHER_ADMIN}`, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
let slack: FakeSlack;
let zoom: nock.Scope;

const CHANNELS = [
  { id: 'ch-eng', name: 'eng', type: 3 },
  { id: 'ch-eng-alerts', name: 'eng-alerts', type: 3 },
  { id: 'ch-eng-ops', name: 'Eng-Ops', type: 1 },
  { id: 'ch-sales', name: 'sales', type: 3 },
];

beforeEach(() => {
  slack = fixture.slack();
  zoom = fixture.zoom();
});

/** The admin's Zoom user and their channels, over two pages. */
function adminWithChannels() {
  zoom.get('/users/admin%40example.com').reply(200, { id: 'zoom-admin', email: 'admin@example.com' });
  zoom.get('/chat/users/zoom-admin/channels').query({ page_size: '1000' }).reply(200, { next_page_token: 'n2', channels: CHANNELS.slice(0, 2) });
  zoom.get('/chat/users/zoom-admin/channels').query({ page_size: '1000', next_page_token: 'n2' }).reply(200, { next_page_token: '', channels: CHANNELS.slice(2) });
}

describe('chat send', () => {
  it('sends to the exact name although others contain it, verbatim, and answers with the message ID', async () => {
    adminWithChannels();
    const sent = zoom
      .post('/chat/users/zoom-admin/messages', { message: 'Deploy at 17:00 — don\'t "merge" <now> & wait', to_channel: 'ch-eng' })
      .reply(201, { id: '8cfaf567-bf5a-4acc-b4f2-88b3d371aca5' });

    // Slack sends &, < and > as entities; the parser unwraps them, and the message's own quotes stay.
    const answer = await driver.command('chat send eng Deploy at 17:00 — don\'t "merge" &lt;now&gt; &amp; wait', ADMIN);

    expect(sent.isDone()).toBe(true);
    expect(answer.body.text).toBe(':white_check_mark: Sent as admin@example.com to #eng. Zoom message ID: `8cfaf567-bf5a-4acc-b4f2-88b3d371aca5`');
    const audit = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT);
    expect(String(audit.body.text)).toContain('sent a Team Chat message as admin@example.com to #eng');
  });

  it('asks which channel when several match and none exactly, and sends to the one clicked', async () => {
    adminWithChannels();
    const question = await driver.command('chat send eng- "hello, team"', ADMIN);

    expect(question.body.text).toContain('Several Team Chat channels match “eng-”');
    expect(buttonOf(question, 'chat.send.pick', 0).text.text).toBe('Send to eng-alerts');
    expect(buttonOf(question, 'chat.send.pick', 1).text.text).toBe('Send to Eng-Ops');
    expect(() => buttonOf(question, 'chat.send.pick', 2)).toThrow();
    expect(textOf(question)).toContain('*Eng-Ops* · private · `ch-eng-ops`');
    // Slack refuses a message (invalid_blocks) whose block repeats an action_id.
    for (const block of question.body.blocks) {
      const ids = [block.accessory, ...(block.elements ?? [])].filter(Boolean).map((el: { action_id?: string }) => el.action_id).filter(Boolean);
      expect(new Set(ids).size).toBe(ids.length);
    }

    const sent = fixture.zoom().post('/chat/users/zoom-admin/messages', { message: 'hello, team', to_channel: 'ch-eng-ops' }).reply(201, { id: 'msg-2' });
    const answer = await driver.click('chat.send.pick', buttonOf(question, 'chat.send.pick', 1).value, ADMIN);

    expect(sent.isDone()).toBe(true);
    expect(answer.body.replace_original).toBe(true);
    expect(answer.body.text).toContain('Sent as admin@example.com to #Eng-Ops. Zoom message ID: `msg-2`');
  });

  it('sends at most once however often the picks are clicked', async () => {
    adminWithChannels();
    const question = await driver.command('chat send eng- "deploy done"', ADMIN);
    const first = buttonOf(question, 'chat.send.pick', 0).value;
    const second = buttonOf(question, 'chat.send.pick', 1).value;
    // One send is answered; a click beyond the first that reached Zoom would spring the trap.
    fixture.zoom().post('/chat/users/zoom-admin/messages').reply(201, { id: 'msg-once' });
    const more = fixture.trap().post('/chat/users/zoom-admin/messages').times(2).reply(201, { id: 'msg-again' });

    const answer = await driver.click('chat.send.pick', first, ADMIN);
    const again = await driver.click('chat.send.pick', first, ADMIN);
    const other = await driver.click('chat.send.pick', second, ADMIN);

    expect(answer.body.text).toContain('Sent as admin@example.com to #eng-alerts');
    expect(again.body.text).toBe('This confirmation was already used or has expired; nothing was done. Run the command again.');
    expect(other.body.text).toContain('already used or has expired');
    expect(more.isDone()).toBe(false);
  });

  it("refuses another admin's pick and leaves the asker's question working", async () => {
    adminWithChannels();
    const question = await driver.command('chat send eng- hi', ADMIN);
    const value = buttonOf(question, 'chat.send.pick', 1).value;
    const sent = fixture.zoom().post('/chat/users/zoom-admin/messages', { message: 'hi', to_channel: 'ch-eng-ops' }).reply(201, { id: 'msg-3' });

    const theirs = await driver.click('chat.send.pick', value, OTHER_ADMIN);
    expect(theirs.body.text).toBe(`This confirmation belongs to <@${ADMIN}>; nothing was done.`);
    expect(sent.isDone()).toBe(false);

    const mine = await driver.click('chat.send.pick', value, ADMIN);
    expect(mine.body.text).toContain('to #Eng-Ops. Zoom message ID: `msg-3`');
  });

  it('sends --as another user to a contact by email, and passes on Zoom’s refusal', async () => {
    zoom.get('/users/jane%40example.com').reply(200, { id: 'zoom-jane', email: 'jane@example.com' });
    zoom
      .post('/chat/users/zoom-jane/messages', { message: 'hi', to_contact: 'bo@example.com' })
      .reply(400, { code: 5301, message: 'Message sending failed.' }, { 'x-zm-trackingid': 'WEB_x' });

    const answer = await driver.command('chat send --as jane@example.com <mailto:bo@example.com|bo@example.com> hi', ADMIN);

    expect(answer.body.text).toBe('Zoom refused: Message sending failed (code 5301). Zoom tracking ID: WEB_x.');
  });

  it('names the sender and the name when no channel matches, and refuses a message Zoom would refuse', async () => {
    adminWithChannels();
    const none = await driver.command('chat send marketing hello', ADMIN);
    expect(none.body.text).toContain('admin@example.com is in no Team Chat channel named “marketing”');

    const long = await driver.command(`chat send eng ${'x'.repeat(1025)}`, ADMIN);
    expect(long.body.text).toContain('The message has 1025 characters; Zoom takes at most 1024');
  });

  it('needs a message after the channel, and is for admins only', async () => {
    const missing = await driver.command('chat send eng', ADMIN);
    expect(missing.body.text).toContain('needs <message> after <channel>');
    const refused = await driver.command('chat send eng hi', VIEWER);
    expect(refused.body.text).toContain('not allowed');
  });
});

describe('chat channels', () => {
  it("lists the admin's channels matching a filter, with their IDs", async () => {
    adminWithChannels();
    const answer = await driver.command('chat channels ENG', ADMIN);
    const text = textOf(answer);
    expect(answer.body.text).toBe('Team Chat channels of admin@example.com matching “ENG” (3)');
    expect(text).toContain('*eng* · public · `ch-eng`');
    expect(text).toContain('*Eng-Ops* · private · `ch-eng-ops`');
    expect(text).not.toContain('sales');
  });
});
