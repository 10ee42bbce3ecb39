// End to end: `npm run doctor`'s main function against a fake Slack, a nock'd Zoom and a Redis of its own (one that
// keeps accepted work: AOF on, noeviction, which the shared test Redis is not): exit 0 on a good install, 1 on a
// broken one, and never a secret on the terminal.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctorMain } from '../../src/doctor/cli.js';
import { lastEventKey } from '../../src/doctor/last-event.js';
import { MANIFEST_BOT_SCOPES } from '../../src/doctor/slack.js';
import { SocketPresence } from '../../src/doctor/ws-presence.js';
import { Worker } from 'bullmq';
import { JobQueues, queuePrefix } from '../../src/jobs/queues.js';
import { RateLimiter } from '../../src/zoom/rate-limit.js';
import { ZOOM_API, ZOOM_OAUTH } from '../helpers/bot.js';
import { ALL_ZOOM_SCOPES } from '../helpers/doctor.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/processes.js';
import { clearPrefix, uniquePrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { SIGNING_SECRET } from '../helpers/slack-requests.js';
import { ZOOM_SECRET } from '../helpers/zoom-events.js';

const SECRETS = ['xoxb-doctor', 'client-secret-1', ZOOM_SECRET, SIGNING_SECRET, 'zoom-token'];
const prefix = uniquePrefix('e2e-doctor-cli');

let redisServer: PrivateRedis;
let redis: Redis;
let redisUrl = '';
let dir = '';
let slack: FakeSlack;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomops-doctor-cli-'));
  // Its default maxmemory-policy is noeviction; the helper turns AOF on and waits until it answers.
  redisServer = await startPrivateRedis({ aof: true });
  redisUrl = redisServer.url;
  redis = new Redis(redisUrl);
  await redis.ping();
  slack = new FakeSlack();
  await slack.start();
});

afterAll(async () => {
  redis.disconnect();
  // Waits for the server's exit: it may still be writing its AOF directory when told to stop.
  await redisServer.stop();
  await slack.stop();
  await rm(dir, { recursive: true, force: true });
  nock.enableNetConnect();
});

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  await clearPrefix(redis, prefix);
  await clearPrefix(redis, `{${prefix}`);
  slack.failures.length = 0;
});

afterEach(() => {
  nock.cleanAll();
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    REDIS_URL: redisUrl,
    SLACK_BOT_TOKEN: 'xoxb-doctor',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ZOOM_ACCOUNT_ID: 'acct-1',
    ZOOM_CLIENT_ID: 'client-1',
    ZOOM_CLIENT_SECRET: 'client-secret-1',
    ZOOM_API_URL: ZOOM_API,
    ZOOM_OAUTH_URL: ZOOM_OAUTH,
    ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET,
    ZOOMOPS_RECORDINGS_DIR: join(dir, 'recordings'),
    ...extra,
  };
}

/** Zoom's API host answering with its clock `offsetMs` away from this machine's. */
function zoomClock(offsetMs = 0): nock.Scope {
  const api = new URL(ZOOM_API);
  return nock(api.origin).head(api.pathname).reply(404, '', { Date: new Date(Date.now() + offsetMs).toUTCString() });
}

function zoomToken(status: number, body: Record<string, unknown>): nock.Scope {
  const oauth = new URL(ZOOM_OAUTH);
  return nock(oauth.origin).post(oauth.pathname).reply(status, body);
}

/** A Slack token with every scope of the manifest, as Slack reports them on auth.test. */
function slackWithScopes(): void {
  slack.failures.push({ method: 'auth.test', status: 200, headers: { 'x-oauth-scopes': MANIFEST_BOT_SCOPES.join(',') }, body: { ok: true, team: 'Test', team_id: 'T1' } });
}

/**
 * Everything outside this machine as a good install sees it: Slack with the manifest's scopes, Zoom's clock
 * `clockOffsetMs` away, a token with every scope (unless `token` answers otherwise), an event a minute ago.
 */
