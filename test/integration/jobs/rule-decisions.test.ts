// The rules queue's flush job on real Redis with real workers and a nock'd Zoom: a batch a crashed run had in hand is
// finished by asking Zoom who is still pending (no registrant changed twice), and Zoom's refusal leaves the
// registrants pending, named in the message, with their cap places given back.
import { describe, expect, it, vi } from 'vitest';
import { approvalsTaken, claimApproval } from '../../../src/rules/cap.js';
import { QueuedDecision, RuleDecisions, type Bucket } from '../../../src/rules/decisions.js';
import { ruleDecisions } from '../../../src/jobs/rule-decisions.js';
import { startWorkers } from '../../../src/jobs/workers.js';
import { eventsOfTopic, WatchStore } from '../../../src/slack/watches.js';
import { finishedJob, useJobFixture } from '../../helpers/jobs.js';
import { until } from '../../helpers/wait.js';

const fixture = useJobFixture('jobs-rule-decisions', { ZOOMOPS_AUDIT_CHANNEL: 'CAUDIT' });
const ledger = () => new RuleDecisions(fixture.services().redis, fixture.services().keyPrefix);
const decision = (webinar: string, r: string, capped = false): QueuedDecision => ({
  k: 'webinar', s: webinar, r, e: `${r}@acme.com`, action: 'approve', reason: 'acme.com is on the approve list', at: 1_796_000_000_000, ...(capped ? { capped: true, cap: 10 } : {}),
});

/** Queues decisions as the relay does: each claimed, then settled into the bucket. */
async function queue(bucket: Extract<Bucket, { kind: 'decide' }>, decisions: QueuedDecision[]): Promise<void> {
  for (const d of decisions) {
    const reg = { kind: d.k, sessionId: d.s, registrantId: d.r, email: d.e };
    await ledger().claimFirst(reg, { action: 'approve', reason: d.reason, mode: 'on', channel: bucket.channel, stage: 'claimed' });
    await ledger().settle(reg, { action: 'approve', reason: d.reason, mode: 'on', channel: bucket.channel, stage: 'queued' }, { bucket, decision: d });
  }
}

const posted = (channel: string) => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);

