// Real processes for crash tests: a private redis-server (its own port and directory, AOF when asked; the shared
// Redis serves parallel test files and has AOF off) and the bot itself started as `npm start` would (src/main.ts
// under tsx), in any role, killed for real.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, waitForRedis } from '../../src/redis.js';
import { freePort } from './bot.js';
import { SIGNING_SECRET } from './slack-requests.js';
import { ZOOM_SECRET } from './zoom-events.js';

export interface PrivateRedis {
  url: string;
  /** kill -9, as a crash does. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (its AOF is read back). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(opts: { aof?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'zoomops-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  // appendfsync always: a claim written just before a post survives kill -9 (everysec may lose the last second).
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...(opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let child: ChildProcess;
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const missing = new Promise<never>((_, fail) =>
      child.once('error', (error) => fail(new Error(`crash tests start their own redis-server, which could not run (${error.message}): apt-get install redis-server`))),
    );
    missing.catch(() => undefined);
    const probe = connectRedis(url);
    probe.on('error', () => undefined);
    try {
      await Promise.race([waitForRedis(probe, 10_000), missing]);
    } finally {
      probe.disconnect();
    }
  };
  await start();
  const exited = () => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
  return {
    url,
    kill: async () => {
      child.kill('SIGKILL');
      await exited();
    },
    restart: start,
    stop: async () => {
      child.kill('SIGTERM');
      await exited();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BotProcess {
  url: string;
  child: ChildProcess;
  /** kill -9: no shutdown, no safe point. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** The bot in one role against the fake Slack, waiting until its /healthz answers. */
export async function spawnBot(opts: { role: 'web' | 'worker' | 'all'; redisUrl: string; slackApiUrl: string; env?: Record<string, string> }): Promise<BotProcess> {
  const port = await freePort();
  // ZOOMOPS_TEST_BOT_LOGS=<dir>: each process writes its whole log (debug) there, to read a crash test's processes
  // after the fact; by default their logs are dropped.
  const logDir = process.env.ZOOMOPS_TEST_BOT_LOGS;
  const log = logDir ? openSync(join(logDir, `${opts.role}-${port}.log`), 'a') : 'ignore';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: opts.slackApiUrl,
      ZOOM_ACCOUNT_ID: 'acct-1',
      ZOOM_CLIENT_ID: 'client-1',
      ZOOM_CLIENT_SECRET: 'secret-1',
      ZOOM_API_URL: 'http://127.0.0.1:9/v2',
      ZOOM_OAUTH_URL: 'http://127.0.0.1:9/oauth/token',
      ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET,
      REDIS_URL: opts.redisUrl,
      PORT: String(port),
      ZOOMOPS_ROLE: opts.role,
      LOG_LEVEL: logDir ? 'debug' : 'error',
      ...opts.env,
    },
    stdio: ['ignore', log, 'pipe'],
  });
  if (typeof log === 'number') closeSync(log);
  // Kept, not printed: a test that kills Redis makes every process log its outage; a start-up failure shows it.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = () => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
  await until(`the ${opts.role} process on port ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`the ${opts.role} process exited with ${child.exitCode}: ${stderr}`);
    return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
  }, 30_000);
  return {
    url,
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited();
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited();
    },
  };
}

/** Polls until the check holds; throws naming what it waited for once the time is up. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
