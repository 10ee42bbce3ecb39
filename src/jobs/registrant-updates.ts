// The bulk registrant update job: thousands of approvals in batches of 30, paced by Zoom's Medium budget (the
// client's limiter), resumable after a crash without re-sending a finished batch, cancellable, with one
// progress message and a summary that names every registrant who failed and why.
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { Services } from '../services.js';
import { registrantJobMessage, type RegistrantJobView } from '../views/jobs.js';
import { inBatches } from '../zoom/batches.js';
import { REGISTRANT_STATUS_BATCH } from '../zoom/registrants.js';
import {
  planStatusChange,
  sendStatusBatch,
  stillToChange,
  type RegistrantFailure,
  type RegistrantKey,
  type StatusChangePlan,
  type StatusChangeRequest,
} from '../zoom/registrant-changes.js';
import { ZoomApiError } from '../zoom/errors.js';
import { postProgressMessage, ProgressMessage } from './progress.js';
import { newJobId, type JobOwner } from './queues.js';
import type { JobContext, JobProcessor } from './workers.js';

const registrantKey = z.object({ id: z.string(), email: z.string() });

const RegistrantJobData = z.object({
  owner: z.object({
    userId: z.string(),
    description: z.string(),
    progress: z.object({ channel: z.string(), ts: z.string() }).optional(),
  }),
  request: z.object({
    kind: z.enum(['meeting', 'webinar']),
    sessionId: z.string().regex(/^\d{9,12}$/),
    action: z.enum(['approve', 'deny', 'cancel']),
    wanted: z.array(z.string()).optional(),
  }),
  /** Written once, on the first run: later runs work from the same list, so totals stay true. */
  plan: z
    .object({
      todo: z.array(registrantKey),
      unchanged: z.array(z.object({ registrant: registrantKey, status: z.string() })),
      missing: z.array(z.string()),
    })
    .optional(),
});
type RegistrantJobData = z.infer<typeof RegistrantJobData>;

/** Saved after every batch (job.progress), so a restart knows where it was. */
const Progress = z.object({
  unit: z.literal('registrants').default('registrants'),
  done: z.number(),
  failed: z.number().default(0),
  total: z.number(),
  changed: z.number(),
  skipped: z.number().default(0),
  failures: z.array(z.object({ registrant: registrantKey, reason: z.string() })),
});
type Progress = z.infer<typeof Progress>;

export interface RegistrantJobResult {
  changed: number;
  failed: number;
  cancelledBy?: string;
}

export const registrantUpdates: JobProcessor<RegistrantJobData> = {
  queue: 'registrants',
  data: RegistrantJobData,
  // One bulk update at a time per worker: they all draw on the same Medium budget anyway.
  concurrency: () => 1,
  process: (job, data, ctx) => runRegistrantJob(job, data, ctx),
};

/** Enqueues the job and opens its progress message in the admin's DM; returns the job ID at once. */
export async function enqueueRegistrantUpdate(
  services: Services,
  userId: string,
  request: StatusChangeRequest,
  description: string,
): Promise<string> {
  const jobId = newJobId('registrants');
  const progress = await postProgressMessage(
    services.slack,
    userId,
    registrantJobMessage({ jobId, description, state: 'queued' }),
  );
  const owner: JobOwner = { userId, description, progress };
  await services.jobs.queue('registrants').add('update-status', { owner, request } satisfies RegistrantJobData, {
    jobId,
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  });
  return jobId;
}

async function runRegistrantJob(job: Job, data: RegistrantJobData, ctx: JobContext): Promise<RegistrantJobResult> {
  const { services } = ctx;
  const { zoom } = services;
  const req = data.request;
  const jobId = String(job.id);
  const progressMessage = data.owner.progress
    ? new ProgressMessage(services.slack, services.pacing, data.owner.progress, services.log)
    : undefined;
  const show = (view: Omit<RegistrantJobView, 'jobId' | 'description'>, final = false) =>
    progressMessage?.update(registrantJobMessage({ jobId, description: data.owner.description, ...view }), { final }) ??
    Promise.resolve();

  let plan: StatusChangePlan | undefined = data.plan;
  if (!plan) {
    await show({ state: 'planning' });
    plan = await planStatusChange(zoom, req);
    await job.updateData({ ...data, plan } satisfies RegistrantJobData);
  }
  const saved = Progress.safeParse(job.progress);
  const progress: Progress = saved.success
    ? saved.data
    : { unit: 'registrants', done: 0, failed: 0, total: plan.todo.length, changed: 0, skipped: 0, failures: [] };
  const save = () => job.updateProgress({ ...progress, failed: progress.failures.length });

  let remaining: RegistrantKey[] = plan.todo.slice(progress.done);
  if (saved.success && remaining.length > 0) {
    // Resuming: the batch in flight when the last run died may have reached Zoom.
    const open = await stillToChange(zoom, req, remaining);
    progress.skipped += remaining.filter((r) => !open.has(r.id)).length;
    remaining = remaining.filter((r) => open.has(r.id));
    progress.done = progress.total - remaining.length;
  }

  let cancelledBy: string | undefined;
  for (const batch of inBatches(remaining, REGISTRANT_STATUS_BATCH)) {
    cancelledBy = await ctx.cancelRequestedBy();
    if (cancelledBy) break;
    if (ctx.shutdown.aborted) await ctx.putBack();
    try {
      const outcome = await sendStatusBatch(zoom, req, batch);
      progress.changed += outcome.changed.length;
      progress.failures.push(...outcome.failed);
    } catch (error) {
      // The account's daily quota: nothing more will pass today, so the rest fail with the reason, not retried.
      if (!(error instanceof ZoomApiError) || error.status >= 500) throw error;
      const rest = remaining.slice(remaining.indexOf(batch[0]!));
      progress.failures.push(...rest.map((registrant): RegistrantFailure => ({ registrant, reason: error.message })));
      progress.done += rest.length;
      await save();
      break;
    }
    progress.done += batch.length;
    await save();
    await show({ state: 'running', done: progress.done, total: progress.total, failed: progress.failures.length });
  }

  await services.audit.record({
    userId: data.owner.userId,
    action: `${data.owner.description} (job ${jobId}): ${progress.changed} changed${progress.failures.length ? `, ${progress.failures.length} failed` : ''}${cancelledBy ? `, cancelled by <@${cancelledBy}>` : ''}`,
    outcome: progress.failures.length === 0 ? 'ok' : 'failed',
  });
  await show(
    {
      state: cancelledBy ? 'cancelled' : 'finished',
      done: progress.done,
      total: progress.total,
      failed: progress.failures.length,
      changed: progress.changed,
      skipped: progress.skipped,
      unchanged: plan.unchanged,
      missing: plan.missing,
      failures: progress.failures,
      cancelledBy,
    },
    true,
  );
  return { changed: progress.changed, failed: progress.failures.length, ...(cancelledBy ? { cancelledBy } : {}) };
}
