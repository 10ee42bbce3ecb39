// End to end: `/zoom jobs` finds a job started by a command wherever it is, and cancel/retry act on it.
import { setTimeout as delay } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const WEBINAR = '81234567890';

const fixture = useBotFixture({
  name: 'e2e-jobs',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
let slack: FakeSlack;

beforeEach(() => {
  slack = fixture.slack();
});

/** 120 pending registrants; each status update takes `putDelayMs`, so the job is still running when asked. */
function slowZoom(putDelayMs: number): { sent: () => number } {
  const pending = Array.from({ length: 120 }, (_, i) => ({ id: `r${i}`, email: `r${i}@example.com`, first_name: 'R' }));
  let sent = 0;
  fixture.zoom()
    .get(`/webinars/${WEBINAR}/registrants`)
    .query((q) => q.status === 'pending')
    .reply(200, { total_records: pending.length, next_page_token: '', registrants: pending })
    .persist();
  // What the registrant card the job was confirmed from is redrawn with when the job ends.
  fixture.zoom().get(`/webinars/${WEBINAR}`).reply(200, { id: Number(WEBINAR), topic: 'Launch' }).persist();
  fixture.zoom()
    .get(`/webinars/${WEBINAR}/registrants`)
    .query((q) => q.status !== 'pending')
    .reply(200, { total_records: 0, next_page_token: '', registrants: [] })
    .persist();
  fixture.zoom()
    .put(`/webinars/${WEBINAR}/registrants/status`)
    .delay(putDelayMs)
    .reply(() => {
      sent += 1;
      return [204, ''];
    })
    .persist();
  return { sent: () => sent };
}

async function startJob(): Promise<string> {
  // 120 is above the 50 that approving all may change without asking.
  const prompt = await driver.command(`webinar approve ${WEBINAR} --all-pending`, ADMIN);
  const answer = await driver.click('registrant.confirm', buttonOf(prompt, 'registrant.confirm').value, ADMIN);
  const jobId = /job `(reg-[0-9a-f]{12})`/.exec(answer.body.text)?.[1];
  if (!jobId) throw new Error(`no job ID in ${answer.body.text}`);
  return jobId;
}

describe('/zoom jobs', () => {
  it('lists a running job, shows its progress, lets only an admin cancel it, and the summary says who did', async () => {
    const zoom = slowZoom(250);
    const jobId = await startJob();
    let status = await driver.command(`jobs status ${jobId}`, VIEWER);
    for (let i = 0; i < 50 && !textOf(status).includes('of 120 registrants'); i++) {
      await delay(100);
      status = await driver.command(`jobs status ${jobId}`, VIEWER);
    }
    expect(textOf(status)).toContain('State: *active*');
    expect(textOf(status)).toMatch(/`▓+░+ \d+ %` \d+ of 120 registrants/);
    expect(textOf(status)).toContain('Started by <@UADMIN>');

    const list = await driver.command('jobs', VIEWER);
    expect(textOf(list)).toContain(`\`${jobId}\` *active* · Approve every pending registrant of webinar 812 3456 7890`);

    const refused = await driver.command(`jobs cancel ${jobId}`, VIEWER);
    expect(refused.body.text).toContain('not allowed');

    const answer = await driver.command(`jobs cancel ${jobId}`, ADMIN);
    expect(answer.body.text).toContain(`Job \`${jobId}\` stops after its current step`);
    const summary = await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('cancelled'));
    expect(JSON.stringify(summary.body.blocks)).toMatch(/Cancelled by <@UADMIN> after \d+ of 120 done\./);
    expect(zoom.sent()).toBeLessThan(4);
    // The confirmation the job was started from becomes the registrant card again, saying the job was cancelled.
    const card = await slack.waitFor((c) => c.method.startsWith('response/') && textOf(c).includes(`Job \`${jobId}\` cancelled`));
    expect(card.body.replace_original).toBe(true);
    expect(textOf(card)).toContain(`:no_entry_sign: Job \`${jobId}\` cancelled:`);
    expect(textOf(card)).toContain('Webinar \\"Launch\\" (812 3456 7890): pending registrants');
  });

  it('lists jobs that finished in the last 24 hours, with their result', async () => {
    slowZoom(0);
    const jobId = await startJob();
    const summary = await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('finished'));
    expect(String(summary.body.text)).toContain('120 of 120 done');
    const job = await fixture.bot().bot.services.jobs.find(jobId);
    for (let i = 0; i < 100 && (await job?.getState()) !== 'completed'; i++) await delay(20);
    expect(await job?.getState()).toBe('completed');

    const list = await driver.command('jobs', VIEWER);
    expect(textOf(list)).toContain('Finished in the last 24 hours');
    expect(textOf(list)).toMatch(new RegExp(`\`${jobId}\` \\*completed\\* · Approve every pending registrant of webinar 812 3456 7890 · 120 changed · finished \\w{3} \\d+ \\w+ 2026, \\d\\d:\\d\\d`));
  });

  it('names an unknown job and how to list the real ones', async () => {
    const answer = await driver.command('jobs status reg-00000000', VIEWER);
    expect(answer.body.text).toContain('There is no job `reg-00000000`');
  });

  it('lists a failed job under `jobs failed` and queues it again on retry', async () => {
    // A job whose data no longer matches its schema fails at once and is never retried by itself.
    const queue = fixture.bot().bot.services.jobs.queue('registrants');
    await queue.add('update-status', { owner: { userId: ADMIN, description: 'Broken job' } }, { jobId: 'reg-0badf00d' });
    for (let i = 0; i < 100 && (await (await queue.getJob('reg-0badf00d'))?.getState()) !== 'failed'; i++) await delay(20);

    const failed = await driver.command('jobs failed', VIEWER);
    expect(textOf(failed)).toContain('`reg-0badf00d` *failed* · Broken job');
    expect(textOf(failed)).toContain('job data does not match');

    const retried = await driver.command('jobs retry reg-0badf00d', ADMIN);
    expect(retried.body.text).toContain('Job `reg-0badf00d` is queued again.');
  });
});

