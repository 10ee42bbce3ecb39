// End to end: `/zoom doctor` in the sandbox, typed in its Slack console as a person would, with the faults the console
// page switches on. A fresh sandbox finds nothing wrong with Slack or Zoom (the console lists the manifest's scopes,
// the Zoom app grants the README's, Zoom validated the webhook endpoint); a withheld Zoom scope is named with the
// commands it blocks; a silent webhook makes the last event a week old and says when it came.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lastEventKey } from '../../src/doctor/last-event.js';
import { silentLogger } from '../../src/log.js';
import { runSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { clearPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const ADMIN = 'U0SBADMIN';
const GENERAL = 'C0SBGENERAL';
const prefix = uniquePrefix('e2e-sandbox-doctor');
const dataDir = mkdtempSync(join(tmpdir(), 'zoomops-sandbox-doctor-'));
let sandbox: RunningSandbox;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  sandbox = await runSandbox({ port: 0, env: { REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'error' }, log: silentLogger, dataDir, keyPrefix: prefix, announce: () => undefined });
  // Zoom's validation of the endpoint, sent as the sandbox starts, is the first thing heard from Zoom.
  await sandbox.zoom.webhooksSettled();
  await until('the note of the endpoint validation', () => redis.exists(lastEventKey(prefix)));
});
afterAll(async () => {
  await sandbox?.stop();
  await clearPrefix(redis, prefix);
  redis.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Types `/zoom doctor` in #general and returns the answer's lines by area. */
async function doctor(): Promise<Record<'Slack' | 'Zoom' | 'Runtime', string[]>> {
  const isAnswer = (m: { user: string; text: string }) => m.user !== ADMIN && m.text.startsWith('ZoomOps doctor');
  const before = sandbox.slack.workspace.visible(GENERAL, ADMIN).filter(isAnswer).length;
  await sandbox.slack.actions.type(ADMIN, GENERAL, '/zoom doctor');
  const answer = await until('the doctor’s answer', () => sandbox.slack.workspace.visible(GENERAL, ADMIN).filter(isAnswer)[before], 15_000);
  const areas = { Slack: [] as string[], Zoom: [] as string[], Runtime: [] as string[] };
  for (const block of (answer.blocks ?? []) as Array<{ text?: { text?: string } }>) {
    const [head, ...lines] = (block.text?.text ?? '').split('\n');
    const area = head?.replace(/\*/g, '') as keyof typeof areas;
    if (area in areas) areas[area].push(...lines);
  }
  return areas;
}

async function setFaults(change: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}console/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

it('finds nothing wrong with Slack or Zoom in a fresh sandbox', async () => {
  const { Slack, Zoom, Runtime } = await doctor();

  expect(Slack).toContain('✓ The bot token has every scope of the manifest.');
  expect(Slack.filter((l) => !l.startsWith('✓'))).toEqual([]);
  expect(Zoom.filter((l) => !/^[✓–] /.test(l))).toEqual([]);
  expect(Zoom).toContain('✓ `meeting end` can work: its Zoom scopes are granted.');
  expect(Zoom.find((l) => l.includes('Last Zoom event'))).toMatch(/^✓ Last Zoom event: `endpoint\.url_validation` by webhook, \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
  // The runtime lines judge the machine the sandbox runs on (its Redis, disk and Node), so only their presence is
  // the sandbox's doing.
  expect(Runtime.some((l) => l.includes('Queue `events`'))).toBe(true);
  expect(Runtime.some((l) => l.includes('Node'))).toBe(true);
});

it('names a scope the console withholds and the commands it blocks', async () => {
  const faults = await setFaults({ withheldScopes: ['meeting:update:status:admin', 'webinar:read:list_panelists:admin'] });
  expect(faults).toMatchObject({ withheldScopes: ['meeting:update:status:admin', 'webinar:read:list_panelists:admin'], silentWebhook: false });

  const { Zoom } = await doctor();

  expect(Zoom.filter((l) => l.startsWith('✗'))).toEqual([
    "✗ `meeting end` is blocked: the Zoom app lacks `meeting:update:status:admin`. Add `meeting:update:status:admin` (or the classic `meeting:write:admin`) to the Server-to-Server app's scopes in the Zoom App Marketplace.",
    "✗ `webinar panelists` is blocked: the Zoom app lacks `webinar:read:list_panelists:admin`. Add `webinar:read:list_panelists:admin` (or the classic `webinar:read:admin`) to the Server-to-Server app's scopes in the Zoom App Marketplace.",
  ]);

  await setFaults({ withheldScopes: [] });
  expect((await doctor()).Zoom.filter((l) => l.startsWith('✗'))).toEqual([]);
});

it('says when the last event came while the webhook is silent, and recovers when it speaks again', async () => {
  const before = JSON.parse((await redis.get(lastEventKey(prefix)))!) as { at: number; type: string };
  await setFaults({ silentWebhook: true });

  // Zoom delivers nothing now: a meeting that starts is not heard of.
  const meeting = (sandbox.zoom.summary().meetings as Array<{ id: number }>)[0]!;
  await sandbox.zoom.simulate({ type: 'meeting.started', meetingId: meeting.id });
  await sandbox.zoom.webhooksSettled();
  expect(sandbox.zoom.state.webhookLog.at(-1)).toMatchObject({ event: 'meeting.started', outcome: 'not sent: the console silenced the webhook' });

  const silent = new Date(before.at - 8 * 86_400_000).toISOString().replace('T', ' ').slice(0, 16);
  expect((await doctor()).Zoom.filter((l) => l.startsWith('✗'))).toEqual([
    `✗ No Zoom event received in 7 days (the last, \`${before.type}\`, came ${silent} UTC). Check the Zoom app's Event Subscriptions: the endpoint URL ends in /zoom/webhooks, it is validated, and the events you watch are added.`,
  ]);

  await setFaults({ silentWebhook: false });
  expect((await doctor()).Zoom.filter((l) => l.startsWith('✗'))).toEqual([]);
});

it('refuses a scope the sandbox does not grant, changing nothing', async () => {
  const res = await fetch(`${sandbox.url}console/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ withheldScopes: ['meeting:read:everything'] }) });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toBe('Bad request: withheldScopes may only name scopes the sandbox grants (GET /console/faults lists them)');
  const state = (await (await fetch(`${sandbox.url}console/faults`)).json()) as { withheldScopes: string[]; scopes: string[] };
  expect(state.withheldScopes).toEqual([]);
  expect(state.scopes).toContain('meeting:update:status:admin');
});
