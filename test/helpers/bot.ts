// Starts the real web role in HTTP mode on a free port, against the fake Slack and a Zoom base URL.
import { createServer } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Redis } from 'ioredis';
import type { RedisClient } from '../../src/redis.js';
import type { DateTime } from 'luxon';
import { parseConfig, type Config } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { startBot, type RunningBot } from '../../src/run.js';
import { FakeSlack, type FakeSlackUser } from './fake-slack.js';
import { clearPrefix, testRedis, uniquePrefix } from './redis.js';
import { SIGNING_SECRET } from './slack-requests.js';

export const ZOOM_API = 'https://zoom.test/v2';
export const ZOOM_OAUTH = 'https://zoom.test/oauth/token';
const ZOOM_TOKEN = 'zoom-token';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The configuration every test bot and job test runs with: fake Slack, nock'd Zoom. */
export function testConfig(slackApiUrl: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
    ZOOM_ACCOUNT_ID: 'acct-1',
    ZOOM_CLIENT_ID: 'client-1',
    ZOOM_CLIENT_SECRET: 'secret-1',
    ZOOM_API_URL: ZOOM_API,
    ZOOM_OAUTH_URL: ZOOM_OAUTH,
    ...env,
  });
}

/**
 * Before each test of a file that talks to the fake Slack and a nock'd Zoom: no real network but loopback, Zoom's
 * token endpoint, and a clean record of Slack calls.
 */
export function startTestNetwork(slack: FakeSlack): void {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nockZoomToken();
  slack.calls.length = 0;
}

/** Zoom's token endpoint for every test that reaches Zoom through nock. */
export function nockZoomToken(): void {
  nock('https://zoom.test')
    .post('/oauth/token')
    .reply(200, { access_token: ZOOM_TOKEN, token_type: 'bearer', expires_in: 3600, scope: 'meeting:read:admin' })
    .persist();
}

/** Interceptors not yet used, except the token endpoint (the token is cached in Redis across tests). */
export function unusedZoomMocks(): string[] {
  return nock.pendingMocks().filter((mock) => !mock.includes('/oauth/token'));
}

export function nockZoom(): nock.Scope {
  return nock(ZOOM_API, { reqheaders: { authorization: `Bearer ${ZOOM_TOKEN}` } });
}

export interface TestBot {
  bot: RunningBot;
  url: string;
  stop(): Promise<void>;
}

export async function startTestBot(opts: {
  slackApiUrl: string;
  redis: RedisClient;
  keyPrefix: string;
  env?: Record<string, string>;
  /** The bot's clock: a fixed time, or a function a test moves on. */
  now?: DateTime | (() => DateTime);
}): Promise<TestBot> {
  const port = await freePort();
  const config = testConfig(opts.slackApiUrl, { PORT: String(port), ...opts.env });
  // Role `all` unless the test says otherwise: jobs started by a command run in the same process, as by default.
  const bot = await startBot(config, {
    redis: opts.redis,
    log: silentLogger,
    keyPrefix: opts.keyPrefix,
    ...(opts.now ? { now: typeof opts.now === 'function' ? opts.now : () => opts.now as DateTime } : {}),
  });
  return { bot, url: `http://127.0.0.1:${port}`, stop: () => bot.stop() };
}

export interface BotFixture {
  bot: () => TestBot;
  slack: () => FakeSlack;
  /** A nock scope on the Zoom API that expects the bot's token; each of its answers must be asked for by the end of the test. */
  zoom: () => nock.Scope;
  /** The same, for requests the bot must NOT send: each answer must still be there at the end of the test. */
  trap: () => nock.Scope;
}

/**
 * The hooks of an end-to-end file: real Redis under its own prefix, a fake Slack with the given users, the
 * web role started once; per test, no real network, a Zoom token endpoint, and a clean record of Slack calls.
 */
export function useBotFixture(opts: {
  name: string;
  users: FakeSlackUser[];
  env?: Record<string, string>;
  /** The bot's clock: a fixed time, or a function a test moves on. */
  now?: DateTime | (() => DateTime);
}): BotFixture {
  const prefix = uniquePrefix(opts.name);
  let redis: Redis;
  let slack: FakeSlack;
  let bot: TestBot;
  beforeAll(async () => {
    redis = testRedis();
    slack = new FakeSlack();
    await slack.start();
    for (const user of opts.users) slack.users.set(user.id, user);
    bot = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix: prefix, env: opts.env, now: opts.now });
  });
  afterAll(async () => {
    await bot.stop();
    await slack.stop();
    await clearPrefix(redis, prefix);
    await clearPrefix(redis, `{${prefix}`);
    redis.disconnect();
    nock.enableNetConnect();
  });
  let traps: nock.Scope[] = [];
  let sprung: string[] = [];
  beforeEach(() => startTestNetwork(slack));
  afterEach(() => {
    const unused = unusedZoomMocks();
    for (const waiting of traps.flatMap((trap) => trap.pendingMocks())) {
      const at = unused.indexOf(waiting);
      if (at >= 0) unused.splice(at, 1);
    }
    const sent = sprung;
    traps = [];
    sprung = [];
    nock.cleanAll();
    // Anything the bot sent that Slack would refuse (Block Kit limits) fails the test that caused it.
    slack.assertNoRefusals();
    // A Zoom answer the test prepared and the bot never asked for: the test did not reach what it describes.
    expect(unused, 'Zoom requests the test expected but the bot never sent').toEqual([]);
    expect(sent, 'Zoom requests the bot must not have sent').toEqual([]);
  });
  return {
    bot: () => bot,
    slack: () => slack,
    zoom: nockZoom,
    trap: () => {
      const trap = nockZoom();
      trap.on('request', (req: { method: string; path: string }) => sprung.push(`${req.method} ${req.path}`));
      traps.push(trap);
      return trap;
    },
  };
}
