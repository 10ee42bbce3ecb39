// Up to this version every key but the queues' sat outside its hash tag (`zoomops:{relay}:posted:…`, and
// `zoomops:download-lock:…` had none). The key names moved the prefix inside the tag (redis-keys.ts); this carries an
// existing deployment's keys over at start-up, so an upgrade keeps its watches, pending confirmations, relay
// state, cancel requests and the cached Zoom token. Queues kept their names (`{zoomops-events}` already had the
// prefix inside), so queued jobs need nothing.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from './log.js';
import { isCluster, type RedisClient } from './redis.js';
import { redisKey } from './redis-keys.js';

// Long enough for a large keyspace; renewed as the migration goes.
const LOCK_TTL_MS = 30_000;
const WAIT_FOR_OTHERS_MS = 120_000;

/** The new name of a key of the old layout, or undefined when `key` is not one. */
export function newKeyName(keyPrefix: string, key: string): string | undefined {
  if (!key.startsWith(`${keyPrefix}:`)) return undefined;
  const rest = key.slice(keyPrefix.length + 1);
  const tagged = /^\{([^}]+)\}(.*)$/s.exec(rest);
  if (tagged) return `{${keyPrefix}:${tagged[1]}}${tagged[2]}`;
  if (rest.startsWith('download-lock:')) return redisKey(keyPrefix, 'download-lock', rest.slice('download-lock:'.length));
  return undefined;
}

/**
 * Moves every key of the old layout to its new name, with its value and time to live; a key the new layout already
 * holds (written since by this version) wins over the old one. Several processes starting at once take turns behind
 * a lock; whoever comes second finds nothing left to move. Returns how many keys this call moved.
 */
export async function migrateKeyLayout(redis: RedisClient, keyPrefix: string, log: Logger): Promise<number> {
  const lockKey = redisKey(keyPrefix, 'jobs', 'layout-migration');
  const owner = randomUUID();
  const givesUpAt = Date.now() + WAIT_FOR_OTHERS_MS;
  while ((await redis.set(lockKey, owner, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    if (Date.now() > givesUpAt) throw new Error(`another process has been migrating the Redis keys for ${WAIT_FOR_OTHERS_MS / 1000} s; start again once it is done`);
    await delay(200);
  }
  try {
    let moved = 0;
    for (const node of masters(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const target = newKeyName(keyPrefix, key);
          if (target && (await moveKey(redis, node, key, target))) moved += 1;
        }
        await redis.pexpire(lockKey, LOCK_TTL_MS);
      } while (cursor !== '0');
    }
    if (moved > 0) log.info({ moved }, 'moved Redis keys to the layout with the key prefix inside the hash tags');
    return moved;
  } finally {
    const holder = await redis.get(lockKey);
    if (holder === owner) await redis.del(lockKey);
  }
}

/** Every node that holds data: the masters of a cluster, or the one Redis. */
function masters(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}

/** DUMP and RESTORE rather than RENAME: on a cluster the two names live in different slots. */
async function moveKey(redis: RedisClient, node: Redis, from: string, to: string): Promise<boolean> {
  const [dump, ttl] = await Promise.all([node.dumpBuffer(from), node.pttl(from)]);
  // Expired or removed between the scan and now: nothing to keep.
  if (dump === null || ttl === -2) return false;
  try {
    await redis.restore(to, ttl > 0 ? ttl : 0, dump);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYKEY'))) throw error;
  }
  await redis.del(from);
  return true;
}
