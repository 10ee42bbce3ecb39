// What the benchmarks that run the real bot against a local fake Zoom share: Zoom's Medium label counted on arrival
// (at most N in any rolling second, 429 above it), and the bot's configuration pointed at the fake.
import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import { parseConfig, type Config } from '../src/config.js';
import type { RunningWorkers } from '../src/jobs/workers.js';
import type { Services } from '../src/services.js';

/** Zoom's per-second limit of one label as the fake counts it: at most `limit` calls in any rolling second. */
export class RollingSecond {
  private readonly calls: number[] = [];

  constructor(private readonly limit: number) {}

  admit(now = Date.now()): boolean {
    while (this.calls.length > 0 && this.calls[0]! <= now - 1_000) this.calls.shift();
    if (this.calls.length >= this.limit) return false;
    this.calls.push(now);
    return true;
  }
}

/** The answer Zoom gives above its per-second limit of the Medium label. */
export const MEDIUM_429 = {
  headers: { 'content-type': 'application/json', 'x-ratelimit-category': 'Medium', 'x-ratelimit-type': 'QPS' },
  body: JSON.stringify({ code: 429, message: 'You have reached the maximum per-second rate limit for this API.' }),
};

/** The bot's configuration with Zoom (`/v2`, `/oauth/token`) and Slack (`/slack/`) on the fake at `base`. */
export function benchConfig(base: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_API_URL: `${base}/slack/`,
    ZOOM_ACCOUNT_ID: 'bench',
    ZOOM_CLIENT_ID: 'bench',
    ZOOM_CLIENT_SECRET: 'bench',
    ZOOM_API_URL: `${base}/v2`,
    ZOOM_OAUTH_URL: `${base}/oauth/token`,
    ZOOM_PLAN: 'pro',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...env,
  });
}

/** Stops the bot's workers and queues, removes the run's keys, and closes the fake. */
export async function tearDown(run: { workers: RunningWorkers; services: Services; redis: Redis; keyPrefix: string; server: Server }): Promise<void> {
  await run.workers.stop();
  await run.services.jobs.close();
  const keys = await run.redis.keys(`*${run.keyPrefix}*`);
  if (keys.length) await run.redis.del(...keys);
  run.redis.disconnect();
  run.server.close();
}
