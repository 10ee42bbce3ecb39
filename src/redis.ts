// Every Redis connection the bot makes (one Redis, a Redis Cluster, or a master found through Sentinel) comes
// from connectRedis, and the start-up checks: a cluster node reached without the cluster client, and a Redis
// that could lose accepted work.
import { Cluster, Redis, type ChainableCommander, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTopology } from './config.js';
import type { Logger } from './log.js';
import { RedisUnavailableError } from './redis-errors.js';

/** The key namespace of this deployment; tests use their own so they never see each other's keys. */
export const DEFAULT_KEY_PREFIX = 'zoomops';

/** A connection to one Redis (maybe found through Sentinel) or to a whole Redis Cluster: the bot uses either alike. */
export type RedisClient = Redis | Cluster;

/**
 * `commands`: request paths (commands, webhooks, scripts, queues that only add jobs) fail fast while Redis is down,
 * so the admin gets an answer instead of a hang. `worker`: BullMQ workers and their blocking commands wait for
 * Redis to come back instead (BullMQ requires `maxRetriesPerRequest: null` there).
 */
export type ConnectionUse = 'commands' | 'worker';

const USE_OPTIONS: Record<ConnectionUse, RedisOptions> = {
  commands: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
};

const COMMON_OPTIONS: RedisOptions = {
  connectTimeout: 5_000,
  // Keep reconnecting in the background, at most every 2 s.
  retryStrategy: (times) => Math.min(times * 200, 2_000),
};

/** A new connection to the deployment `topology` describes (a bare URL is one Redis). */
export function connectRedis(topology: RedisTopology | string, use: ConnectionUse = 'commands', overrides: RedisOptions = {}): RedisClient {
  const target: RedisTopology = typeof topology === 'string' ? { kind: 'single', url: topology } : topology;
  const options = { ...COMMON_OPTIONS, ...USE_OPTIONS[use], ...overrides };
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, options);
    case 'sentinel':
      // ioredis asks the Sentinels for the master and asks again after every failover: no restart needed.
      return new Redis({
        ...options,
        sentinels: target.sentinels,
        name: target.name,
        sentinelPassword: target.sentinelPassword,
        username: target.username,
        password: target.password,
        db: target.db,
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
        sentinelRetryStrategy: (times) => Math.min(times * 200, 2_000),
      });
    case 'cluster': {
      const { enableOfflineQueue, ...perNode } = options;
      const clusterOptions: ClusterOptions = {
        enableOfflineQueue,
        redisOptions: {
          ...perNode,
          username: target.username,
          password: target.password,
          ...(target.tls ? { tls: {} } : {}),
        },
        clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
        // A master that died: its replica is promoted within seconds, MOVED then points at it.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 300,
        slotsRefreshTimeout: 2_000,
        // ioredis's ready check asks CLUSTER INFO and, while a replica is being promoted (cluster_state:fail), drops
        // the connection and tries again, leaving the promise of that connect() pending for ever. BullMQ awaits it
        // when it resets a worker's blocking connection, so one failover could park a queue's worker for good (seen
        // in the topology suite: a shard's worker never fetched again and never closed). Without the check the
        // client is ready once it has the slots; a command meeting CLUSTERDOWN is retried (retryDelayOnClusterDown).
        enableReadyCheck: false,
      };
      return new Cluster(target.nodes, clusterOptions);
    }
  }
}

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/**
 * Runs a pipeline or MULTI and returns its replies. ioredis resolves `exec()` even when commands inside failed (each
 * reply carries its own error) and with null when a WATCH aborted it: both are failures here, never success.
 */
export async function execChecked(batch: ChainableCommander): Promise<unknown[]> {
  const replies = await batch.exec();
  if (!replies) throw new Error('Redis aborted the transaction');
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return replies.map(([, value]) => value);
}

/** Resolves once the connection is ready, or rejects with the reason after `timeoutMs`. */
export async function waitForRedis(redis: RedisClient, timeoutMs = 10_000): Promise<void> {
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


/**
 * A plain connection that reached a Redis Cluster node would answer `MOVED` to most keys while looking healthy.
 * Returns the sentence that stops start-up, or undefined when the server is not a cluster node (or the client is
 * the cluster client).
 */
export async function clusterNodeRefusal(redis: RedisClient): Promise<string | undefined> {
  if (isCluster(redis)) return undefined;
  // A managed Redis may refuse INFO; then the health check's keyed writes are what tells.
  const info = await redis.info('cluster').catch(() => '');
  return /^cluster_enabled:1\b/m.test(info) ? CLUSTER_NODE_REFUSAL : undefined;
}

export const CLUSTER_NODE_REFUSAL =
  'REDIS_URL points at a Redis Cluster node, which a plain connection cannot use: set REDIS_CLUSTER_NODES to the cluster\'s node URLs (comma-separated) instead.';

/**
 * Accepted webhooks and jobs live in Redis: eviction or a missing AOF can drop them. Returns the problems
 * (empty when safe) and logs one warning; managed Redis that forbids CONFIG is reported as unknown.
 */
export async function checkDurability(redis: RedisClient, log: Logger): Promise<string[]> {
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

async function configValue(redis: RedisClient, name: string): Promise<string | undefined> {
  // On a cluster, ask one master: the nodes of one deployment share their settings.
  const node = isCluster(redis) ? redis.nodes('master')[0] : redis;
  if (!node) return undefined;
  const reply = (await node.config('GET', name)) as string[];
  return reply[1];
}
