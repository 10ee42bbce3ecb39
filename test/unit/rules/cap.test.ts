// The approval cap on real Redis: concurrent claims never take more places than the cap, a release never goes
// below zero, occurrences count apart, and every counter sits in the `rules` key group (one cluster slot).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { approvalsTaken, claimApproval, releaseApproval, type CapSlot } from '../../../src/rules/cap.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('rules-cap');
const webinar: CapSlot = { kind: 'webinar', id: '81234567890' };

beforeEach(() => clearPrefix(redis, prefix));
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

describe('approval cap', () => {
  it('gives exactly 10 of 50 parallel claims a place when the cap is 10', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => claimApproval(redis, prefix, webinar, 10)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await approvalsTaken(redis, prefix, webinar)).toBe(10);
    expect(await claimApproval(redis, prefix, webinar, 10)).toBe(false);
  });

  it('gives a released place to the next claim, and a release never goes below zero', async () => {
    expect(await claimApproval(redis, prefix, webinar, 1)).toBe(true);
    expect(await claimApproval(redis, prefix, webinar, 1)).toBe(false);
    await releaseApproval(redis, prefix, webinar);
    expect(await claimApproval(redis, prefix, webinar, 1)).toBe(true);
    await Promise.all([releaseApproval(redis, prefix, webinar), releaseApproval(redis, prefix, webinar), releaseApproval(redis, prefix, webinar)]);
    expect(await approvalsTaken(redis, prefix, webinar)).toBe(0);
    expect(await claimApproval(redis, prefix, webinar, 1)).toBe(true);
    expect(await approvalsTaken(redis, prefix, webinar)).toBe(1);
  });

  it('counts each occurrence of a recurring meeting and each meeting apart', async () => {
    const first: CapSlot = { kind: 'meeting', id: '81234567890', occurrence: '1767261600000' };
    const second: CapSlot = { ...first, occurrence: '1767866400000' };
    expect(await claimApproval(redis, prefix, first, 1)).toBe(true);
    expect(await claimApproval(redis, prefix, second, 1)).toBe(true);
    expect(await claimApproval(redis, prefix, webinar, 1)).toBe(true);
    expect(await claimApproval(redis, prefix, first, 1)).toBe(false);
    expect(await approvalsTaken(redis, prefix, { kind: 'meeting', id: '81234567890' })).toBe(0);
  });

  it('keeps its counters in the rules key group and lets them expire', async () => {
    await claimApproval(redis, prefix, webinar, 3);
    await releaseApproval(redis, prefix, { kind: 'meeting', id: '99999999999' });
    const [, keys] = await redis.scan('0', 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    expect(keys).toEqual([`{${prefix}:rules}:cap:webinar:81234567890`]);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(89 * 24 * 3600 * 1000);
  });
});
