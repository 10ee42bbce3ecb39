// The rules' decision ledger on real Redis: a registration is claimed and queued once whoever asks again, batches of
// at most 30 are taken from a bucket with no decision in two batches or in none, and a job that died with a batch in
// hand gets that same batch back (marked resumed), with Zoom's outcome once it was saved.
import { afterAll, describe, expect, it } from 'vitest';
import { BatchReport, QueuedDecision as Queued, RuleDecisions, type Batch, type Bucket, type DecisionClaim, type QueuedDecision, type Registration } from '../../../src/rules/decisions.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('rule-decisions');
const ledger = new RuleDecisions(redis, prefix);
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

const reg = (r: string, occurrence?: string): Registration => ({ kind: 'webinar', sessionId: '81234567890', registrantId: r, email: `${r}@acme.com`, ...(occurrence ? { occurrence } : {}) });
const decision = (r: string): QueuedDecision => ({ k: 'webinar', s: '81234567890', r, e: `${r}@acme.com`, action: 'approve', reason: 'acme.com is on the approve list', at: 1 });
const claimed: DecisionClaim = { action: 'approve', reason: 'acme.com is on the approve list', mode: 'on', channel: 'CRULES', stage: 'claimed' };
const bucket = (s: string): Bucket => ({ kind: 'decide', channel: 'CRULES', k: 'webinar', s, action: 'approve' });
/** The batch taken, failing the test when the ledger answered `short`. */
function inHand<T>(taken: Batch<T> | 'short' | undefined): Batch<T> | undefined {
  if (taken === 'short') throw new Error('the bucket was short of a full batch');
  return taken;
}
async function queue(b: Bucket, ids: string[]): Promise<void> {
  for (const r of ids) {
    await ledger.claimFirst(reg(r), claimed);
    await ledger.settle(reg(r), { ...claimed, stage: 'queued' }, { bucket: b, decision: decision(r) });
  }
}

describe('claims', () => {
  it('keeps the first decision of a registration: a second claim gets it back, a second settle queues nothing', async () => {
    expect(await ledger.claim(reg('a'))).toBeUndefined();
    expect(await ledger.claimFirst(reg('a'), claimed)).toEqual(claimed);
    // A duplicate webhook evaluated under other rules meanwhile: the first decision stands.
    expect(await ledger.claimFirst(reg('a'), { ...claimed, action: 'deny' })).toEqual(claimed);
    const final: DecisionClaim = { ...claimed, stage: 'queued' };
    expect(await ledger.settle(reg('a'), final, { bucket: bucket('1'), decision: decision('a') })).toBe(true);
    expect(await ledger.settle(reg('a'), final, { bucket: bucket('1'), decision: decision('a') })).toBe(false);
    expect(await ledger.claim(reg('a'))).toEqual(final);
    expect(await ledger.waiting(bucket('1'))).toBe(1);
  });

  it('tells occurrences apart: the same registrant of another occurrence is another registration', async () => {
    await ledger.claimFirst(reg('b', '1700000000000'), claimed);
    expect(await ledger.claim(reg('b', '1700000000000'))).toEqual(claimed);
    expect(await ledger.claim(reg('b', '1700000600000'))).toBeUndefined();
    expect(await ledger.claim(reg('b'))).toBeUndefined();
  });

  it('remembers a cap place taken before a crash, so the retry does not take another', async () => {
    await ledger.claimFirst(reg('c'), claimed);
    await ledger.markCapped(reg('c'), claimed);
    expect(await ledger.claim(reg('c'))).toEqual({ ...claimed, capped: true });
  });
});

describe('batches', () => {
  it('hands out at most 30 at a time to jobs taking at once, each decision in exactly one batch', async () => {
    const b = bucket('2');
    await queue(b, Array.from({ length: 70 }, (_, i) => `n${i}`));
    const taken = (await Promise.all(['job-1', 'job-2', 'job-3', 'job-4'].map((owner) => ledger.take(owner, b, Queued, 30, `${owner}:x`)))).map(inHand);
    const sizes = taken.map((t) => t?.entries.length ?? 0).sort((x, y) => y - x);
    expect(sizes).toEqual([30, 30, 10, 0]);
    const ids = taken.flatMap((t) => t?.entries.map((e) => e.r) ?? []);
    expect(new Set(ids).size).toBe(70);
    expect(await ledger.waiting(b)).toBe(0);
  });

  it('gives a job that died with a batch in hand the same batch back, and hands its outcome over to the channel’s reports', async () => {
    const b = bucket('3');
    await queue(b, ['x1', 'x2', 'x3']);
    const first = inHand(await ledger.take('job-9', b, Queued, 2, 'job-9:first'));
    expect(first).toMatchObject({ id: 'job-9:first', resumed: false, audited: false });
    expect(first!.entries.map((e) => e.r)).toEqual(['x1', 'x2']);
    // The run died here: its next run is handed the same batch, not a new one.
    const again = inHand(await ledger.take('job-9', b, Queued, 2, 'job-9:second'));
    expect(again).toMatchObject({ id: 'job-9:first', resumed: true });
    expect(again!.entries.map((e) => e.r)).toEqual(['x1', 'x2']);
    // Zoom answered: the outcome goes to the reports of the channel in the same step as the batch is let go.
    const reports = await ledger.handOver('job-9', { id: 'job-9:first', bucket: b as BatchReport['bucket'], outcome: { decided: [decision('x1')], failed: [{ decision: decision('x2'), reason: 'Zoom said no' }] } });
    expect(reports).toEqual({ kind: 'report', channel: 'CRULES' });
    const next = inHand(await ledger.take('job-9', b, Queued, 2, 'job-9:fourth'));
    expect(next).toMatchObject({ id: 'job-9:fourth', resumed: false });
    expect(next!.entries.map((e) => e.r)).toEqual(['x3']);
    await ledger.finish('job-9');
    expect(await ledger.take('job-9', b, Queued, 2, 'job-9:fifth')).toBeUndefined();
    // The report job: the report in hand until its message and audit are done, audited marked on the way.
    const report = inHand(await ledger.take('job-10', reports, BatchReport, 1, 'job-10:a'));
    expect(report!.entries[0]).toMatchObject({ id: 'job-9:first', outcome: { decided: [{ r: 'x1' }], failed: [{ reason: 'Zoom said no' }] } });
    await ledger.markAudited('job-10');
    expect(inHand(await ledger.take('job-10', reports, BatchReport, 1, 'job-10:b'))).toMatchObject({ id: 'job-10:a', resumed: true, audited: true });
    await ledger.finish('job-10');
    expect(await ledger.take('job-10', reports, BatchReport, 1, 'job-10:c')).toBeUndefined();
  });

  it('sends a batch short of 30 only when told it may, and then takes what there is', async () => {
    const b = bucket('4');
    await queue(b, ['y1', 'y2']);
    expect(await ledger.lastQueuedAt(b)).toBeGreaterThan(Date.now() - 60_000);
    expect(await ledger.take('job-5', b, Queued, 30, 'job-5:a', false)).toBe('short');
    expect(await ledger.waiting(b)).toBe(2);
    expect(inHand(await ledger.take('job-5', b, Queued, 30, 'job-5:b', true))!.entries.map((e) => e.r)).toEqual(['y1', 'y2']);
  });
});
