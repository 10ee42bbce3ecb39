// End to end: `/zoom doctor` on the running bot — the commands a Zoom token's scopes block, when the last Zoom event
// came (or that none did), the Slack install's faults, never a secret, and admins only.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { redisKey } from '../../src/redis-keys.js';
import { lastEventKey } from '../../src/doctor/last-event.js';
import { WatchStore } from '../../src/slack/watches.js';
import { ZOOM_OAUTH, useBotFixture } from '../helpers/bot.js';
import { slackDriver, textOf } from '../helpers/driver.js';
import { ALL_ZOOM_SCOPES } from '../helpers/doctor.js';
import type { FakeSlack } from '../helpers/fake-slack.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';
const SECRETS = ['xoxb-test', 'secret-1', ZOOM_SECRET, 'zoom-token'];
// Inside the test's own temporary folder, never the repository's data/.
const recordingsDir = mkdtempSync(join(tmpdir(), 'zoomops-doctor-'));
// The bot's clock: the silent-webhook test moves it a week on.
let clock = DateTime.now();

const fixture = useBotFixture({
  name: 'e2e-doctor',
  users: [
    { id: ADMIN, email: 'admin@example.com' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: {
    // Web only: no worker drains the events queue, so the test reads what ingest left.
    ZOOMOPS_ROLE: 'web',
    ZOOMOPS_ADMINS: `${ADMIN},UGHOST`,
    ZOOMOPS_VIEWERS: VIEWER,
    ZOOMOPS_AUDIT_CHANNEL: AUDIT,
    ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET,
    ZOOMOPS_RECORDINGS_DIR: recordingsDir,
  },
  now: () => clock,
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
const services = () => fixture.bot().bot.services;
let slack: FakeSlack;

afterAll(async () => {
  await rm(recordingsDir, { recursive: true, force: true });
});

beforeEach(async () => {
  slack = fixture.slack();
  clock = DateTime.now();
  // Each test mints its own token, so the scopes it grants are the ones the doctor reads.
  const tokenKey = redisKey(services().keyPrefix, 'zoom-token', 'acct-1');
  await services().redis.del(tokenKey, `${tokenKey}:scope`);
});

/** Zoom's token endpoint granting exactly these scopes (replacing the helpers' default). */
function grantScopes(scopes: string[]): nock.Scope {
  nock.cleanAll();
  const oauth = new URL(ZOOM_OAUTH);
  return nock(oauth.origin).post(oauth.pathname).reply(200, { access_token: 'zoom-token', token_type: 'bearer', expires_in: 3600, scope: scopes.join(' ') });
}

/** The doctor's answer as lines of text, one per ✓/✗ (and – for what is not configured). */
async function doctor(user = ADMIN): Promise<string[]> {
  const answer = await driver.command('doctor', user);
  const text = (answer.body.blocks ?? []).map((b: { text?: { text?: string } }) => b.text?.text ?? '').join('\n');
  // What the admin reads: Slack shows &amp; &lt; &gt; as & < >; a raw < or > would be markup (escaped, never sent).
  expect(text).not.toMatch(/[<>]/);
  for (const secret of SECRETS) expect(JSON.stringify(answer.body)).not.toContain(secret);
  const shown = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return shown.split('\n').filter((l: string) => /^[✓✗–] /.test(l));
}

describe('Zoom scopes', () => {
  it('names each missing scope and the commands it blocks; a classic scope counts for its granular ones', async () => {
    const granted = ALL_ZOOM_SCOPES.filter((s) => !['meeting:update:status:admin', 'cloud_recording:delete:recording_file:admin', 'user:read:list_users:admin'].includes(s));
    const token = grantScopes([...granted, 'user:read:admin']);

    const lines = await doctor();

    expect(token.isDone()).toBe(true);
    const blocked = lines.filter((l) => l.includes('is blocked'));
    expect(blocked).toEqual([
      "✗ `meeting end` is blocked: the Zoom app lacks `meeting:update:status:admin`. Add `meeting:update:status:admin` (or the classic `meeting:write:admin`) to the Server-to-Server app's scopes in the Zoom App Marketplace.",
      "✗ `recordings delete` is blocked: the Zoom app lacks `cloud_recording:delete:recording_file:admin`. Add `cloud_recording:delete:recording_file:admin` (or the classic `recording:write:admin`) to the Server-to-Server app's scopes in the Zoom App Marketplace.",
    ]);
    expect(lines).toContain('✓ `users list, recordings list --all` can work: its Zoom scopes are granted.');
    expect(lines).toContain(`✓ The Zoom access token mints, with ${granted.length + 1} scopes.`);
  });

  it('says the token does not mint when Zoom refuses the credentials', async () => {
    nock.cleanAll();
    const oauth = new URL(ZOOM_OAUTH);
    nock(oauth.origin).post(oauth.pathname).reply(400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });

    const lines = await doctor();

    const line = lines.find((l) => l.includes('No Zoom access token'));
    expect(line).toMatch(/^✗ No Zoom access token: .*HTTP 400.* Check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET/);
    expect(lines.some((l) => l.includes('is blocked') || l.includes('can work'))).toBe(false);
  });
});

describe('Zoom events', () => {
  it('says none came, then when the last came and which, and that it is silent a week later', async () => {
    grantScopes(ALL_ZOOM_SCOPES);
    const first = await doctor();
    // Webhooks only: the WebSocket is said to be off, neither good nor bad.
    expect(first).toContain('– Zoom WebSocket events are not configured (ZOOM_WS_SUBSCRIPTION_ID is unset); events come by webhook.');
    expect(first).toContain('✗ No Zoom event received in 7 days. ' + "Check the Zoom app's Event Subscriptions: the endpoint URL ends in /zoom/webhooks, it is validated, and the events you watch are added.");

    const received = clock;
    expect((await postWebhook(fixture.bot().url, zoomEvent('meeting.started'))).status).toBe(200);
    const when = `${received.toUTC().toFormat('yyyy-MM-dd HH:mm')} UTC`;
    // The note is written right after the event is stored; wait for it rather than for a time.
    await expect.poll(() => services().redis.exists(lastEventKey(services().keyPrefix))).toBe(1);
    expect(await doctor()).toContain(`✓ Last Zoom event: \`meeting.started\` by webhook, ${when}.`);

    clock = received.plus({ days: 8 });
    expect((await doctor()).find((l) => l.includes('Zoom event'))).toBe(`✗ No Zoom event received in 7 days (the last, \`meeting.started\`, came ${when}). Check the Zoom app's Event Subscriptions: the endpoint URL ends in /zoom/webhooks, it is validated, and the events you watch are added.`);
  });
});

describe('Slack', () => {
  it('names missing bot scopes, an audit channel the bot is not in, and admin IDs Slack does not know', async () => {
    grantScopes(ALL_ZOOM_SCOPES);
    slack.failures.push({
      method: 'auth.test',
      status: 200,
      headers: { 'x-oauth-scopes': 'commands,chat:write,users:read,users:read.email,usergroups:read,files:write,channels:read,groups:read,im:write' },
      body: { ok: true, user_id: 'UBOT', team_id: 'T1', team: 'Test' },
    });
    slack.channels.set(AUDIT, { name: 'zoom-audit', is_member: false });
    // Three channels watch Zoom events: a public one the bot posts to without joining, a private one it was removed
    // from, and one since archived.
    const watches = new WatchStore(services().redis, services().keyPrefix);
    for (const channel of ['CPUBLIC', 'CPRIVATE', 'CARCHIVED']) await watches.add(channel, { topic: 'recordings', events: ['recording.completed'], narrowed: false, createdBy: ADMIN, zone: 'UTC', createdAt: clock.toISO()! });
    slack.channels.set('CPUBLIC', { name: 'zoom-alerts', is_private: false, is_member: false });
    slack.channels.set('CPRIVATE', { name: 'exec-zoom', is_private: true, is_member: false });
    slack.channels.set('CARCHIVED', { name: 'old-alerts', is_archived: true, is_member: true });

    const lines = await doctor();

    expect(lines).toContain('✓ The bot token works (workspace Test).');
    expect(lines).toContain('✗ The bot token lacks `chat:write.public`. Add `chat:write.public` under OAuth & Permissions → Bot Token Scopes (or paste manifest.yml again), then reinstall the app.');
    expect(lines).toContain('✗ The bot is not a member of the audit channel #zoom-audit. Invite the bot to #zoom-audit (`/invite @zoomops`).');
    expect(lines.find((l) => l.includes('ZOOMOPS_ADMINS'))).toMatch(/^✗ ZOOMOPS_ADMINS names IDs Slack does not know: UGHOST\./);
    expect(lines).toContain('✓ Every ID in ZOOMOPS_VIEWERS is a Slack user or user group.');
    expect(lines).toContain('✓ The watching channel #zoom-alerts can be posted to.');
    expect(lines).toContain('✗ The bot is not in the private watching channel #exec-zoom. Invite the bot to #exec-zoom, or stop its watches from another channel with `/zoom unwatch recordings #exec-zoom`.');
    expect(lines).toContain('✗ The watching channel #old-alerts is archived. Unarchive #old-alerts, or stop its watches from another channel with `/zoom unwatch recordings #old-alerts`.');
  });
});

describe('who may ask', () => {
  it('refuses a viewer before checking anything', async () => {
    const answer = await driver.command('doctor', VIEWER);
    expect(answer.body.text).toContain('You are not allowed to run `/zoom doctor`: as a ZoomOps viewer');
    expect(slack.calls.some((c) => c.method === 'auth.test')).toBe(false);
  });

  it('lists the command in help', async () => {
    expect(textOf(await driver.command('help', VIEWER))).toContain('/zoom doctor');
  });
});
