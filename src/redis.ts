// Redis connections for everything the bot shares between processes, and the start-up check that
// warns when this Redis could lose accepted work.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './log.js';

/** The key namespace of this deployment; tests use their own so they never see each other's keys. */
export const DEFAULT_KEY_PREFIX = 'zoomops';

/**
 * A connection for request paths (commands, webhooks): fails fast while Redis is down, so the admin gets an
 * answer instead of a hang. BullMQ workers need their own connections with `maxRetriesPerRequest: null`.
 */
export function connectRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    // Keep reconnecting in the background, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...extra,
  });
}

/** Resolves once the connection is ready, or rejects with the reason after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(`Redis did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

export class RedisUnavailableError extends Error {
  constructor(message = 'Redis is not answering') {
    super(message);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** ioredis reports an unreachable server with several error shapes; this tells them from command errors. */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof RedisUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ETIMEDOUT|ECONNRESET|EHOSTUNREACH/.test(error.message)
  );
}

/**
 * Accepted webhooks and jobs live in Redis: eviction or a missing AOF can drop them. Returns the problems
 * (empty when safe) and logs one warning; managed Redis that forbids CONFIG is reported as unknown.
 */
export async function checkDurability(redis: Redis, log: Logger): Promise<string[]> {
  const problems: string[] = [];
  try {
    const policy = await configValue(redis, 'maxmemory-policy');
    if (policy !== undefined && policy !== 'noeviction') {
      problems.push(`maxmemory-policy is "${policy}" (use noeviction, or Redis may evict queued events and jobs)`);
    }
    const aof = await configValue(redis, 'appendonly');
    if (aof !== undefined && aof !== 'yes') {
      problems.push('AOF persistence is off (appendonly no): a Redis restart loses accepted events and jobs');
    }
  } catch (error) {
    log.warn({ err: error }, 'Could not read Redis settings (CONFIG GET refused); make sure it uses noeviction and AOF');
    return problems;
  }
  if (problems.length > 0) {
    log.warn({ problems }, `Redis could lose accepted work: ${problems.join('; ')}`);
  }
  return problems;
}

async function configValue(redis: Redis, name: string): Promise<string | undefined> {
  const reply = (await redis.config('GET', name)) as string[];
  return reply[1];
}
