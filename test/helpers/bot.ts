// Starts the real web role in HTTP mode on a free port, against the fake Slack and a Zoom base URL.
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { createWebBot, type Bot } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { SIGNING_SECRET } from './slack-requests.js';

export const ZOOM_API = 'http://zoom.test/v2';
export const ZOOM_OAUTH = 'http://zoom.test/oauth/token';

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

export interface TestBot {
  bot: Bot;
  url: string;
  stop(): Promise<void>;
}

export async function startTestBot(opts: {
  slackApiUrl: string;
  redis: Redis;
  keyPrefix: string;
  env?: Record<string, string>;
  now?: DateTime;
}): Promise<TestBot> {
  const port = await freePort();
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: opts.slackApiUrl,
    ZOOM_ACCOUNT_ID: 'acct-1',
    ZOOM_CLIENT_ID: 'client-1',
    ZOOM_CLIENT_SECRET: 'secret-1',
    ZOOM_API_URL: ZOOM_API,
    ZOOM_OAUTH_URL: ZOOM_OAUTH,
    PORT: String(port),
    ...opts.env,
  });
  const bot = createWebBot({
    config,
    redis: opts.redis,
    log: silentLogger,
    keyPrefix: opts.keyPrefix,
    ...(opts.now ? { now: () => opts.now! } : {}),
  });
  await bot.start();
  return { bot, url: `http://127.0.0.1:${port}`, stop: () => bot.stop() };
}
