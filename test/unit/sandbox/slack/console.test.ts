// The Slack console as Slack is to the bot: signed payloads that Bolt's own verifier accepts, Web API answers with
// Slack's shapes and error names, and response_urls applied as Slack applies them.
import { verifySlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { silentLogger } from '../../../../src/log.js';
import { startSlackConsole, type SlackConsole } from '../../../../src/sandbox/slack/index.js';
import { deliveryMetadata, findDelivery, findSharedFile } from '../../../../src/slack/post-once.js';
import { FakeBot } from './fake-bot.js';

const SECRET = 'console-test-secret';
const TOKEN = 'xoxb-console-test';
const ADMIN = 'U0SBADMIN';
const MEMBER = 'U0SBMEMBER';
const GENERAL = 'C0SBGENERAL';

let slack: SlackConsole;
let bot: FakeBot;
let client: WebClient;

beforeAll(async () => {
  bot = new FakeBot();
  await bot.start();
  slack = await startSlackConsole({ port: 0, botToken: TOKEN, signingSecret: SECRET, botUrl: bot.url });
  client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await slack.stop();
  await bot.stop();
});
beforeEach(() => {
  bot.received.length = 0;
  bot.answer = () => ({});
});

const visibleTo = (user: string, channel = GENERAL) => slack.workspace.visible(channel, user);
const lastMessage = (user: string, channel = GENERAL) => visibleTo(user, channel).at(-1)!;

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${slack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('what the console sends the bot', () => {
  it('signs a slash command the way Bolt verifies, with the fields Slack sends', async () => {
    await slack.actions.type(ADMIN, GENERAL, '/zoom meeting list --type live');
    const { headers, body, form } = bot.last();
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    const signed = { 'x-slack-signature': String(headers['x-slack-signature']), 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) };
    expect(() => verifySlackRequest({ signingSecret: SECRET, body, headers: signed })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: 'another-secret', body, headers: signed })).toThrow();
    expect(form).toMatchObject({ command: '/zoom', text: 'meeting list --type live', user_id: ADMIN, channel_id: GENERAL, channel_name: 'general' });
    expect(form.response_url).toMatch(new RegExp(`^${slack.url}/response/`));
    expect(form.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    // The typed command is shown to its author only.
    expect(lastMessage(ADMIN).text).toBe('/zoom meeting list --type live');
    expect(visibleTo(MEMBER).some((m) => m.text.includes('meeting list'))).toBe(false);
  });

  it('escapes the command text as Slack does with should_escape: entities, #channel and @handle as mentions', async () => {
    await slack.actions.type(ADMIN, GENERAL, '/zoom watch recordings #zoom-alerts --events a&b <x> @morgan.member #nowhere');
    expect(bot.last().form.text).toBe('watch recordings <#C0SBALERTS|zoom-alerts> --events a&amp;b &lt;x&gt; <@U0SBMEMBER|morgan.member> #nowhere');
  });

  it('says "failed with the error" as Slack does when the bot refuses, and never sends another command', async () => {
    bot.answer = () => ({ status: 401 });
    await slack.actions.type(ADMIN, GENERAL, '/zoom help');
    expect(lastMessage(ADMIN)).toMatchObject({ user: 'USLACKBOT', text: '/zoom failed with the error "dispatch_failed".', visibleTo: ADMIN });
    bot.received.length = 0;
    await slack.actions.type(ADMIN, GENERAL, '/weather');
    expect(bot.received).toHaveLength(0);
    expect(lastMessage(ADMIN).text).toContain('`/weather` is not a valid command');
  });

  it('sends a signed block_actions payload for a button, bound to its message', async () => {
    const posted = await client.chat.postMessage({
      channel: GENERAL,
      text: 'card',
      blocks: [{ type: 'actions', block_id: 'b1', elements: [{ type: 'button', action_id: 'go', value: 'v1', text: { type: 'plain_text', text: 'Go' } }] }],
    });
    await slack.actions.act(ADMIN, { channel: GENERAL, ts: posted.ts!, blockId: 'b1', action: { type: 'button', action_id: 'go', value: 'v1' } });
    const { payload, body, headers } = bot.last();
    verifySlackRequest({ signingSecret: SECRET, body, headers: { 'x-slack-signature': String(headers['x-slack-signature']), 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) } });
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: ADMIN },
      channel: { id: GENERAL },
      container: { type: 'message', message_ts: posted.ts, channel_id: GENERAL, is_ephemeral: false },
      message: { ts: posted.ts, text: 'card' },
      actions: [{ type: 'button', action_id: 'go', value: 'v1', block_id: 'b1' }],
    });
  });
});

