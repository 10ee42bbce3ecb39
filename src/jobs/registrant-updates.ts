// The bulk registrant update job: thousands of approvals in batches of 30, paced by Zoom's Medium budget (the
// client's limiter), resumable after a crash without re-sending a finished batch, cancellable, with one
// progress message and a summary that names every registrant who failed and why.
import { createHash } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Services } from '../services.js';
import { releaseApproval, type CapSlot } from '../rules/cap.js';
import { registrantCard } from '../commands/registrant-card.js';
import { sendFileToDirectMessage } from '../slack/files.js';
import { replyVia } from '../slack/respond.js';
import { CHANGE_ICONS } from '../views/registrants.js';
import { toCsv } from '../views/csv.js';
import { FAILURES_LISTED, registrantJobMessage, type RegistrantJobView } from '../views/jobs.js';
import { REGISTRANT_STATUS_BATCH } from '../zoom/registrants.js';
import {
  STATUS_RULES,
  planStatusChange,
  sendStatusBatch,
  stillToChange,
  type RegistrantFailure,
  type RegistrantKey,
  type StatusChangePlan,
  type StatusChangeRequest,
} from '../zoom/registrant-changes.js';
import { ZoomApiError, isTransient } from '../zoom/errors.js';
import { postProgressMessage, ProgressMessage } from './progress.js';
import { KEEP_FINISHED, newJobId, type JobOwner } from './queues.js';
import type { JobContext, JobProcessor } from './workers.js';

const registrantKey = z.object({ id: z.string(), email: z.string() });

const RegistrantCardRef = z.object({ responseUrl: z.string().url(), zone: z.string().min(1) });
export type RegistrantCardRef = z.infer<typeof RegistrantCardRef>;

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
    occurrenceId: z.string().optional(),
  }),
  /**
   * The registrant card whose button started the job (its response_url, and the clicker's time zone): redrawn from
   * Zoom when the job ends, so it never keeps showing the pending list the job just changed with live buttons.
   */
  card: RegistrantCardRef.optional(),
  /**
   * `rules apply`: each wanted approval took a place under the rules' cap from this counter when the job started;
   * the place of each one Zoom did not change is given back when the job ends.
   */
  cap: z.object({ kind: z.enum(['meeting', 'webinar']), id: z.string(), occurrence: z.string().optional() }).optional(),
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
  /** The cap places of the approvals Zoom did not change were given back (once: a later run must not again). */
  capGivenBack: z.boolean().optional(),
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

export interface EnqueuedJob {
  jobId: string;
  /** The same request was already queued or running (a second click): that job goes on, none is added. */
  duplicate: boolean;
}

/**
 * Enqueues the job and opens its progress message in the admin's DM; returns the job ID at once. The same
 * request while one is queued or running (a double click on "Approve all") joins it instead of sending twice.
 */
export async function enqueueRegistrantUpdate(
  services: Services,
  userId: string,
  request: StatusChangeRequest,
  description: string,
  card?: RegistrantCardRef,
  cap?: CapSlot,
): Promise<EnqueuedJob> {
  const jobId = newJobId('registrants');
  const progress = await postProgressMessage(services, jobId, userId, registrantJobMessage({ jobId, description, state: 'queued', command: services.config.slack.command }));
  const owner: JobOwner = { userId, description, progress };
  const job = await services.jobs.queue('registrants').add('update-status', { owner, request, ...(card ? { card } : {}), ...(cap ? { cap } : {}) } satisfies RegistrantJobData, {
    jobId,
    deduplication: { id: requestKey(request) },
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000 },
    ...KEEP_FINISHED,
  });
  const runningId = String(job.id);
  if (runningId === jobId) return { jobId, duplicate: false };
  await services.slack.chat
    .update({ ...progress, text: `The same request is already running as job ${runningId}.`, blocks: [] })
    .catch((error: unknown) => services.log.warn({ err: error }, 'could not retire a duplicate progress message'));
  return { jobId: runningId, duplicate: true };
}

function requestKey(req: StatusChangeRequest): string {
  const whom = req.wanted ? createHash('sha1').update([...req.wanted].sort().join('\n')).digest('hex') : 'all-pending';
  return `${req.kind}-${req.sessionId}${req.occurrenceId ? `-${req.occurrenceId}` : ''}-${req.action}-${whom}`;
}