async function install(opts: { clockOffsetMs?: number; token?: [number, Record<string, unknown>] } = {}): Promise<{ clock: nock.Scope; token: nock.Scope }> {
  slackWithScopes();
  const clock = zoomClock(opts.clockOffsetMs);
  const token = zoomToken(...(opts.token ?? [200, { access_token: 'zoom-token', token_type: 'bearer', expires_in: 3600, scope: ALL_ZOOM_SCOPES.join(' ') }]));
  await redis.set(lastEventKey(prefix), JSON.stringify({ at: Date.now() - 60_000, type: 'meeting.ended', source: 'webhook' }));
  return { clock, token };
}

async function run(e: NodeJS.ProcessEnv, nodeVersion: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await doctorMain(e, { keyPrefix: prefix, nodeVersion, print: (l) => out.push(l) });
  const all = out.join('\n');
  for (const secret of SECRETS) expect(all).not.toContain(secret);
  return { code, out };
}

describe('npm run doctor', () => {
  it('exits 0 when every check passes', async () => {
    const { clock, token } = await install();

    const { code, out } = await run(env(), '22.12.0');

    expect(token.isDone()).toBe(true);
    expect(clock.isDone()).toBe(true);
    // Only checks that pass, and the one neutral line: the WebSocket is not configured here.
    expect(out.filter((l) => !l.startsWith('✓'))).toEqual(['– [Zoom] Zoom WebSocket events are not configured (ZOOM_WS_SUBSCRIPTION_ID is unset); events come by webhook.']);
    expect(out).toContain('✓ [Zoom] `meeting end` can work: its Zoom scopes are granted.');
    expect(out).toContain('✓ [Runtime] Redis keeps accepted work (noeviction and AOF, or settings it does not show).');
    expect(code).toBe(0);
  });

  it('exits 1 when Zoom refuses the credentials, naming the fix', async () => {
    await install({ token: [400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }] });

    const { code, out } = await run(env(), '22.12.0');

    expect(out.filter((l) => l.startsWith('✗'))).toEqual([
      expect.stringMatching(/^✗ \[Zoom\] No Zoom access token: .* Check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET/),
    ]);
    expect(code).toBe(1);
  });

  it('exits 1 on Node 20, which reached end of life', async () => {
    await install();

    const { code, out } = await run(env(), '20.19.0');

    expect(out.filter((l) => l.startsWith('✗'))).toEqual(['✗ [Runtime] Node 20.19.0 reached end of life on 2026-04-30. Run ZoomOps on Node 22 or 24 (LTS).']);
    expect(code).toBe(1);
  });

  it("exits 1 when this server's clock is minutes off Zoom's, which would refuse its webhooks", async () => {
    await install({ clockOffsetMs: -4 * 60_000 });

    const { code, out } = await run(env(), '22.12.0');

    expect(out.filter((l) => l.startsWith('✗'))).toEqual([
      expect.stringMatching(/^✗ \[Zoom\] This server's clock is 2[34]\d s ahead of Zoom's; webhooks are refused past 300 s\. Synchronise/),
    ]);
    expect(code).toBe(1);
  });

  it('exits 1 while a daily Zoom quota is used up, saying until when', async () => {
    await install();
    // As the Zoom client records Zoom's daily 429 (plan pro: Heavy and Resource-intensive share one cap).
    const resetsAt = DateTime.utc().plus({ days: 1 }).startOf('day');
    await new RateLimiter({ redis, prefix, accountId: 'acct-1', plan: 'pro' }).markExhausted('heavy', 'default', resetsAt.toJSDate());

    const { code, out } = await run(env({ ZOOM_PLAN: 'pro' }), '22.12.0');

    const until = resetsAt.toFormat('yyyy-MM-dd HH:mm');
    expect(out.filter((l) => l.startsWith('✗'))).toEqual([
      `✗ [Zoom] Zoom's daily quota is used up today for heavy until ${until} UTC, resource-intensive until ${until} UTC. Calls of those kinds wait for the reset; spread bulk work over days, or ask Zoom for a higher limit (every app on the account draws on it).`,
    ]);
    expect(code).toBe(1);
  });

  it("reads the WebSocket heartbeat another process writes: 0 while it holds a connection, 1 once it has none", async () => {
    await install();
    const holder = { connected: true };
    // The consumer's process, as src/ingress/websocket.ts runs it; the doctor shares nothing with it but Redis.
    const presence = new SocketPresence(holder, { redis, keyPrefix: prefix, subscriptionId: 'sub-1', role: 'web' });
    await presence.beat();
    const wsEnv = env({ ZOOM_WS_SUBSCRIPTION_ID: 'sub-1' });

    const connected = await run(wsEnv, '22.12.0');
    expect(connected.out.filter((l) => l.includes('WebSocket'))).toEqual([expect.stringMatching(/^✓ \[Zoom\] The Zoom WebSocket is connected: process \d+ \(ZOOMOPS_ROLE=web\) on .+, since \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/)]);
    expect(connected.code).toBe(0);

    holder.connected = false;
    await presence.beat();
    await install();
    const gone = await run(wsEnv, '22.12.0');
    expect(gone.out.filter((l) => l.startsWith('✗'))).toEqual([expect.stringMatching(/^✗ \[Zoom\] No process has held a Zoom WebSocket connection for \d+ s \(the last was process \d+ .*\)\. Check ZOOM_WS_URL and ZOOM_WS_SUBSCRIPTION_ID/)]);
    expect(gone.code).toBe(1);
  });

  it('exits 1 on a Redis that could lose work, a failed job, a job no worker takes and a recordings folder it cannot write', async () => {
    await install();
    await redis.config('SET', 'appendonly', 'no');
    const jobs = new JobQueues(redis, prefix, () => undefined);
    try {
      // A job that failed, as a worker leaves it …
      await jobs.queue('exports').add('export', {}, { attempts: 1 });
      const workerRedis = redis.duplicate({ maxRetriesPerRequest: null });
      const worker = new Worker('exports', async () => {
        throw new Error('boom');
      }, { connection: workerRedis, prefix: queuePrefix(prefix, 'exports') });
      await until('the export to fail', async () => (await jobs.queue('exports').getJobCounts('failed')).failed === 1);
      await worker.close();
      workerRedis.disconnect();
      // … and a download enqueued 20 minutes ago that no worker took.
      await jobs.queue('downloads').add('download', {}, { timestamp: Date.now() - 20 * 60_000 });

      const { code, out } = await run(env({ ZOOMOPS_RECORDINGS_DIR: '/dev/null/recordings' }), '22.12.0');

      expect(out.filter((l) => l.startsWith('✗'))).toEqual([
        expect.stringMatching(/^✗ \[Runtime\] Redis could lose accepted work: .*appendonly.*\. Set `maxmemory-policy noeviction` and `appendonly yes` in the Redis configuration\.$/),
        '✗ [Runtime] Queue `downloads`: 1 waiting, the oldest for 20 min. Start a worker process (ZOOMOPS_ROLE=worker or all) on this Redis.',
        '✗ [Runtime] Queue `exports`: 1 failed jobs, 0 waiting. Read them with `/zoom jobs failed` and retry or cancel each.',
        expect.stringMatching(/^✗ \[Runtime\] The recordings folder is not writable: .*\. Make ZOOMOPS_RECORDINGS_DIR \(\/dev\/null\/recordings\) a writable folder with at least 5 GB free\.$/),
      ]);
      expect(code).toBe(1);
    } finally {
      await redis.config('SET', 'appendonly', 'yes');
      // Turning AOF on starts writing the initial AOF; until it is written Redis refuses SIGTERM ("Writing initial
      // AOF, can't exit"), so afterAll's stop would wait for ever and the folder would change under its removal.
      await until('the initial AOF to be written', async () => /aof_enabled:1\r\n[\s\S]*aof_rewrite_in_progress:0/.test(await redis.info('persistence')));
      await jobs.close();
    }
  });

  it('exits 1 naming the variables when the environment cannot be read', async () => {
    const { code, out } = await run(env({ SLACK_BOT_TOKEN: '' }), '22.12.0');
    expect(out).toContain('✗ [Runtime] SLACK_BOT_TOKEN is missing (the bot token, xoxb-…). Fix it in the environment or in .env, then run the doctor again.');
    expect(out.every((l) => l.startsWith('✗ [Runtime]'))).toBe(true);
    expect(code).toBe(1);
  });
});
