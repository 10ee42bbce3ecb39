// The name of every Redis key the bot writes outside BullMQ. The deployment's prefix sits inside the hash tag
// (`{zoomops:relay}:posted:…`), so keys that a script or MULTI uses together share one Redis Cluster slot, and two
// deployments on one cluster land on different slots and never see each other's keys.

/** Keys of one group share a slot: a script or transaction may only combine keys of one group. */
export const KEY_GROUPS = [
  'relay',
  'watches',
  'slack-pace',
  'jobs',
  'pending',
  'zoom-token',
  'zoom-rate',
  'zoom-ws',
  'download-lock',
  'rules',
] as const;
export type KeyGroup = (typeof KEY_GROUPS)[number];

export function redisKey(prefix: string, group: KeyGroup, ...parts: string[]): string {
  return [`{${prefix}:${group}}`, ...parts].join(':');
}

/**
 * A key of one shard of a group (`{zoomops:relay-3}:…`), so a group's keys can spread over several slots; shard 0 is
 * the group's own tag (`{zoomops:relay}:…`), so keys written before shards are found where they were.
 */
export function shardKey(prefix: string, group: KeyGroup, shard: number | string, ...parts: string[]): string {
  return shard === 0 ? redisKey(prefix, group, ...parts) : [`{${prefix}:${group}-${shard}}`, ...parts].join(':');
}
