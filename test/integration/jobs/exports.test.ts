// The CSV export job on real Redis with real workers: every page read, the file in the admin's DM, the progress
// message ending with where the file went; cancelled, it sends nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { requestCancel } from '../../../src/jobs/cancel.js';
import { enqueueExport } from '../../../src/jobs/exports/job.js';
import { finishedJob, useJobFixture } from '../../helpers/jobs.js';
import { gate, until } from '../../helpers/wait.js';

const ADMIN = 'UADMIN';
const fixture = useJobFixture('jobs-exports');
const who = { userId: ADMIN, zone: 'Europe/Berlin', day: '2026-12-01' };

const finished = (jobId: string) => finishedJob(fixture.services().jobs.queue('exports'), jobId);

function usersPages() {
  const scope = fixture.zoom();
  const user = (i: number) => ({ id: `u${i}`, email: `u${i}@example.com`, first_name: 'U', last_name: `${i}`, type: 2, status: 'active' });
  scope.get('/users').query({ status: 'active', page_size: '2000' }).reply(200, { next_page_token: 'p2', users: [user(1), user(2)] });
  scope.get('/users').query({ status: 'active', page_size: '2000', next_page_token: 'p2' }).reply(200, { next_page_token: '', users: [user(3)] });
  return scope;
}

describe('CSV export job', () => {
  beforeEach(() => fixture.slack().users.set(ADMIN, { id: ADMIN, email: 'admin@example.com' }));

  it('reads every page, sends the file to the DM, and ends its message with where the file went', async () => {
    usersPages();
    fixture.startWorkers();
    const jobId = await enqueueExport(fixture.services(), who, 'users', { s: 'active' }, 'the active users');
    expect(jobId).toMatch(/^exp-[0-9a-f]{12}$/);

    const job = await finished(jobId);

    expect(job.returnvalue).toEqual({ rows: 3, truncated: false });
    const csv = (await fixture.slack().uploadedFile()).split('\r\n');
    expect(csv[0]).toBe('ID,Email,First name,Last name,Display name,Type,Status,Department,Time zone');
    expect(csv.slice(1, 4)).toEqual(['u1,u1@example.com,U,1,,Licensed,active,,', 'u2,u2@example.com,U,2,,Licensed,active,,', 'u3,u3@example.com,U,3,,Licensed,active,,']);
    const completed = await fixture.slack().waitFor((c) => c.method === 'files.completeUploadExternal');
    expect(completed.body.files).toEqual([{ id: expect.stringMatching(/^F\d+$/), title: 'zoom-users-active-2026-12-01.csv' }]);
    const last = fixture.slack().calls.filter((c) => c.method === 'chat.update' && c.body.ts === job.data.owner.progress.ts).at(-1)!;
    expect(String(last.body.text)).toContain('Sent 3 users as `zoom-users-active-2026-12-01.csv`, the file below.');
  });

  it('cancelled before it runs, reads nothing, sends no file, and says who cancelled', async () => {
    const services = fixture.services();
    const jobId = await enqueueExport(services, who, 'users', { s: 'active' }, 'the active users');
    await requestCancel(services.redis, services.keyPrefix, jobId, 'UOTHER');
    let reads = 0;
    usersPages().on('request', () => (reads += 1));
    fixture.startWorkers();

    const job = await finished(jobId);

    expect(job.returnvalue).toEqual({ cancelledBy: 'UOTHER' });
    expect(reads).toBe(0);
    expect(fixture.slack().calls.some((c) => c.method.startsWith('upload/'))).toBe(false);
    const last = fixture.slack().calls.filter((c) => c.method === 'chat.update' && c.body.ts === job.data.owner.progress.ts).at(-1)!;
    expect(String(last.body.text)).toContain('Cancelled by <@UOTHER>; no file was sent.');
  });

  it('a Zoom refusal that retrying cannot fix fails the export at once, and its message says why', async () => {
    fixture.zoom().get('/users').query(true).reply(400, { code: 300, message: 'Request Body should be a valid JSON object.' }).persist();
    fixture.startWorkers();
    const jobId = await enqueueExport(fixture.services(), who, 'users', { s: 'active' }, 'the active users');

    const job = await finished(jobId);

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    const told = await fixture.slack().waitFor((c) => c.method === 'chat.update' && c.body.ts === job.data.owner.progress.ts && String(c.body.text).includes('failed'));
    expect(JSON.stringify(told.body.blocks)).toContain('Request Body should be a valid JSON object');
  });

  it('at shutdown goes back to the queue between pages; another worker reads the list again and sends one file', async () => {
    const scope = fixture.zoom();
    const user = (i: number) => ({ id: `u${i}`, email: `u${i}@example.com`, type: 1, status: 'active' });
    // The first page's answer waits until the test opens it, so the shutdown lands while a page is in flight.
    const answer = gate();
    let pagesAsked = 0;
    scope
      .get('/users')
      .query({ status: 'active', page_size: '2000' })
      .reply(async () => {
        pagesAsked += 1;
        await answer.opened;
        return [200, { next_page_token: 'p2', users: [user(1)] }];
      })
      .persist();
    scope.get('/users').query({ status: 'active', page_size: '2000', next_page_token: 'p2' }).reply(200, { next_page_token: '', users: [user(2)] }).persist();
    const first = fixture.startWorkers();
    const jobId = await enqueueExport(fixture.services(), who, 'users', { s: 'active' }, 'the active users');
    await until('the first page to be asked for', () => pagesAsked === 1);

    const stopping = first.stop();
    answer.open();
    await stopping;
    expect(await (await fixture.services().jobs.queue('exports').getJob(jobId))!.getState()).toBe('waiting');
    expect(pagesAsked).toBe(1);
    expect(fixture.slack().calls.some((c) => c.method.startsWith('upload/'))).toBe(false);
    fixture.startWorkers();
    const job = await finished(jobId);

    expect(job.returnvalue).toEqual({ rows: 2, truncated: false });
    expect(pagesAsked).toBe(2);
    expect(fixture.slack().calls.filter((c) => c.method.startsWith('upload/'))).toHaveLength(1);
  });
});
