// STUB of R1's contract (RULES-CONTRACT.md), replaced by rules-core's file at the merge.
import type { RedisClient } from '../redis.js';
import { redisKey } from '../redis-keys.js';
import { RedisScript } from '../redis-script.js';

export interface CapSlot {
  kind: 'meeting' | 'webinar';
  id: string;
  occurrence?: string;
}

const take = new RedisScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);
const give = new RedisScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 1
`);
const KEEP_MS = 90 * 24 * 3600_000;
const key = (prefix: string, s: CapSlot) => redisKey(prefix, 'rules', 'cap', s.kind, s.id, s.occurrence ?? '-');

export async function claimApproval(redis: RedisClient, keyPrefix: string, slot: CapSlot, cap: number): Promise<boolean> {
  return Number(await take.run(redis, [key(keyPrefix, slot)], [cap, KEEP_MS])) === 1;
}

export async function releaseApproval(redis: RedisClient, keyPrefix: string, slot: CapSlot): Promise<void> {
  await give.run(redis, [key(keyPrefix, slot)], []);
}

export async function approvalsTaken(redis: RedisClient, keyPrefix: string, slot: CapSlot): Promise<number> {
  return Number((await redis.get(key(keyPrefix, slot))) ?? 0);
}
