// End to end: `/zoom watch|unwatch|watches` and the Slack events that end watches, each change in the audit channel.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WatchStore } from '../../src/slack/watches.js';
import { startTestBot, useBotFixture } from '../helpers/bot.js';
import { slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';
import { postSigned } from '../helpers/slack-requests.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';
import { until } from '../helpers/wait.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const ALERTS = 'CALERTS01';
const SECRET_ROOM = 'GSECRET01';
const AUDIT = 'CAUDIT';
const fixture = useBotFixture({
  name: 'e2e-watch',
  users: [{ id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' }, { id: VIEWER, email: 'v@example.com' }],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER, ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
const store = () => new WatchStore(fixture.bot().bot.services.redis, fixture.bot().bot.services.keyPrefix);
let slack: FakeSlack;
/** The lines posted to the audit channel in this test so far (an admin's write records its line before answering). */
const auditLines = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT).map((c) => c.body.text as string);

beforeEach(async () => {
  slack = fixture.slack();
  slack.channels.set(ALERTS, { name: 'zoom-alerts', is_private: false, is_member: false });
  slack.channels.set('C1', { name: 'general', is_private: false, is_member: true });
  await store().removeAll();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('/zoom watch', () => {
  it('watches a topic in a public channel without joining it, in the admin’s zone', async () => {
    const answer = await driver.command(`watch recordings <#${ALERTS}|zoom-alerts>`, ADMIN);
    expect(answer.body.text).toBe(
      `:eyes: <#${ALERTS}> now gets an alert for *recordings* (\`recording.completed\`, \`recording.transcript_completed\`, \`recording.trashed\`, \`recording.deleted\`, \`recording.recovered\`).`,
    );
    expect(textOf(answer)).toContain('Times are shown in Europe/Berlin.');
    expect(await store().channelsFor('recording.completed')).toEqual([{ channel: ALERTS, zone: 'Europe/Berlin' }]);
    expect(await store().channelsFor('meeting.started')).toEqual([]);
    expect(auditLines()).toEqual([`:white_check_mark: <@${ADMIN}> set up a watch of recordings in <#${ALERTS}>`]);
  });

  it('defaults to the channel the command was typed in, and narrows with --events', async () => {
    const answer = await driver.command('watch meetings --events meeting.started,meeting.ended', ADMIN);
    expect(answer.body.text).toBe(':eyes: <#C1> now gets an alert for *meetings*, only `meeting.started`, `meeting.ended`.');
    expect(await store().channelsFor('meeting.started')).toEqual([{ channel: 'C1', zone: 'Europe/Berlin' }]);
    expect(await store().channelsFor('meeting.created')).toEqual([]);
    expect(auditLines()).toEqual([`:white_check_mark: <@${ADMIN}> set up a watch of meetings in <#C1>, only meeting.started, meeting.ended`]);
  });

  it('refuses events a topic does not relay, and needs --events for the events topic', async () => {
    expect((await driver.command('watch meetings --events user.signed_in', ADMIN)).body.text).toContain('The meetings topic does not relay user.signed_in; it relays meeting.created');
    expect((await driver.command('watch events', ADMIN)).body.text).toContain('Name the Zoom events to relay with --events.');
    const any = await driver.command('watch events --events account.updated', ADMIN);
    expect(any.body.text).toBe(':eyes: <#C1> now gets an alert for the Zoom events `account.updated`.');
    // The two refusals changed nothing and left no line; the watch that was set up did.
    expect(auditLines()).toEqual([`:white_check_mark: <@${ADMIN}> set up a watch of the Zoom events account.updated in <#C1>`]);
  });

  it('records a watch Redis did not take as failed, with why', async () => {
    vi.spyOn(WatchStore.prototype, 'add').mockRejectedValueOnce(new Error('Redis is unreachable'));
    await driver.command(`watch phone <#${ALERTS}>`, ADMIN);
    expect(auditLines()).toEqual([`:x: <@${ADMIN}> set up a watch of phone in <#${ALERTS}> — Redis is unreachable`]);
  });

  it('names the topics when one is mistyped', async () => {
    const answer = await driver.command('watch meetngs', ADMIN);
    expect(answer.body.text).toContain('"meetngs" is not a valid <topic>: choose meetings, webinars, registrations');
    expect(answer.body.text).toContain('Did you mean meetings?');
  });

  it('asks to invite the bot to a private channel it is not in', async () => {
    const hidden = await driver.command(`watch phone <#${SECRET_ROOM}>`, ADMIN);
    expect(hidden.body.text).toContain(`ZoomOps cannot see that channel; if it is private, invite ZoomOps to <#${SECRET_ROOM}> first (\`/invite @ZoomOps\` in that channel)`);
    slack.channels.set(SECRET_ROOM, { is_private: true, is_member: false });
    const seen = await driver.command(`watch phone <#${SECRET_ROOM}>`, ADMIN);
    expect(seen.body.text).toContain(`<#${SECRET_ROOM}> is private and ZoomOps is not in it: invite ZoomOps to <#${SECRET_ROOM}> first`);
    expect(await store().channels()).toEqual([]);
  });

  it('is for admins only', async () => {
    const answer = await driver.command('watch meetings', VIEWER);
    expect(answer.body.text).toContain('You are not allowed to run `/zoom watch`');
  });
});

describe('join links in a watching channel', () => {
  const JOIN = 'https://example.zoom.us/j/81234567890?pwd=SeCrEtPaSsCoDe.1&from=addon';
  let sent = 0;
  // Each test's event is a new meeting (its own UUID), not a redelivery the webhook ingress would drop.
  const scheduled = () => zoomEvent('meeting.created', (e) => {
    e.payload.object.join_url = JOIN;
    e.payload.object.uuid = `passcode-test-${Date.now()}-${++sent}`;
  });
  const alertIn = (channel: string) =>
    slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === channel && textOf(c).includes('Meeting scheduled'), 10_000);

  it('are posted without the passcode, so a channel never carries it', async () => {
    await driver.command(`watch meetings <#${ALERTS}>`, ADMIN);
    expect((await postWebhook(fixture.bot().url, scheduled())).status).toBe(200);
    const alert = await alertIn(ALERTS);
    expect(textOf(alert)).toContain('<https://example.zoom.us/j/81234567890?from=addon|Join link>');
    expect(JSON.stringify(alert.body)).not.toContain('SeCrEtPaSsCoDe');
  });

  it('keep the passcode when the watch asks for it with --with-passcode, and the answer and help say so', async () => {
    const answer = await driver.command(`watch meetings <#${ALERTS}> --with-passcode`, ADMIN);
    expect(textOf(answer)).toContain('Join links keep their passcode');
    expect(await store().ofTopic(ALERTS, 'meetings')).toMatchObject({ withPasscode: true });
    expect(auditLines()).toEqual([`:white_check_mark: <@${ADMIN}> set up a watch of meetings in <#${ALERTS}>, with --with-passcode`]);
    expect((await postWebhook(fixture.bot().url, scheduled())).status).toBe(200);
    const alert = await alertIn(ALERTS);
    expect(textOf(alert)).toContain(`<${JOIN.replace(/&/g, '&amp;')}|Join link>`);

    const help = textOf(await driver.command('help watch', VIEWER));
    expect(help).toContain('--with-passcode');
    expect(help).toContain('Join links are posted without their passcode (pwd=)');
  });
});

describe('/zoom unwatch and /zoom watches', () => {
  it('lists, then removes one topic while another keeps the shared channel', async () => {
    await driver.command(`watch meetings <#${ALERTS}>`, ADMIN);
    await driver.command(`watch events <#${ALERTS}> --events meeting.started`, ADMIN);
    const list = await driver.command(`watches <#${ALERTS}>`, VIEWER);
    expect(list.body.text).toBe('2 watches in 1 channel');
    expect(textOf(list)).toContain(`*<#${ALERTS}>*\\n• the Zoom events \`meeting.started\` — by <@${ADMIN}>\\n• *meetings* (`);

    const removed = await driver.command(`unwatch meetings <#${ALERTS}>`, ADMIN);
    expect(removed.body.text).toContain(`<#${ALERTS}> no longer gets alerts for *meetings*`);
    // meeting.started is still watched through the events topic; meeting.ended no longer is.
    expect(await store().channelsFor('meeting.started')).toEqual([{ channel: ALERTS, zone: 'Europe/Berlin' }]);
    expect(await store().channelsFor('meeting.ended')).toEqual([]);
    expect((await driver.command(`unwatch meetings <#${ALERTS}>`, ADMIN)).body.text).toContain(`<#${ALERTS}> does not watch meetings.`);
    // The second unwatch removed nothing: no line for it.
    expect(auditLines()).toEqual([
      `:white_check_mark: <@${ADMIN}> set up a watch of meetings in <#${ALERTS}>`,
      `:white_check_mark: <@${ADMIN}> set up a watch of the Zoom events meeting.started in <#${ALERTS}>`,
      `:white_check_mark: <@${ADMIN}> removed the watch of meetings in <#${ALERTS}>`,
    ]);
  });

  it('says how to start when nothing is watched; --all lists every channel', async () => {
    expect((await driver.command('watches', VIEWER)).body.text).toBe('No watches here. Start one with `/zoom watch meetings #channel`.');
    await driver.command(`watch phone <#${ALERTS}>`, ADMIN);
    await driver.command('watch meetings', ADMIN);
    expect((await driver.command('watches --all', VIEWER)).body.text).toBe('2 watches in 2 channels');
  });
});

describe('Slack events', () => {
  const sendEvent = (event: Record<string, unknown>) =>
    postSigned(
      `${fixture.bot().url}/slack/events`,
      JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: `Ev${Math.random()}`, event_time: 1, event }),
      'application/json',
    );
  const settle = (check: () => Promise<boolean>) => until('the watches to change', check);

  it('removes the watches of an archived or deleted channel, and every watch when the app is uninstalled', async () => {
    await driver.command(`watch meetings <#${ALERTS}>`, ADMIN);
    await driver.command('watch phone', ADMIN);
    expect((await sendEvent({ type: 'channel_archive', channel: ALERTS, user: ADMIN })).status).toBe(200);
    await settle(async () => (await store().channels()).length === 1);
    expect(await store().channels()).toEqual(['C1']);
    expect(await store().channelsFor('meeting.started')).toEqual([]);
    // Nobody ran a command for this: the line is ZoomOps's own.
    const removed = await slack.waitFor((c) => c.body.channel === AUDIT && String(c.body.text).includes('removed'));
    expect(removed.body.text).toBe(`:white_check_mark: ZoomOps removed the watches of <#${ALERTS}> (meetings): the channel is archived`);

    await driver.command(`watch meetings <#${ALERTS}>`, ADMIN);
    await sendEvent({ type: 'app_uninstalled' });
    await settle(async () => (await store().channels()).length === 0);
    expect(await store().channels()).toEqual([]);
  });

  it('removes the watches of a deleted channel, and says why in the audit channel', async () => {
    await driver.command(`watch meetings <#${ALERTS}>`, ADMIN);
    await driver.command('watch phone', ADMIN);
    expect(await store().channels()).toEqual(expect.arrayContaining([ALERTS, 'C1']));

    expect((await sendEvent({ type: 'channel_deleted', channel: ALERTS })).status).toBe(200);

    await settle(async () => (await store().channels()).length === 1);
    expect(await store().channels()).toEqual(['C1']);
    expect(await store().channelsFor('meeting.started')).toEqual([]);
    const removed = await slack.waitFor((c) => c.body.channel === AUDIT && String(c.body.text).includes('removed'));
    expect(removed.body.text).toBe(`:white_check_mark: ZoomOps removed the watches of <#${ALERTS}> (meetings): the channel was deleted`);
  });

  it('removes the watches of a private channel that is archived', async () => {
    slack.channels.set(SECRET_ROOM, { is_private: true, is_member: true });
    await driver.command(`watch phone <#${SECRET_ROOM}>`, ADMIN);
    await sendEvent({ type: 'group_archive', channel: SECRET_ROOM });
    await settle(async () => (await store().channels()).length === 0);
    expect(await store().channels()).toEqual([]);
  });

  it('removes the watches of a channel an alert finds gone, and says so in the audit channel as ZoomOps', async () => {
    await driver.command(`watch meetings <#${ALERTS}>`, ADMIN);
    await driver.command(`watch events <#${ALERTS}> --events meeting.started`, ADMIN);
    slack.failures.push({ method: 'chat.postMessage', status: 200, body: { ok: false, error: 'channel_not_found' }, match: (c) => c.body.channel === ALERTS });

    await postWebhook(fixture.bot().url, zoomEvent('meeting.started'));

    const removed = await slack.waitFor((c) => c.body.channel === AUDIT && String(c.body.text).includes('removed'), 10_000);
    expect(removed.body.text).toBe(`:white_check_mark: ZoomOps removed the watches of <#${ALERTS}> (events, meetings): Slack no longer finds the channel`);
    expect(await store().channels()).toEqual([]);
  });
});

it('says that events are not configured, and how, when neither webhooks nor the WebSocket are set up', async () => {
  const bot = await startTestBot({ slackApiUrl: fixture.slack().apiUrl, redis: fixture.bot().bot.services.redis, keyPrefix: fixture.bot().bot.services.keyPrefix, env: { ZOOMOPS_ADMINS: ADMIN } });
  try {
    const local = slackDriver(() => bot.url, () => fixture.slack());
    const answer = await local.command('watch meetings', ADMIN);
    expect(answer.body.text).toContain('Zoom events are not configured, so nothing would arrive. Set ZOOM_WEBHOOK_SECRET_TOKEN');
    expect(answer.body.text).toContain('or ZOOM_WS_SUBSCRIPTION_ID (WebSocket, no inbound port)');
  } finally {
    await bot.stop();
  }
});
