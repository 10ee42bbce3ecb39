// The bulk registrant job on real Redis with real workers: batches of 30, each registrant sent once, a restart in
// the middle that does not re-send a finished batch, cancel, and a summary naming each failure.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { requestCancel } from '../../../src/jobs/cancel.js';
import { ProgressMessage } from '../../../src/jobs/progress.js';
import { enqueueRegistrantUpdate } from '../../../src/jobs/registrant-updates.js';
import { finishedJob, useJobFixture } from '../../helpers/jobs.js';
import { gate, until } from '../../helpers/wait.js';

const ADMIN = 'UADMIN';
const WEBINAR = '81234567890';
const fixture = useJobFixture('jobs-registrants');

/** A stateful Zoom: registrants keep their status, and each status update is recorded with its body. */
function fakeZoomRegistrants(
  count: number,
  opts: { refuse?: (id: string, batchSize: number) => string | undefined; hold?: Promise<void>; dailyQuotaUsedUp?: boolean } = {},
) {
  const status = new Map<string, string>();
  for (let i = 1; i <= count; i++) status.set(`r${i}`, 'pending');
  const updates: string[][] = [];
  // Status updates that reached Zoom, answered or not (with `hold`, their answer waits until the test opens it).
  let received = 0;
  fixture
    .zoom()
    .get(`/webinars/${WEBINAR}/registrants`)
    .query(true)
    .reply((uri) => {
      const wanted = new URL(uri, 'http://x').searchParams.get('status');
      const registrants = [...status].filter(([, s]) => s === wanted).map(([id]) => ({ id, email: `${id}@example.com`, first_name: id }));
      return [200, { page_size: 300, total_records: registrants.length, next_page_token: '', registrants }];
    })
    .persist();
  fixture
    .zoom()
    .put(`/webinars/${WEBINAR}/registrants/status`)
    .reply(async (_uri, body) => {
      received += 1;
      await opts.hold;
      if (opts.dailyQuotaUsedUp) {
        const headers = { 'x-ratelimit-type': 'Daily-limit', 'retry-after': '2099-01-01T00:00:00Z' };
        return [429, { code: 429, message: 'You have reached the maximum daily rate limit for this API.' }, headers];
      }
      const { action, registrants } = body as { action: string; registrants: Array<{ id: string }> };
      const ids = registrants.map((r) => r.id);
      const refusal = ids.map((id) => opts.refuse?.(id, ids.length)).find(Boolean);
      if (refusal) return [400, { code: 3000, message: refusal }];
      updates.push(ids);
      for (const id of ids) status.set(id, action === 'approve' ? 'approved' : 'denied');
      return [204, ''];
    })
    .persist();
  return { status, updates, received: () => received };
}

const finished = (jobId: string) => finishedJob(fixture.services().jobs.queue('registrants'), jobId);

function finalSummary(jobMessageTs: string): string {
  const updates = fixture.slack().calls.filter((c) => c.method === 'chat.update' && c.body.ts === jobMessageTs);
  const last = updates.at(-1);
  return last ? JSON.stringify(last.body.blocks) : '';
}