async function runRegistrantJob(job: Job, data: RegistrantJobData, ctx: JobContext): Promise<RegistrantJobResult> {
  const { services } = ctx;
  const { zoom } = services;
  const req = data.request;
  const jobId = String(job.id);
  const progressMessage = data.owner.progress
    ? new ProgressMessage(services, data.owner.progress)
    : undefined;
  const show = (view: Omit<RegistrantJobView, 'jobId' | 'description' | 'command'>, final = false) =>
    progressMessage?.update(registrantJobMessage({ jobId, description: data.owner.description, command: services.config.slack.command, ...view }), { final }) ??
    Promise.resolve();

  // Cancelled while it waited: nothing was sent, and the summary says so.
  let cancelledBy = await ctx.cancelRequestedBy();
  // A plan already saved means an earlier run may have sent batches its progress does not show yet.
  const resuming = data.plan !== undefined;
  let plan: StatusChangePlan | undefined = data.plan;
  if (!plan && !cancelledBy) {
    await show({ state: 'planning' });
    plan = await planStatusChange(zoom, req).catch((error: unknown) => {
      // A session that is gone or not ours will not come back by retrying: fail now, with Zoom's reason.
      throw isTransient(error) ? error : new UnrecoverableError((error as Error).message);
    });
    await job.updateData({ ...data, plan } satisfies RegistrantJobData);
  }
  plan ??= { todo: [], unchanged: [], missing: [] };
  const saved = Progress.safeParse(job.progress);
  const progress: Progress = saved.success
    ? saved.data
    : { unit: 'registrants', done: 0, failed: 0, total: plan.todo.length, changed: 0, skipped: 0, failures: [] };
  const save = () => job.updateProgress({ ...progress, failed: progress.failures.length });

  // `done` is a position in the plan: everything before it was sent, found already changed, or failed. Kept as a
  // position (not a count of what is left) so that a registrant skipped in the middle never shifts where a later
  // run resumes.
  const todo = plan.todo;
  // The batch in flight when the last run died may have reached Zoom, and admins may have acted meanwhile: ask Zoom
  // who is still to change.
  const open = resuming && !cancelledBy && progress.done < todo.length ? await stillToChange(zoom, req, todo.slice(progress.done)) : undefined;
  const stillOpen = (r: RegistrantKey) => !open || open.has(r.id);

  while (progress.done < todo.length && !cancelledBy) {
    cancelledBy = await ctx.cancelRequestedBy();
    if (cancelledBy) break;
    if (ctx.shutdown.aborted) await ctx.putBack();
    const batch: RegistrantKey[] = [];
    let next = progress.done;
    let skipped = 0;
    while (batch.length < REGISTRANT_STATUS_BATCH && next < todo.length) {
      const registrant = todo[next++]!;
      if (stillOpen(registrant)) batch.push(registrant);
      else skipped += 1;
    }
    if (batch.length > 0) {
      try {
        const outcome = await sendStatusBatch(zoom, req, batch);
        progress.changed += outcome.changed.length;
        progress.failures.push(...outcome.failed);
      } catch (error) {
        if (isTransient(error)) throw error;
        // The account's daily quota, or the session itself refused (deleted, no access): nothing more will pass,
        // so the rest fail with Zoom's reason rather than being retried all day.
        const rest = [...batch, ...todo.slice(next).filter(stillOpen)];
        const reason = error instanceof ZoomApiError ? error.message : String(error);
        progress.failures.push(...rest.map((registrant): RegistrantFailure => ({ registrant, reason })));
        next = todo.length;
      }
    }
    progress.skipped += skipped;
    progress.done = next;
    await save();
    await show({ state: 'running', done: progress.done, total: progress.total, failed: progress.failures.length });
  }

  if (data.cap && !progress.capGivenBack) {
    // Every wanted registrant holds a place; only those Zoom changed keep theirs. Skipped ones (found changed when a
    // run resumed) keep theirs too: the batch of the run that died may have been the one that approved them.
    const notChanged = plan.unchanged.length + plan.missing.length + progress.failures.length + (todo.length - progress.done);
    // Marked first, so a crash in between leaves places unused rather than given back twice.
    progress.capGivenBack = true;
    await save();
    for (let i = 0; i < notChanged; i++) await releaseApproval(services.redis, services.keyPrefix, data.cap);
  }
  await services.audit.record({
    userId: data.owner.userId,
    action: [
      `${data.owner.description} (job ${jobId}): ${progress.changed} changed${progress.failures.length ? `, ${progress.failures.length} failed` : ''}`,
      ...(cancelledBy ? [', cancelled by ', { user: cancelledBy }] : []),
    ],
    outcome: progress.failures.length === 0 ? 'ok' : 'failed',
  });
  const summary: RegistrantJobView = {
    jobId,
    description: data.owner.description,
    command: services.config.slack.command,
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
  };
  await show(summary, true);
  if (data.card) await redrawCard(services, data, jobId, summary);
  // Thousands of failures (a daily quota) do not fit a message: the whole list goes along as a file.
  if (progress.failures.length > FAILURES_LISTED) await sendFailuresCsv(services, data.owner.userId, jobId, progress.failures);
  return { changed: progress.changed, failed: progress.failures.length, ...(cancelledBy ? { cancelledBy } : {}) };
}

/** The card the job was started from, read again from Zoom, with one line on what the job did and who asked. */
async function redrawCard(services: Services, data: RegistrantJobData, jobId: string, view: RegistrantJobView): Promise<void> {
  const { kind, sessionId, action } = data.request;
  const outcome = view.state === 'cancelled' ? 'cancelled' : 'finished';
  const failed = view.failed ? `, ${view.failed} failed` : '';
  const icon = view.state === 'cancelled' ? ':no_entry_sign:' : view.failed ? ':warning:' : CHANGE_ICONS[action];
  const notice = `${icon} Job \`${jobId}\` ${outcome}: ${view.changed ?? 0} ${STATUS_RULES[action].done}${failed} (by <@${data.owner.userId}>)`;
  try {
    const card = await registrantCard(services, data.card!.zone, kind, sessionId, 'pending', notice);
    await replyVia(data.card!.responseUrl)(card, { replaceOriginal: true });
  } catch (error) {
    // The card's response_url lives 30 minutes: a longer job leaves it as it was, and the DM has the summary.
    services.log.warn({ err: error, jobId }, 'could not redraw the registrant card');
  }
}

async function sendFailuresCsv(services: Services, userId: string, jobId: string, failures: readonly RegistrantFailure[]): Promise<void> {
  const rows = failures.map((f) => [f.registrant.email, f.registrant.id, f.reason]);
  try {
    await sendFileToDirectMessage(services.slack, userId, {
      filename: `${jobId}-failures.csv`,
      content: toCsv([['email', 'registrant id', 'reason'], ...rows]),
      comment: `Every registrant job ${jobId} could not change, and why.`,
    });
  } catch (error) {
    services.log.warn({ err: error, jobId }, 'could not send the list of failures');
  }
}
