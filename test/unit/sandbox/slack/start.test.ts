// runSandbox's wiring: real credentials ignored, everything on 127.0.0.1, a private redis-server when REDIS_URL does
// not answer (stopped with the sandbox), and one sentence when there is no Redis at all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/log.js';
import { runSandbox, SandboxError, type RunningSandbox } from '../../../../src/sandbox/index.js';
import { HAS_REDIS_SERVER, TEST_REDIS_URL, uniquePrefix } from '../../../helpers/redis.js';

const UNREACHABLE = 'redis://127.0.0.1:1';
// .ci/run installs redis-server when no Redis answers; a machine with only a remote Redis cannot run the private one,
// so there the test is skipped. Under CI it never is: a missing redis-server fails it, instead of hiding the scenario.
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
let running: RunningSandbox | undefined;
const announced: string[] = [];
const dataDirs: string[] = [];

function start(env: NodeJS.ProcessEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'zoomops-start-'));
  dataDirs.push(dataDir);
  return runSandbox({
    port: 0,
    env,
    log: silentLogger,
    dataDir,
    keyPrefix: uniquePrefix('sandbox-start'),
    announce: (line) => announced.push(line),
  });
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
  announced.length = 0;
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('runSandbox', () => {
  it('ignores real credentials, points the bot at the console and the Zoom sandbox, and says where to go', async () => {
    running = await start({ REDIS_URL: TEST_REDIS_URL, SLACK_BOT_TOKEN: 'xoxb-real', ZOOM_ACCOUNT_ID: 'real-account', ZOOM_API_URL: 'https://api.zoom.us/v2' });
    const { config, slack, zoom } = running;
    expect(config.slack.botToken).not.toBe('xoxb-real');
    expect(config.slack.apiUrl).toBe(slack.apiUrl);
    expect(config.zoom).toMatchObject({ apiUrl: zoom.apiUrl, oauthUrl: zoom.oauthUrl, accountId: zoom.accountId });
    expect(config.zoom.webhookSecrets).toHaveLength(1);
    expect(config.role).toBe('all');
    for (const url of [running.url, running.botUrl, zoom.url]) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(announced).toContain(`ZoomOps sandbox: open ${running.url}`);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = () => fetch(`${running!.botUrl}/healthz`).then((r) => r.json());
    await expect.poll(health, { timeout: 5_000 }).toEqual({ status: 'ok' });
  });

  it.skipIf(!HAS_REDIS_SERVER && !inCi)('starts a private redis-server when REDIS_URL does not answer, and stops it with the sandbox', async () => {
    expect(HAS_REDIS_SERVER, 'redis-server must be on the PATH under CI (.ci/run installs it)').toBe(true);
    running = await start({ REDIS_URL: UNREACHABLE });
    const privateUrl = running.redisUrl;
    expect(privateUrl).not.toBe(UNREACHABLE);
    const probe = new Redis(privateUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    probe.on('error', () => undefined);
    await probe.connect();
    expect(await probe.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    probe.disconnect();
    await running.stop();
    running = undefined;
    const after = new Redis(privateUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    after.on('error', () => undefined);
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it('says in one sentence how to get Redis when there is none', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const error = await start({ REDIS_URL: UNREACHABLE }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SandboxError);
      expect((error as Error).message).toBe(
        `The ZoomOps sandbox needs Redis: nothing answers on ${UNREACHABLE} and redis-server is not on the PATH; install it (apt-get install redis-server, or brew install redis) or set REDIS_URL.`,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
