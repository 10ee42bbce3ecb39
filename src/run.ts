// Starts what one process runs for its role (ZOOMOPS_ROLE, docs/configuration.md): web (Slack + Zoom ingress), worker (BullMQ
// workers and /healthz), or all of it; the sandbox runs the very same thing against its fakes.
import type { Redis } from 'ioredis';
import type { DateTime } from 'luxon';
import { createHealthServer, createServices, createWebBot } from './app.js';
import type { Config } from './config.js';
import { JOB_PROCESSORS } from './jobs/processors.js';
import { startWorkers } from './jobs/workers.js';
import { checkRelayScopes } from './jobs/relay.js';
import type { Logger } from './log.js';
import { metricsRoute } from './ops/metrics-route.js';
import { checkDurability, connectRedis } from './redis.js';
import type { Services } from './services.js';

export interface RunningBot {
  services: Services;
  /** Stops taking work, lets running work reach a safe point, closes the queues; leaves `redis` open. */
  stop(): Promise<void>;
}

export async function startBot(
  config: Config,
  opts: { redis: Redis; log: Logger; keyPrefix?: string; now?: () => DateTime; host?: string },
): Promise<RunningBot> {
  const botOptions = { config, ...opts };
  const services = createServices(botOptions);
  const stoppers: Array<() => Promise<void>> = [];
  if (config.role === 'worker') {
    const health = createHealthServer(opts.redis, config.port, [metricsRoute(services)]);
    await health.start();
    stoppers.push(health.stop);
  } else {
    const web = createWebBot(botOptions, services);
    await web.start();
    stoppers.push(web.stop);
  }
  if (config.role !== 'web') {
    const workers = startWorkers(JOB_PROCESSORS, services);
    stoppers.push(workers.stop);
    void checkRelayScopes(services);
    opts.log.info({ queues: [...new Set(JOB_PROCESSORS.map((p) => p.queue))] }, 'job workers are running');
  }
  return {
    services,
    stop: async () => {
      // Web first, so no new work arrives while the workers finish theirs.
      for (const stop of stoppers) await stop();
      await services.jobs.close();
    },
  };
}

/** A whole process: its Redis connection (reporting outages once), the bot for its role, and a clean stop. */
export async function runProcess(config: Config, log: Logger, opts: { keyPrefix?: string; host?: string } = {}): Promise<{ stop(): Promise<void> }> {
  const redis = connectRedis(config.redisUrl);
  let redisDownSince: number | undefined;
  redis.on('error', (error) => {
    // ioredis reports every failed reconnect; one line per outage is enough.
    if (redisDownSince === undefined) {
      redisDownSince = Date.now();
      log.error({ err: error }, 'Redis is not answering; commands will fail until it is back');
    }
  });
  redis.on('ready', () => {
    if (redisDownSince !== undefined) log.info('Redis is back');
    redisDownSince = undefined;
  });
  redis.once('ready', () => void checkDurability(redis, log));
  const bot = await startBot(config, { redis, log, ...opts });
  return {
    stop: async () => {
      await bot.stop();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
