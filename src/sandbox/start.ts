// `npm run sandbox` (and `npm start` with no credentials): the real bot — same Bolt app, Zoom client and BullMQ
// workers — wired to the embedded Zoom sandbox and the local Slack console, all on 127.0.0.1, with Redis from
// REDIS_URL or a private redis-server. Real credentials in the environment are ignored.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { parseConfig, type Config } from '../config.js';
import { createLogger, type Level, type Logger } from '../log.js';
import { runProcess } from '../run.js';
import { sandboxFaults } from './faults.js';
import { freePort, NoRedisError, provideRedis } from './local-redis.js';
import { startSlackConsole, type SlackConsole } from './slack/index.js';
import { startZoomSandbox, type ZoomSandbox } from './zoom/index.js';

/** Every key the sandbox's bot writes starts with this, so a sandbox never touches a real deployment's keys. */
export const SANDBOX_KEY_PREFIX = 'zoomops-sandbox';
/** Where the sandbox's recording downloads land, relative to the working directory (the README says so). */
export const SANDBOX_RECORDINGS_DIR = 'data/sandbox/recordings';
const HOST = '127.0.0.1';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The sandbox cannot start; the message is one line that says what to do. */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export interface SandboxOptions {
  /** Read for PORT, REDIS_URL and LOG_LEVEL only; credentials are ignored. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The console's port; 0 picks a free one. Defaults to PORT, else 3000. */
  port?: number;
  log?: Logger;
  /** Where recording downloads land; defaults to SANDBOX_RECORDINGS_DIR. */
  dataDir?: string;
  /** Tests give each run its own namespace. */
  keyPrefix?: string;
  /** Where the announcement goes (stdout by default). */
  announce?: (line: string) => void;
}

export interface RunningSandbox {
  /** The console page, http://127.0.0.1:PORT/. */
  url: string;
  slack: SlackConsole;
  zoom: ZoomSandbox;
  /** The bot's own base URL (POST /slack/events, /zoom/webhooks, /healthz). */
  botUrl: string;
  config: Config;
  redisUrl: string;
  log: Logger;
  stop(): Promise<void>;
}

export async function runSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const env = opts.env ?? process.env;
  const level = (['debug', 'info', 'warn', 'error'] as const).find((l) => l === env.LOG_LEVEL) ?? 'info';
  const log = opts.log ?? createLogger(level as Level, { sandbox: true });
  const port = opts.port ?? (env.PORT ? Number(env.PORT) : 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SandboxError(`PORT must be a port number, got "${env.PORT}".`);
  const keyPrefix = opts.keyPrefix ?? SANDBOX_KEY_PREFIX;

  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => log.warn({ err: error }, 'sandbox part did not stop cleanly'));
    stoppers.length = 0;
  };
  try {
    const redis = await provideRedis(env.REDIS_URL || DEFAULT_REDIS_URL, { who: 'The ZoomOps sandbox', log }).catch((error: unknown) => {
      throw error instanceof NoRedisError ? new SandboxError(error.message) : error;
    });
    if (redis.stop) stoppers.push(redis.stop);
    else await clearKeys(redis.url, keyPrefix);

    const webhookSecret = randomBytes(24).toString('hex');
    const signingSecret = randomBytes(24).toString('hex');
    const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
    const zoom = await startZoomSandbox({ webhookSecret, logger: log.child({ component: 'zoom-sandbox' }) });
    stoppers.push(() => zoom.stop());
    const faults = sandboxFaults(zoom, redis.url, keyPrefix);
    stoppers.push(async () => faults.close());

    const botPort = await freePort();
    const botUrl = `http://${HOST}:${botPort}`;
    const slack = await startSlackConsole({
      port,
      botToken,
      signingSecret,
      botUrl,
      zoomSandboxUrl: zoom.url,
      faults,
      logger: log.child({ component: 'slack-console' }),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new SandboxError(`Port ${port} is already in use; set PORT to another port, e.g. PORT=3100 npm run sandbox.`);
      throw error;
    });
    stoppers.push(() => slack.stop());

    const recordingsDir = resolve(opts.dataDir ?? SANDBOX_RECORDINGS_DIR);
    mkdirSync(recordingsDir, { recursive: true });
    const config = parseConfig({
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      ZOOM_ACCOUNT_ID: zoom.accountId,
      ZOOM_CLIENT_ID: zoom.clientId,
      ZOOM_CLIENT_SECRET: zoom.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: webhookSecret,
      ZOOM_API_URL: zoom.apiUrl,
      ZOOM_OAUTH_URL: zoom.oauthUrl,
      REDIS_URL: redis.url,
      PORT: String(botPort),
      ZOOMOPS_ROLE: 'all',
      ZOOMOPS_RECORDINGS_DIR: recordingsDir,
      LOG_LEVEL: level,
    });
    const bot = await runProcess(config, log, { keyPrefix, host: HOST });
    stoppers.push(() => bot.stop());
    zoom.setWebhookUrl(`${botUrl}/zoom/webhooks`);
    // Before the page opens, so the doctor's first run has heard from Zoom.
    zoom.validateWebhook();
    await zoom.webhooksSettled();

    const announce = opts.announce ?? ((line: string) => console.log(line));
    log.warn({ console: slack.url, zoom: zoom.url, bot: botUrl, redis: redis.stop ? 'private redis-server' : 'REDIS_URL' },
      'SANDBOX MODE: a fake Slack and a fake Zoom on this machine; no real workspace or account is used');
    announce('*** ZoomOps SANDBOX: a local Slack console and Zoom sandbox; no real Slack workspace or Zoom account is used. ***');
    announce(`ZoomOps sandbox: open ${slack.url}/`);

    return { url: `${slack.url}/`, slack, zoom, botUrl, config, redisUrl: redis.url, log, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A new sandbox starts from a fresh Zoom account, so what an earlier sandbox left in a shared Redis is stale. */
async function clearKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
