// The cap on automatic approvals: one counter per meeting/webinar (per occurrence for recurring ones), taken and
// given back atomically by Lua, so concurrent registrations never approve more than the cap allows.
import { redisKey } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { RedisScript } from '../redis-script.js';

export interface CapSlot {
  kind: 'meeting' | 'webinar';
  id: string;
  occurrence?: string;
}

// A counter lives 90 days after its last change: long past any registration window, so counters do not pile up.
const CAP_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/** Atomically takes one of `cap` approval places; false when all are taken. */
export async function claimApproval(redis: RedisClient, keyPrefix: string, slot: CapSlot, cap: number): Promise<boolean> {
  return (await claim.run(redis, [capKey(keyPrefix, slot)], [cap, CAP_TTL_MS])) === 1;
}

/** Gives a place back (Undo of an automatic approval); never below zero. */
export async function releaseApproval(redis: RedisClient, keyPrefix: string, slot: CapSlot): Promise<void> {
  await release.run(redis, [capKey(keyPrefix, slot)], [CAP_TTL_MS]);
}

export async function approvalsTaken(redis: RedisClient, keyPrefix: string, slot: CapSlot): Promise<number> {
  return Number((await redis.get(capKey(keyPrefix, slot))) ?? 0);
}

function capKey(keyPrefix: string, slot: CapSlot): string {
  return redisKey(keyPrefix, 'rules', 'cap', slot.kind, slot.id, ...(slot.occurrence ? [slot.occurrence] : []));
}

const claim = new RedisScript(`
local taken = tonumber(redis.call('GET', KEYS[1]) or '0')
if taken >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

const release = new RedisScript(`
local taken = tonumber(redis.call('GET', KEYS[1]) or '0')
if taken <= 0 then return 0 end
redis.call('DECR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);
