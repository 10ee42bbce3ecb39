// What GET /healthz asks of Redis: a keyed write on the slot of every queue and key group the bot uses. A PING
// only proves one node answers; on a cluster with a master down, or a plain client on a cluster node, PING is fine
// while the bot's own keys fail.
import { eventQueueName } from './jobs/event-shards.js';
import { QUEUE_NAMES, queuePrefix } from './jobs/queues.js';
import { CLUSTER_NODE_REFUSAL, type RedisClient } from './redis.js';
import { KEY_GROUPS, redisKey, shardKey } from './redis-keys.js';

const ANSWER_WITHIN_MS = 2_000;
// Long enough for a probe to outlive any answer, short enough to leave nothing behind.
const PROBE_TTL_MS = 10_000;

/** The health probes' keys: one per slot the bot writes (each event shard's queue and relay state among them). */
export function healthKeys(keyPrefix: string, eventShards = 1): string[] {
  const shards = Array.from({ length: eventShards }, (_, shard) => shard).slice(1);
  return [
    ...QUEUE_NAMES.map((queue) => `${queuePrefix(keyPrefix, queue)}:health`),
    ...shards.map((shard) => `${queuePrefix(keyPrefix, eventQueueName(shard))}:health`),
    ...KEY_GROUPS.map((group) => redisKey(keyPrefix, group, 'health')),
    ...shards.map((shard) => shardKey(keyPrefix, 'relay', shard, 'health')),
  ];
}

/** Undefined when Redis serves every slot of the bot's keys; else the reason, for the 503. */
export async function redisHealthProblem(redis: RedisClient, keyPrefix: string, eventShards = 1): Promise<string | undefined> {
  if (redis.status !== 'ready') return `Redis is not connected (${redis.status})`;
  const stamp = String(Date.now());
  const probes = healthKeys(keyPrefix, eventShards).map(async (key) => {
    try {
      await redis.set(key, stamp, 'PX', PROBE_TTL_MS);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(message.startsWith('MOVED') ? CLUSTER_NODE_REFUSAL : `Redis did not write ${key}: ${message}`);
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not write the bot's keys within ${ANSWER_WITHIN_MS / 1000} s`)), ANSWER_WITHIN_MS);
  });
  try {
    await Promise.race([Promise.all(probes), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