describe('bulk registrant job', () => {
  beforeEach(() => {
    fixture.slack().users.set(ADMIN, { id: ADMIN, email: 'admin@example.com' });
  });

  it('approves every pending registrant in batches of 30, each once, and ends with a summary in the DM', async () => {
    const zoom = fakeZoomRegistrants(75);
    fixture.startWorkers();
    const { jobId } = await enqueueRegistrantUpdate(fixture.services(), ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve every pending registrant of webinar 812 3456 7890');
    expect(jobId).toMatch(/^reg-[0-9a-f]{12}$/);

    const job = await finished(jobId);

    expect(await job.getState()).toBe('completed');
    expect(zoom.updates.map((b) => b.length)).toEqual([30, 30, 15]);
    expect(new Set(zoom.updates.flat()).size).toBe(75);
    expect([...zoom.status.values()].every((s) => s === 'approved')).toBe(true);
    const ref = job.data.owner.progress;
    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && c.body.ts === ref.ts && String(c.body.text).includes('finished'));
    expect(summary.body.channel).toBe(ref.channel);
    expect(JSON.stringify(summary.body.blocks)).toContain('Finished: 75 of 75 done.');
    expect(JSON.stringify(summary.body.blocks)).toContain('Changed: 75.');
    expect(job.returnvalue).toEqual({ changed: 75, failed: 0 });
  });

  it('names every registrant Zoom refused, and why, while the rest of their batch goes through', async () => {
    const zoom = fakeZoomRegistrants(40, {
      refuse: (id) => (id === 'r7' ? 'The registrant has reached the daily limit of status updates.' : undefined),
    });
    fixture.startWorkers();
    const { jobId } = await enqueueRegistrantUpdate(fixture.services(), ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve all');

    const job = await finished(jobId);

    expect(zoom.status.get('r7')).toBe('pending');
    expect([...zoom.status].filter(([, s]) => s === 'approved')).toHaveLength(39);
    expect(job.returnvalue).toEqual({ changed: 39, failed: 1 });
    const summary = finalSummary(job.data.owner.progress.ts);
    expect(summary).toContain(':x: 1 failed: The registrant has reached the daily limit of status updates. (Zoom code 3000)\\nr7@example.com');
    expect(summary).toContain('1 failed');
  });

  it('after a crash, does not send again a batch that reached Zoom before the progress was saved', async () => {
    const zoom = fakeZoomRegistrants(75);
    const services = fixture.services();
    // The state a dead worker leaves: plan saved, progress saved after batch 1, batch 2 sent but not recorded.
    const todo = Array.from({ length: 75 }, (_, i) => ({ id: `r${i + 1}`, email: `r${i + 1}@example.com` }));
    for (const { id } of todo.slice(0, 60)) zoom.status.set(id, 'approved');
    const queue = services.jobs.queue('registrants');
    const job = await queue.add(
      'update-status',
      {
        owner: { userId: ADMIN, description: 'Approve all' },
        request: { kind: 'webinar', sessionId: WEBINAR, action: 'approve' },
        plan: { todo, unchanged: [], missing: [] },
      },
      { jobId: 'reg-0000c4a5' },
    );
    await job.updateProgress({ unit: 'registrants', done: 30, failed: 0, total: 75, changed: 30, skipped: 0, failures: [] });

    fixture.startWorkers();
    const done = await finished('reg-0000c4a5');

    expect(zoom.updates).toEqual([todo.slice(60).map((r) => r.id)]);
    expect(done.returnvalue).toEqual({ changed: 45, failed: 0 });
    expect(done.progress).toMatchObject({ done: 75, total: 75, skipped: 30 });
  });

  it('at shutdown puts the job back after its current batch; another worker finishes without repeating one', async () => {
    const answer = gate();
    const zoom = fakeZoomRegistrants(90, { hold: answer.opened });
    const first = fixture.startWorkers();
    const { jobId } = await enqueueRegistrantUpdate(fixture.services(), ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve all');
    const queue = fixture.services().jobs.queue('registrants');
    await until('the first batch to reach Zoom', () => zoom.received() === 1);

    // The shutdown begins while the first batch waits for Zoom's answer.
    const stopping = first.stop();
    answer.open();
    await stopping;
    expect(await (await queue.getJob(jobId))!.getState()).toBe('waiting');
    expect(zoom.updates).toHaveLength(1);

    fixture.startWorkers();
    const job = await finished(jobId);

    expect(await job.getState()).toBe('completed');
    expect(zoom.updates.flat().sort()).toEqual([...zoom.status.keys()].sort());
    expect(job.returnvalue).toEqual({ changed: 90, failed: 0 });
  });

  it('stops when cancelled, after the batch in flight, and says who cancelled and how far it got', async () => {
    const answer = gate();
    const zoom = fakeZoomRegistrants(90, { hold: answer.opened });
    fixture.startWorkers();
    const services = fixture.services();
    const audited = vi.spyOn(services.audit, 'record');
    const { jobId } = await enqueueRegistrantUpdate(services, ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve all');
    await until('the first batch to reach Zoom', () => zoom.received() === 1);

    // Cancelled while the first batch waits for Zoom's answer.
    await requestCancel(services.redis, services.keyPrefix, jobId, 'UOTHER');
    answer.open();
    const job = await finished(jobId);
    // Who cancelled is a mention in the audit channel, not the literal `<@UOTHER>` escaped text would show.
    expect(audited).toHaveBeenLastCalledWith({
      userId: ADMIN,
      action: [`Approve all (job ${jobId}): ${job.returnvalue.changed} changed`, ', cancelled by ', { user: 'UOTHER' }],
      outcome: 'ok',
    });

    expect(job.returnvalue).toMatchObject({ cancelledBy: 'UOTHER' });
    expect(zoom.updates).toHaveLength(1);
    const approved = [...zoom.status.values()].filter((s) => s === 'approved').length;
    expect(approved).toBe(30);
    expect(finalSummary(job.data.owner.progress.ts)).toContain('Cancelled by <@UOTHER> after 30 of 90 done.');
  });

  it('after a crash before any progress was saved, asks Zoom and does not send the first batch again', async () => {
    const zoom = fakeZoomRegistrants(45);
    const todo = Array.from({ length: 45 }, (_, i) => ({ id: `r${i + 1}`, email: `r${i + 1}@example.com` }));
    // The dead run saved its plan, sent batch 1, and died before recording it.
    for (const { id } of todo.slice(0, 30)) zoom.status.set(id, 'approved');
    await fixture.services().jobs.queue('registrants').add(
      'update-status',
      { owner: { userId: ADMIN, description: 'Approve all' }, request: { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, plan: { todo, unchanged: [], missing: [] } },
      { jobId: 'reg-0000beef' },
    );

    fixture.startWorkers();
    const done = await finished('reg-0000beef');

    expect(zoom.updates).toEqual([todo.slice(30).map((r) => r.id)]);
    expect(done.progress).toMatchObject({ done: 45, skipped: 30, changed: 15 });
  });

  it('a job cancelled while it waited does nothing when a worker takes it, and says so', async () => {
    const zoom = fakeZoomRegistrants(40);
    const services = fixture.services();
    const { jobId } = await enqueueRegistrantUpdate(services, ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve all');
    await requestCancel(services.redis, services.keyPrefix, jobId, 'UOTHER');

    fixture.startWorkers();
    const job = await finished(jobId);

    expect(zoom.updates).toEqual([]);
    expect(job.returnvalue).toEqual({ changed: 0, failed: 0, cancelledBy: 'UOTHER' });
    expect(finalSummary(job.data.owner.progress.ts)).toContain('Cancelled by <@UOTHER> after 0 of 0 done.');
  });

  it("stops at the account's daily quota: every registrant left is named in a file, the message stays within Slack's limits", async () => {
    const zoom = fakeZoomRegistrants(200, { dailyQuotaUsedUp: true });
    fixture.startWorkers();
    const { jobId } = await enqueueRegistrantUpdate(fixture.services(), ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve all');

    const job = await finished(jobId);

    expect(await job.getState()).toBe('completed');
    expect(zoom.updates).toEqual([]);
    expect(job.returnvalue).toEqual({ changed: 0, failed: 200 });
    const summary = fixture.slack().calls.filter((c) => c.method === 'chat.update' && c.body.ts === job.data.owner.progress.ts).at(-1)!;
    const text = (summary.body.blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? '').join('');
    expect(text.length).toBeLessThan(12_000);
    expect(text).toMatch(/:x: 200 failed: .*daily/);
    expect(text).toContain('… and 180 more');
    expect(JSON.stringify(summary.body.blocks)).toContain(`${jobId}-failures.csv`);
    const csv = await fixture.slack().uploadedFile();
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(201);
    expect(csv).toContain('r200@example.com,r200,');
  });

  it('a second identical request while the first runs joins it instead of sending twice', async () => {
    const answer = gate();
    const zoom = fakeZoomRegistrants(60, { hold: answer.opened });
    fixture.startWorkers();
    const services = fixture.services();
    const request = { kind: 'webinar', sessionId: WEBINAR, action: 'approve' } as const;
    const first = await enqueueRegistrantUpdate(services, ADMIN, request, 'Approve all');
    await until('the first batch to reach Zoom', () => zoom.received() === 1);
    const second = await enqueueRegistrantUpdate(services, ADMIN, request, 'Approve all');
    answer.open();

    expect(second).toEqual({ jobId: first.jobId, duplicate: true });
    await finished(first.jobId);
    expect(zoom.updates.flat()).toHaveLength(60);
  });

  it('a Zoom refusal that no retry can fix (the webinar is gone) fails the job at once, and its message says why', async () => {
    fixture.zoom().get(`/webinars/${WEBINAR}/registrants`).query(true).reply(404, { code: 3001, message: 'Webinar does not exist: 81234567890.' }).persist();
    fixture.startWorkers();
    const { jobId } = await enqueueRegistrantUpdate(fixture.services(), ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'Approve all');

    const job = await finished(jobId);

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    const told = await fixture.slack().waitFor((c) => c.method === 'chat.update' && c.body.ts === job.data.owner.progress.ts && String(c.body.text).includes('failed'));
    expect(JSON.stringify(told.body.blocks)).toContain('Webinar does not exist: 81234567890 (code 3001)');
    expect(JSON.stringify(told.body.blocks)).toContain(`/zoom jobs retry ${jobId}`);
  });

  it('resumed twice with an admin having approved one in the middle, sends every other registrant exactly once', async () => {
    const answer = gate();
    const zoom = fakeZoomRegistrants(100, { hold: answer.opened });
    const todo = Array.from({ length: 100 }, (_, i) => ({ id: `r${i + 1}`, email: `r${i + 1}@example.com` }));
    // The first run sent r1–r30 and saved; meanwhile someone approved r75 from an alert.
    for (const { id } of todo.slice(0, 30)) zoom.status.set(id, 'approved');
    zoom.status.set('r75', 'approved');
    const queue = fixture.services().jobs.queue('registrants');
    const job = await queue.add(
      'update-status',
      { owner: { userId: ADMIN, description: 'Approve all' }, request: { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, plan: { todo, unchanged: [], missing: [] } },
      { jobId: 'reg-00000a75' },
    );
    await job.updateProgress({ unit: 'registrants', done: 30, failed: 0, total: 100, changed: 30, skipped: 0, failures: [] });

    // Second run: stopped (a deploy) after its first batch; a third run finishes.
    const second = fixture.startWorkers();
    await until('the second run\'s first batch to reach Zoom', () => zoom.received() === 1);
    const stopping = second.stop();
    answer.open();
    await stopping;
    expect(zoom.updates).toHaveLength(1);
    fixture.startWorkers();
    const done = await finished('reg-00000a75');

    const sent = zoom.updates.flat();
    const expected = todo.slice(30).map((r) => r.id).filter((id) => id !== 'r75');
    expect([...sent].sort()).toEqual([...expected].sort());
    expect(new Set(sent).size).toBe(sent.length);
    expect(done.progress).toMatchObject({ done: 100, skipped: 1, changed: 99 });
  });
  it('posts its progress message and its summary once in the DM when Slack took each but the connection dropped, and a retried last word updates that summary', async () => {
    const zoom = fakeZoomRegistrants(3);
    const slack = fixture.slack();
    const inDm = () => slack.history.get(`D${ADMIN}`) ?? [];
    const before = inDm().length;
    // Slack takes the progress post, but the connection drops before its answer.
    slack.interruptions.push({ method: 'chat.postMessage', match: (c) => c.body.channel === ADMIN, drop: true });
    const description = 'Approve every pending registrant of webinar 812 3456 7890';
    // Its try's lease (15 s) is waited out, then the DM is searched for the post's metadata.
    const { jobId } = await enqueueRegistrantUpdate(fixture.services(), ADMIN, { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, description);
    expect(inDm().length - before).toBe(1);
    const opened = inDm().at(-1)!;
    expect(slack.calls.filter((c) => c.method === 'conversations.history' && c.body.channel === `D${ADMIN}`)).toHaveLength(1);
    const job = await fixture.services().jobs.queue('registrants').getJob(jobId);
    expect(job!.data.owner.progress).toEqual({ channel: `D${ADMIN}`, ts: opened.ts });

    // The message is gone by the end (someone deleted it): the summary is posted anew, and that post's answer is lost too.
    slack.failures.push({ method: 'chat.update', status: 200, body: { ok: false, error: 'message_not_found' }, match: (c) => c.body.ts === opened.ts && String(c.body.text).includes('finished') });
    slack.interruptions.push({ method: 'chat.postMessage', match: (c) => c.body.channel === `D${ADMIN}`, drop: true });
    fixture.startWorkers();
    // The job's last word waits out that try's lease too, then finds the summary in the DM.
    const done = await finishedJob(fixture.services().jobs.queue('registrants'), jobId, 30_000);
    expect(await done.getState()).toBe('completed');
    expect(zoom.updates.flat()).toEqual(['r1', 'r2', 'r3']);
    expect(slack.calls.filter((c) => c.method === 'conversations.history' && c.body.channel === `D${ADMIN}`)).toHaveLength(2);
    expect(inDm().length - before).toBe(2);
    const summary = inDm().at(-1)!;
    expect(summary.text).toContain('finished, 3 of 3 done');

    // The job's last word again (as after a retry): the summary posted anew is updated, nothing more is posted.
    await new ProgressMessage(fixture.services(), { channel: `D${ADMIN}`, ts: opened.ts }).update({ text: `job ${jobId}: done` }, { final: true });
    expect(inDm().length - before).toBe(2);
    expect(slack.calls.filter((c) => c.method === 'chat.update').at(-1)!.body).toMatchObject({ channel: `D${ADMIN}`, ts: summary.ts, text: `job ${jobId}: done` });
  }, 60_000);
});