describe('rule decisions job', () => {
  it('finishes the batch a crashed run had in hand, sending only the registrants Zoom still lists as pending', async () => {
    const webinar = '81234567800';
    const bucket = { kind: 'decide', channel: 'CRULES', k: 'webinar', s: webinar, action: 'approve' } as const;
    await queue(bucket, ['p1', 'p2', 'p3'].map((r) => decision(webinar, r)));
    // The run that died had taken the batch, and its call reached Zoom for p1 and p2 before the crash.
    const jobId = 'rul-crashed000001';
    expect(await ledger().take(jobId, bucket, QueuedDecision, 30, `${jobId}:first`)).toMatchObject({ entries: [{ r: 'p1' }, { r: 'p2' }, { r: 'p3' }] });
    fixture.zoom().get(`/webinars/${webinar}/registrants`).query({ status: 'pending', page_size: 300 }).reply(200, {
      page_size: 300, total_records: 1, next_page_token: '', registrants: [{ id: 'p3', email: 'p3@acme.com', first_name: 'P3' }],
    });
    const sent: unknown[] = [];
    fixture.zoom().put(`/webinars/${webinar}/registrants/status`).reply((_uri, body) => {
      sent.push(body);
      return [204, ''];
    });
    const job = await fixture.services().jobs.queue('rules').add('Rules approve', { bucket }, { jobId });
    const workers = startWorkers([ruleDecisions], fixture.services());
    let message;
    try {
      expect(await (await finishedJob(fixture.services().jobs.queue('rules'), String(job.id))).getState()).toBe('completed');
      // The message is the report job's, queued by this one.
      message = await until('the decision message', () => posted('CRULES')[0], 10_000);
    } finally {
      await workers.stop();
    }
    expect(sent).toEqual([{ action: 'approve', registrants: [{ id: 'p3', email: 'p3@acme.com' }] }]);
    // All three were decided by the rules (two by the run that died): one message, an Undo for each, audited.
    expect(posted('CRULES')).toHaveLength(1);
    expect(message.body.text).toBe('The rules approved 3 registrations for webinar 812 3456 7800');
    expect(message.body.blocks.filter((b: { accessory?: { action_id: string } }) => b.accessory?.action_id === 'rules.undo')).toHaveLength(3);
    const audit = await until('the audit line', () => posted('CAUDIT')[0]);
    expect(String(audit.body.text).split('\n')).toHaveLength(3);
    expect(await ledger().take(jobId, bucket, QueuedDecision, 30, `${jobId}:next`)).toBeUndefined();
  });

  it('leaves registrants Zoom refuses pending, names them with Zoom’s reason, and gives their cap places back', async () => {
    const webinar = '81234567801';
    const bucket = { kind: 'decide', channel: 'CRULES2', k: 'webinar', s: webinar, action: 'approve' } as const;
    const { redis, keyPrefix } = fixture.services();
    const slot = { kind: 'webinar', id: webinar } as const;
    for (let i = 0; i < 2; i++) expect(await claimApproval(redis, keyPrefix, slot, 10)).toBe(true);
    await queue(bucket, [decision(webinar, 'q1', true), decision(webinar, 'q2', true)]);
    fixture.zoom().put(`/webinars/${webinar}/registrants/status`).reply(404, { code: 3001, message: 'Webinar does not exist: 81234567801.' });
    // Asked who is still pending, Zoom says the webinar is gone: nobody gets a card for it.
    const asked = fixture.zoom().get(`/webinars/${webinar}/registrants`).query(true).reply(404, { code: 3001, message: 'Webinar does not exist: 81234567801.' });
    fixture.startWorkers();
    await fixture.services().jobs.queue('rules').add('Rules approve', { bucket });
    const message = await until('the message', () => posted('CRULES2')[0], 10_000);
    expect(message.body.text).toBe('The rules approved 0 registrations for webinar 812 3456 7801; Zoom refused 2');
    expect(JSON.stringify(message.body.blocks)).toContain('Webinar does not exist: 81234567801. (Zoom code 3001)');
    expect(await approvalsTaken(redis, keyPrefix, slot)).toBe(0);
    const audit = await until('the audit line', () => posted('CAUDIT').find((c) => String(c.body.text).includes(webinar.slice(-4))));
    expect(audit.body.text).toMatch(/^:x: ZoomOps could not automatically approve q1@acme\.com/);
    // After the audit line, Zoom is asked who is still pending; once the rules jobs are done, no card was posted.
    await until('Zoom asked who is still pending', () => asked.isDone(), 10_000);
    const rulesQueue = fixture.services().jobs.queue('rules');
    await until('the rules jobs done', async () => Object.values(await rulesQueue.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).every((n) => n === 0), 10_000);
    expect(posted('CRULES2').filter((c) => String(c.body.text).includes('Registration waiting for approval'))).toEqual([]);
  });

  it('gives a registrant Zoom refuses in a status call the usual card in the watching and rules channels, once', async () => {
    const webinar = '81234567803';
    const bucket = { kind: 'decide', channel: 'CRULES4', k: 'webinar', s: webinar, action: 'approve' } as const;
    const { redis, keyPrefix } = fixture.services();
    await new WatchStore(redis, keyPrefix).add('CWATCH4', { topic: 'registrations', events: eventsOfTopic('registrations'), narrowed: false, createdBy: 'UADMIN', zone: 'Europe/Berlin', createdAt: '2026-01-01T00:00:00Z' });
    await queue(bucket, [decision(webinar, 'y1'), { ...decision(webinar, 'y2'), n: 'Why Two', t: 'Launch' }]);
    // The batch is refused (400), so the client sends each alone: y1 passes, y2 is refused for itself.
    const sent: string[][] = [];
    fixture.zoom().put(`/webinars/${webinar}/registrants/status`).reply((_uri, body) => {
      const ids = (body as { registrants: Array<{ id: string }> }).registrants.map((r) => r.id);
      sent.push(ids);
      return ids.includes('y2') ? [400, { code: 3003, message: 'Registrant has reached the limit of status changes.' }] : [204, ''];
    }).persist();
    fixture.zoom().get(`/webinars/${webinar}/registrants`).query(true).reply(200, {
      page_size: 300, total_records: 1, next_page_token: '', registrants: [{ id: 'y2', email: 'y2@acme.com', first_name: 'Why' }],
    }).persist();
    fixture.startWorkers();
    await fixture.services().jobs.queue('rules').add('Rules approve', { bucket });
    const cards = (channel: string) => posted(channel).filter((c) => String(c.body.text).includes('Registration waiting for approval'));
    const message = await until('the decision message', () => posted('CRULES4').find((c) => /^The rules approved/.test(String(c.body.text))), 10_000);
    expect(message.body.text).toBe('The rules approved 1 registration for webinar 812 3456 7803; Zoom refused 1');
    const card = await until('y2’s card in the rules channel', () => cards('CRULES4')[0], 10_000);
    expect(card.body.text).toBe(':hourglass_flowing_sand: Registration waiting for approval: Why Two <mailto:y2@acme.com|y2@acme.com> for webinar Launch (812 3456 7803)');
    await until('y2’s card in the watching channel', () => cards('CWATCH4')[0], 10_000);
    await until('the audit line', () => posted('CAUDIT').find((c) => String(c.body.text).includes('y2@acme.com')));
    expect(sent).toContainEqual(['y2']);
    const approve = card.body.blocks.flatMap((b: { elements?: Array<{ action_id?: string; value?: string }> }) => b.elements ?? []).find((e: { action_id?: string }) => e.action_id === 'registrant.approve');
    expect(JSON.parse(approve.value)).toEqual({ k: 'webinar', s: webinar, r: 'y2', e: 'y2@acme.com' });
    // y1, approved, gets none; y2 one in each channel.
    expect([cards('CRULES4').length, cards('CWATCH4').length]).toEqual([1, 1]);
  });

  it('gives the registrants of a batch it never got through their card when its last attempt fails, once however often it gives up', async () => {
    const webinar = '81234567802';
    const bucket = { kind: 'decide', channel: 'CRULES3', k: 'webinar', s: webinar, action: 'approve' } as const;
    const { redis, keyPrefix } = fixture.services();
    await new WatchStore(redis, keyPrefix).add('CWATCH3', { topic: 'registrations', events: eventsOfTopic('registrations'), narrowed: false, createdBy: 'UADMIN', zone: 'Europe/Berlin', createdAt: '2026-01-01T00:00:00Z' });
    const slot = { kind: 'webinar', id: webinar } as const;
    for (let i = 0; i < 2; i++) expect(await claimApproval(redis, keyPrefix, slot, 10)).toBe(true);
    await queue(bucket, [{ ...decision(webinar, 'z1', true), n: 'Zed One', t: 'Launch' }, decision(webinar, 'z2', true)]);
    // Zoom is down for every try of every attempt; asked who is pending, it still answers: z1 is, z2 is not any more.
    let tries = 0;
    fixture.zoom().put(`/webinars/${webinar}/registrants/status`).reply(() => {
      tries += 1;
      return [503, { code: 503, message: 'Service unavailable' }];
    }).persist();
    fixture.zoom().get(`/webinars/${webinar}/registrants`).query(true).reply(200, {
      page_size: 300, total_records: 1, next_page_token: '', registrants: [{ id: 'z1', email: 'z1@acme.com', first_name: 'Zed' }],
    }).persist();
    const jobId = 'rul-giveup0000001';
    const queueRef = fixture.services().jobs.queue('rules');
    await queueRef.add('Rules approve', { bucket }, { jobId, attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const cards = (channel: string) => posted(channel).filter((c) => String(c.body.text).includes('Registration waiting for approval'));
    fixture.startWorkers();

    const card = await until('z1’s card in the rules channel', () => cards('CRULES3')[0], 30_000);
    // Only once the last attempt failed: both attempts' status calls (each sent 4 times by the client) were made.
    expect(tries).toBe(8);
    expect(card.body.text).toBe(':hourglass_flowing_sand: Registration waiting for approval: Zed One <mailto:z1@acme.com|z1@acme.com> for webinar Launch (812 3456 7802)');
    const approve = JSON.parse(card.body.blocks.flatMap((b: { elements?: Array<{ action_id?: string; value?: string }> }) => b.elements ?? []).find((e: { action_id?: string }) => e.action_id === 'registrant.approve').value);
    expect(approve).toEqual({ k: 'webinar', s: webinar, r: 'z1', e: 'z1@acme.com' });
    await until('z1’s card in the watching channel', () => cards('CWATCH3')[0], 10_000);
    expect((await finishedJob(queueRef, jobId)).failedReason).toBeDefined();
    expect(await (await queueRef.getJob(jobId))!.getState()).toBe('failed');
    const audit = await until('the audit line', () => posted('CAUDIT').find((c) => String(c.body.text).includes('z1@acme.com')));
    expect(String(audit.body.text)).toContain('could not automatically approve z1@acme.com for webinar 812 3456 7802 (gave up after 2 attempts');
    expect(String(audit.body.text)).toContain('left pending with its card');
    expect(String(audit.body.text)).toContain('z2@acme.com for webinar 812 3456 7802: Zoom no longer lists it as pending');
    // z1's place given back (left pending); z2's kept (Zoom shows it decided); the batch let go.
    expect(await approvalsTaken(redis, keyPrefix, slot)).toBe(1);
    expect(await ledger().inHand(jobId, QueuedDecision)).toBeUndefined();
    expect(cards('CRULES3').map((c) => c.body.text)).toHaveLength(1);

    // Given up again on the same registrants (the job retried, the batch back in hand): no second card anywhere.
    await redis.hset(`{${keyPrefix}:rules}:run:batch:${jobId}`, 'id', `${jobId}:again`, 'entries', JSON.stringify([decision(webinar, 'z1', true), decision(webinar, 'z2', true)].map((d) => JSON.stringify(d))));
    expect(await ledger().inHand(jobId, QueuedDecision)).toMatchObject({ entries: [{ r: 'z1' }, { r: 'z2' }] });
    const audited = posted('CAUDIT').length;
    await (await queueRef.getJob(jobId))!.retry('failed');
    await until('the second give-up audited', () => posted('CAUDIT').length > audited, 30_000);
    // The job failed again only after letting go of the batch (the audit line goes out just before).
    expect(await (await finishedJob(queueRef, jobId, 30_000)).getState()).toBe('failed');
    expect(await ledger().inHand(jobId, QueuedDecision)).toBeUndefined();
    expect(cards('CRULES3')).toHaveLength(1);
    expect(cards('CWATCH3')).toHaveLength(1);
  }, 60_000);

  it('meets Slack’s 429 on a decision message by holding the channel off for Retry-After and coming back, no attempt spent', async () => {
    const webinar = '81234567804';
    const bucket = { kind: 'decide', channel: 'CRULES5', k: 'webinar', s: webinar, action: 'approve' } as const;
    await queue(bucket, [decision(webinar, 'x1')]);
    fixture.zoom().put(`/webinars/${webinar}/registrants/status`).reply(204);
    fixture.slack().failures.push({ method: 'chat.postMessage', status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' }, match: (c) => c.body.channel === 'CRULES5' });
    const failedAttempts = vi.spyOn(fixture.services().log, 'warn');
    fixture.startWorkers();
    await fixture.services().jobs.queue('rules').add('Rules approve', { bucket });
    const tries = () => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'CRULES5');
    await until('the refused try', () => tries()[0], 10_000);
    const refusedAt = Date.now();
    const message = await until('the message, posted on the second try', () => posted('CRULES5').find((c) => c !== tries()[0] && /^The rules approved/.test(String(c.body.text))), 10_000);
    // Not before Slack's Retry-After (1 s) was over.
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(900);
    expect(message.body.text).toBe('The rules approved 1 registration for webinar 812 3456 7804');
    expect(tries()).toHaveLength(2);
    // The report job came back rather than failing an attempt (the workers log every failed attempt).
    expect(failedAttempts.mock.calls.filter((call) => call[1] === 'job failed')).toEqual([]);
  });
});
