// RuleStore on real Redis: a set read back as stored, the governing set (own before account-wide), the list's
// order, the shadow tally that starts again when the mode changes, and every key in the `rules` group.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { RuleSet, RuleTarget } from '../../../src/rules/model.js';
import { RuleStore } from '../../../src/rules/store.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('rules-store');
const store = new RuleStore(redis, prefix);

const account: RuleTarget = { kind: 'account' };
const webinar: RuleTarget = { kind: 'webinar', id: '81234567890' };
const meeting: RuleTarget = { kind: 'meeting', id: '91234567890' };
const set = (target: RuleTarget, changes: Partial<RuleSet> = {}): RuleSet => ({
  target,
  approveDomains: ['acme.com'],
  denyDomains: ['mailinator.com'],
  channel: 'C1',
  mode: 'shadow',
  modeSince: 1_000,
  updatedBy: 'UADMIN',
  updatedAt: 1_000,
  ...changes,
});

beforeEach(() => clearPrefix(redis, prefix));
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

describe('RuleStore', () => {
  it('reads back what it saved and nothing for a target without rules', async () => {
    await store.save(set(webinar, { cap: 100 }));
    expect(await store.get(webinar)).toEqual(set(webinar, { cap: 100 }));
    expect(await store.get(meeting)).toBeUndefined();
    expect(await store.get(account)).toBeUndefined();
  });

  it('governs a meeting by its own set, else by the account-wide one, else by none', async () => {
    expect(await store.governing('meeting', meeting.id)).toBeUndefined();
    await store.save(set(account, { approveDomains: ['corp.example'] }));
    expect((await store.governing('meeting', meeting.id))?.target).toEqual(account);
    await store.save(set(meeting));
    expect((await store.governing('meeting', meeting.id))?.target).toEqual(meeting);
    // A webinar with the same number as a meeting is another target.
    expect((await store.governing('webinar', meeting.id))?.target).toEqual(account);
  });

  it('lists the account-wide set first, then the others by target', async () => {
    await store.save(set(webinar));
    await store.save(set(meeting));
    await store.save(set(account));
    expect((await store.list()).map((s) => s.target)).toEqual([account, meeting, webinar]);
  });

  it('refuses to save a set the schema refuses, and skips a stored value it cannot read', async () => {
    await expect(store.save(set({ kind: 'webinar', id: '12' }))).rejects.toThrow();
    await redis.hset(`{${prefix}:rules}:sets`, 'meeting:1', '{not json', 'meeting:2', JSON.stringify({ target: account }));
    await store.save(set(account));
    expect((await store.list()).map((s) => s.target)).toEqual([account]);
  });

  it('replaces a set only while it is still the one read, so concurrent changes cannot drop each other', async () => {
    expect(await store.replace(undefined, set(webinar))).toBe(true);
    expect(await store.replace(undefined, set(webinar, { cap: 5 }))).toBe(false);
    const read = (await store.get(webinar))!;
    const results = await Promise.all([store.replace(read, { ...read, cap: 7 }), store.replace(read, { ...read, approveDomains: ['globex.com'] })]);
    expect(results.sort()).toEqual([false, true]);
    // Exactly one change, whole: the other admin is told to try again rather than half-merged in.
    expect([{ ...read, cap: 7 }, { ...read, approveDomains: ['globex.com'] }]).toContainEqual(await store.get(webinar));
  });

  it('deletes a set and its tally, and says when there was none', async () => {
    await store.save(set(webinar));
    await store.recordShadow(webinar, 'approve');
    expect(await store.delete(webinar)).toBe(true);
    expect(await store.get(webinar)).toBeUndefined();
    expect(await store.shadowTally(webinar)).toEqual({ approve: 0, deny: 0, leave: 0 });
    expect(await store.delete(webinar)).toBe(false);
  });

  it('tallies shadow decisions, keeps the tally across a save in the same mode and starts again when the mode changes', async () => {
    await store.save(set(webinar));
    await Promise.all([
      ...Array.from({ length: 5 }, () => store.recordShadow(webinar, 'approve')),
      store.recordShadow(webinar, 'deny'),
      store.recordShadow(webinar, 'leave'),
      store.recordShadow(webinar, 'leave'),
    ]);
    expect(await store.shadowTally(webinar)).toEqual({ approve: 5, deny: 1, leave: 2 });
    expect(await store.shadowTally(meeting)).toEqual({ approve: 0, deny: 0, leave: 0 });

    await store.save(set(webinar, { cap: 10, updatedAt: 2_000 }));
    expect(await store.shadowTally(webinar)).toEqual({ approve: 5, deny: 1, leave: 2 });

    await store.save(set(webinar, { mode: 'on', modeSince: 3_000 }));
    expect(await store.shadowTally(webinar)).toEqual({ approve: 0, deny: 0, leave: 0 });
  });

  it('keeps every key in the rules key group, one cluster slot', async () => {
    await store.save(set(webinar));
    await store.save(set(account));
    await store.recordShadow(webinar, 'deny');
    const [, keys] = await redis.scan('0', 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    expect(keys.sort()).toEqual([`{${prefix}:rules}:sets`, `{${prefix}:rules}:shadow:webinar:81234567890`]);
  });
});
