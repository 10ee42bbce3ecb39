// Starts what one process runs for its role (ZOOMOPS_ROLE, docs/configuration.md): web (Slack + Zoom ingress), worker (BullMQ
// workers and /healthz), or all of it; the sandbox runs the very same thing against its fakes.
import type { DateTime } from 'luxon';
import { createHealthServer, createServices, createWebBot } from './app.js';
import type { Config } from './config.js';
import { CodedError } from './errors.js';
import { JOB_PROCESSORS } from './jobs/processors.js';
import { startWorkers } from './jobs/workers.js';
import { checkRelayScopes } from './jobs/relay.js';
import type { Logger } from './log.js';
import { metricsRoute } from './ops/metrics-route.js';
import { ThrottledLog } from './log-throttle.js';
import { checkDurability, clusterNodeRefusal, connectRedis, waitForRedis, type RedisClient } from './redis.js';
import { migrateKeyLayout } from './redis-migrate.js';
import type { Services } from './services.js';

export interface RunningBot {
  services: Services;
  /** Stops taking work, lets running work reach a safe point, closes the queues; leaves `redis` open. */
  stop(): Promise<void>;
}

export async function startBot(
  config: Config,
  opts: { redis: RedisClient; log: Logger; keyPrefix?: string; now?: () => DateTime; host?: string; redisErrors?: ThrottledLog },
): Promise<RunningBot> {
  const botOptions = { config, ...opts };
  // Before anything reads a key: an upgraded deployment finds its watches and pending work under the new names. A
  // Redis that is down at start-up does not hold the start (commands answer that Redis is down): it is done on connect.
  const migrate = () => migrateKeyLayout(opts.redis, opts.keyPrefix ?? config.keyPrefix, opts.log);
  if (opts.redis.status === 'ready') await migrate();
  else opts.redis.once('ready', () => void migrate().catch((error: unknown) => opts.log.error({ err: error }, 'could not move the Redis keys to the new layout')));
  const services = createServices(botOptions);
  const stoppers: Array<() => Promise<void>> = [];
  if (config.role === 'worker') {
    const health = createHealthServer(opts.redis, services.keyPrefix, config.port, [metricsRoute(services)], config.eventShards);
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

/** Start-up stops here, with the message an operator needs, instead of a bot that looks healthy and fails every request. */
export class RedisRefusedError extends CodedError<'redis_refused'> {
  constructor(message: string) {
    super('redis_refused', message);
  }
}

// How long start-up waits for Redis before it goes on and lets the connection retry in the background.
const FIRST_CONNECT_MS = 10_000;

/**
 * A whole process: its Redis connection (one Redis, Sentinel or Cluster, from the config; repeating errors logged
 * once a minute per cause), the bot for its role, and a clean stop. Rejects with RedisRefusedError when REDIS_URL
 * reaches a cluster node.
 */
export async function runProcess(config: Config, log: Logger, opts: { keyPrefix?: string; host?: string } = {}): Promise<{ stop(): Promise<void> }> {
  const redis = connectRedis(config.redis);
  const redisErrors = new ThrottledLog(log);
  let redisDownSince: number | undefined;
  redis.on('error', (error: unknown) => {
    redisDownSince ??= Date.now();
    redisErrors.error('connection', error, 'Redis is not answering; commands will fail until it is back');
  });
  redis.on('ready', () => {
    if (redisDownSince !== undefined) log.info({ downForMs: Date.now() - redisDownSince }, 'Redis is back');
    redisDownSince = undefined;
  });
  const refusal = await firstConnectRefusal(redis, log);
  if (refusal) {
    redis.disconnect();
    throw new RedisRefusedError(refusal);
  }
  const bot = await startBot(config, { redis, log, redisErrors, ...opts });
  return {
    stop: async () => {
      await bot.stop();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Checks the server once it first answers: a cluster node reached without the cluster client is refused; a Redis
 * that could lose accepted work is warned about. A Redis still down after FIRST_CONNECT_MS does not stop start-up
 * (it may be restarting); it is checked when it comes, and /healthz reports a cluster node as the reason.
 */
async function firstConnectRefusal(redis: RedisClient, log: Logger): Promise<string | undefined> {
  const check = async () => {
    const refusal = await clusterNodeRefusal(redis);
    if (refusal) return refusal;
    await checkDurability(redis, log);
    return undefined;
  };
  try {
    await waitForRedis(redis, FIRST_CONNECT_MS);
  } catch {
    log.warn(`Redis did not answer within ${FIRST_CONNECT_MS / 1000} s; starting anyway, commands fail until it answers`);
    redis.once('ready', () => {
      check()
        .then((refusal) => refusal && log.error(refusal))
        .catch((error: unknown) => log.warn({ err: error }, 'could not check the Redis server'));
    });
    return undefined;
  }
  return check();
}