describe('Web API methods', () => {
  it('answers auth.test and users.info with the email, time zone and admin flag the bot reads', async () => {
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'U0SBZOOMOPS', team_id: 'T0SANDBOX' });
    const { user } = await client.users.info({ user: ADMIN });
    expect(user).toMatchObject({ id: ADMIN, is_admin: true, profile: { email: 'admin@sandbox.zoomops.test' } });
    expect(typeof user?.tz).toBe('string');
    expect((await client.users.info({ user: MEMBER })).user).toMatchObject({ is_admin: false, profile: { email: 'member@sandbox.zoomops.test' } });
    await expect(client.users.info({ user: 'UNOBODY' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
  });

  it("lists every bot scope of manifest.yml (the optional ones too) in x-oauth-scopes, as Slack does on each answer", async () => {
    const manifest = readFileSync(new URL('../../../../manifest.yml', import.meta.url), 'utf8');
    const block = /\n {4}bot:\n((?: {6}(?:- .+|#.*)\n)+)/.exec(manifest)![1]!;
    const wanted = [...block.matchAll(/^ {6}- (\S+)$/gm)].map((m) => m[1]!);
    expect(wanted).toContain('channels:history');
    const answer = await client.auth.test();
    expect([...(answer.response_metadata?.scopes ?? [])].sort()).toEqual(wanted.sort());
  });

  it('finds a post by its delivery metadata or its file in history and threads, as the bot does after a crash', async () => {
    const since = Date.now();
    const top = await client.chat.postMessage({ channel: GENERAL, text: 'alert', metadata: deliveryMetadata('relay:event-1') });
    const reply = await client.chat.postMessage({ channel: GENERAL, text: 'follow-up', thread_ts: top.ts!, metadata: deliveryMetadata('relay:event-2') });

    expect(await findDelivery(client, silentLogger, { channel: GENERAL, deliveryKey: 'relay:event-1', since })).toEqual({ channel: GENERAL, ts: top.ts });
    expect(await findDelivery(client, silentLogger, { channel: GENERAL, deliveryKey: 'relay:event-2', since, threadTs: top.ts! })).toEqual({ channel: GENERAL, ts: reply.ts });
    expect(await findDelivery(client, silentLogger, { channel: GENERAL, deliveryKey: 'relay:never-posted', since })).toBeUndefined();
    // Before `since` (less the minute of clock skew allowed) nothing is looked at.
    expect(await findDelivery(client, silentLogger, { channel: GENERAL, deliveryKey: 'relay:event-1', since: since + 3_600_000 })).toBeUndefined();
    await expect(client.conversations.history({ channel: 'C0NOPE' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });

    const upload = await client.files.getUploadURLExternal({ filename: 'a.csv', length: 1 });
    await fetch(upload.upload_url!, { method: 'POST', body: 'x' });
    await client.files.completeUploadExternal({ files: [{ id: upload.file_id! }], channel_id: GENERAL });
    expect(await findSharedFile(client, silentLogger, { channel: GENERAL, fileId: upload.file_id!, since })).toMatch(/^\d+\.\d{6}$/);
  });

  it('refuses a wrong token with invalid_auth', async () => {
    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('posts by channel name or to a person’s DM, updates and deletes, and names a missing channel', async () => {
    const alert = await client.chat.postMessage({ channel: '#zoom-alerts', text: 'Recording completed' });
    expect(alert.channel).toBe('C0SBALERTS');
    await client.chat.update({ channel: 'C0SBALERTS', ts: alert.ts!, text: 'Recording downloaded' });
    expect(lastMessage(MEMBER, 'C0SBALERTS')).toMatchObject({ text: 'Recording downloaded', edited: true });
    await client.chat.delete({ channel: 'C0SBALERTS', ts: alert.ts! });
    expect(visibleTo(MEMBER, 'C0SBALERTS').some((m) => m.ts === alert.ts)).toBe(false);

    const dm = await client.conversations.open({ users: ADMIN });
    const sent = await client.chat.postMessage({ channel: ADMIN, text: 'Your export' });
    expect(sent.channel).toBe(dm.channel?.id);

    const eph = await client.chat.postEphemeral({ channel: GENERAL, user: MEMBER, text: 'just you' });
    expect(visibleTo(MEMBER).some((m) => m.ts === eph.message_ts)).toBe(true);
    expect(visibleTo(ADMIN).some((m) => m.ts === eph.message_ts)).toBe(false);

    await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('knows channels, members, joins and user groups', async () => {
    expect((await client.conversations.info({ channel: 'C0SBALERTS' })).channel).toMatchObject({ name: 'zoom-alerts', is_member: false });
    await client.conversations.join({ channel: 'C0SBALERTS' });
    expect((await client.conversations.info({ channel: 'C0SBALERTS' })).channel).toMatchObject({ is_member: true });
    expect((await client.conversations.members({ channel: GENERAL })).members).toEqual(expect.arrayContaining([ADMIN, MEMBER, 'U0SBZOOMOPS']));
    expect((await client.usergroups.users.list({ usergroup: 'S0SBZOOMADM' })).users).toEqual([ADMIN]);
  });

  it('opens a modal on a fresh trigger only once, and updates it by ID', async () => {
    await slack.actions.type(ADMIN, GENERAL, '/zoom meeting create');
    const trigger = bot.last().form.trigger_id!;
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'New' }, callback_id: 'form', blocks: [] };
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(opened.view).toMatchObject({ callback_id: 'form', id: expect.stringMatching(/^V/) });
    expect(slack.workspace.topView(ADMIN)?.id).toBe(opened.view?.id);
    await expect(client.views.open({ trigger_id: trigger, view })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
    await client.views.update({ view_id: opened.view!.id!, view: { ...view, title: { type: 'plain_text', text: 'Loaded' } } });
    expect(slack.workspace.topView(ADMIN)?.view.title.text).toBe('Loaded');
    await slack.actions.closeView(ADMIN, opened.view!.id!);
  });

  it('takes a file through the external upload pair and offers it for download in the DM', async () => {
    const dm = await client.conversations.open({ users: ADMIN });
    await client.filesUploadV2({ channel_id: dm.channel!.id!, filename: 'meetings.csv', content: 'id,topic\n1,Sync\n', title: 'Meetings', initial_comment: 'Here is the CSV' });
    const message = lastMessage(ADMIN, dm.channel!.id!);
    expect(message.text).toBe('Here is the CSV');
    const file = slack.workspace.files.get(message.files![0]!)!;
    const download = await fetch(`${slack.url}/files/${file.id}/meetings.csv`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="meetings.csv"');
    expect(await download.text()).toBe('id,topic\n1,Sync\n');
  });

  it('answers unknown_method for a method it does not serve', async () => {
    await expect(client.apiCall('reminders.add', { text: 'x' })).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });
});

describe('response_url', () => {
  async function clickedResponseUrl(): Promise<{ url: string; ts: string }> {
    const posted = await client.chat.postEphemeral({
      channel: GENERAL,
      user: ADMIN,
      text: 'registrants',
      blocks: [{ type: 'actions', block_id: 'b', elements: [{ type: 'button', action_id: 'approve', value: 'r1', text: { type: 'plain_text', text: 'Approve' } }] }],
    });
    await slack.actions.act(ADMIN, { channel: GENERAL, ts: posted.message_ts!, blockId: 'b', action: { type: 'button', action_id: 'approve', value: 'r1' } });
    return { url: bot.last().payload!.response_url, ts: posted.message_ts! };
  }

  it('replace_original rewrites the message the button sat in, still only for its reader', async () => {
    const { url, ts } = await clickedResponseUrl();
    expect(bot.last().payload).toMatchObject({ container: { is_ephemeral: true } });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace_original: true, text: 'Approved by Alex' }) });
    expect(res.status).toBe(200);
    const replaced = slack.workspace.find(GENERAL, ts)!;
    expect(replaced).toMatchObject({ text: 'Approved by Alex', visibleTo: ADMIN });
    expect(replaced.blocks).toBeUndefined();
  });

  it('posts ephemerally by default, publicly with in_channel, and stops after five answers', async () => {
    const { url } = await clickedResponseUrl();
    const send = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await send({ text: 'only you' });
    expect(lastMessage(ADMIN)).toMatchObject({ text: 'only you', visibleTo: ADMIN });
    await send({ text: 'everyone', response_type: 'in_channel' });
    expect(lastMessage(MEMBER).text).toBe('everyone');
    expect(lastMessage(MEMBER).visibleTo).toBeUndefined();
    for (let i = 0; i < 3; i++) expect((await send({ text: `n${i}` })).status).toBe(200);
    const sixth = await send({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
  });

  it('delete_original removes the message', async () => {
    const { url, ts } = await clickedResponseUrl();
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delete_original: true }) });
    expect(slack.workspace.find(GENERAL, ts)).toBeUndefined();
  });
});

describe('modal submissions', () => {
  async function openModal(): Promise<string> {
    await slack.actions.type(ADMIN, GENERAL, '/zoom meeting create');
    const opened = await client.views.open({
      trigger_id: bot.last().form.trigger_id!,
      view: {
        type: 'modal',
        callback_id: 'meeting.form',
        private_metadata: '{"mode":"create"}',
        title: { type: 'plain_text', text: 'New Zoom meeting' },
        submit: { type: 'plain_text', text: 'Create' },
        blocks: [{ type: 'input', block_id: 'topic', label: { type: 'plain_text', text: 'Topic' }, element: { type: 'plain_text_input', action_id: 'value' } }],
      },
    });
    return opened.view!.id!;
  }

  it('sends view_submission with the state Slack sends and keeps the modal open with response_action errors', async () => {
    const viewId = await openModal();
    bot.answer = () => ({ body: { response_action: 'errors', errors: { topic: 'Give the meeting a topic.' } } });
    const result = await slack.actions.submitView(ADMIN, viewId, { topic: { value: { type: 'plain_text_input', value: null } } });
    expect(result.errors).toEqual({ topic: 'Give the meeting a topic.' });
    expect(bot.last().payload).toMatchObject({
      type: 'view_submission',
      user: { id: ADMIN },
      view: { id: viewId, callback_id: 'meeting.form', private_metadata: '{"mode":"create"}', state: { values: { topic: { value: { type: 'plain_text_input', value: null } } } } },
    });
    expect(slack.workspace.topView(ADMIN)?.errors).toEqual({ topic: 'Give the meeting a topic.' });

    // Through the page's route as well: an empty acknowledgement closes the modal.
    bot.answer = () => ({});
    const res = await post('/console/submit', { user: ADMIN, viewId, values: { topic: { value: { type: 'plain_text_input', value: 'Sync' } } } });
    expect(res.status).toBe(200);
    expect(slack.workspace.topView(ADMIN)).toBeUndefined();
  });

  it('replaces the modal on response_action update and closes every view on clear', async () => {
    const viewId = await openModal();
    bot.answer = () => ({ body: { response_action: 'update', view: { type: 'modal', title: { type: 'plain_text', text: 'Creating…' }, blocks: [] } } });
    await slack.actions.submitView(ADMIN, viewId, {});
    expect(slack.workspace.topView(ADMIN)).toMatchObject({ id: viewId, view: { title: { text: 'Creating…' } } });
    bot.answer = () => ({ body: { response_action: 'clear' } });
    await slack.actions.submitView(ADMIN, viewId, {});
    expect(slack.workspace.topView(ADMIN)).toBeUndefined();
  });

  it('refuses another person’s modal through the page', async () => {
    const viewId = await openModal();
    const res = await post('/console/submit', { user: MEMBER, viewId, values: {} });
    expect(res.status).toBe(404);
    await slack.actions.closeView(ADMIN, viewId);
  });
});

describe('the page', () => {
  it('serves the page with its SANDBOX label and composer, and a JSON state per person', async () => {
    const html = await (await fetch(`${slack.url}/`)).text();
    expect(html).toContain('<strong>SANDBOX</strong>');
    expect(html).toContain('<label id="composer-label" for="composer-input"');
    for (const file of ['app.js', 'blocks.js', 'composer.js', 'modal.js', 'mrkdwn.js', 'style.css']) {
      expect((await fetch(`${slack.url}/static/${file}`)).status, file).toBe(200);
    }
    const state = (await (await fetch(`${slack.url}/console/state?user=${MEMBER}`)).json()) as { channels: Array<{ name: string }> };
    expect(state).toMatchObject({ sandbox: true, me: { id: MEMBER, isAdmin: false }, channel: { id: GENERAL } });
    expect(state.channels.map((c: { name: string }) => c.name)).toEqual(['general', 'zoom-alerts', 'registrations', 'ZoomOps']);
  });

  it('takes page requests only as JSON', async () => {
    const res = await fetch(`${slack.url}/console/type`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
  });
});

describe('what Slack would refuse', () => {
  it('refuses a message or modal over Block Kit limits as Slack does, and shows nothing', async () => {
    const before = visibleTo(ADMIN).length;
    const long = await client.chat.postMessage({ channel: GENERAL, text: 'too long', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }).catch((e: { data: unknown }) => e.data);
    expect(long).toMatchObject({ ok: false, error: 'invalid_blocks', errors: ['must be less than 3001 characters, got 3001 [json-pointer:/blocks/0/text/text]'] });
    expect(visibleTo(ADMIN)).toHaveLength(before);

    await slack.actions.type(ADMIN, GENERAL, '/zoom meeting create');
    const trigger = String(bot.last().form.trigger_id);
    const modal = await client.views
      .open({ trigger_id: trigger, view: { type: 'modal', title: { type: 'plain_text', text: 'Schedule a Zoom meeting!!' }, blocks: [] } })
      .catch((e: { data: unknown }) => e.data);
    expect(modal).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(slack.workspace.topView(ADMIN)).toBeUndefined();
  });
});
