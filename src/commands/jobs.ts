// `/zoom jobs [list|failed]`, `/zoom jobs status|cancel|retry <jobId>`: where the slow work stands, whoever
// started it and whichever process runs it.
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { CommandDef } from './command.js';
import type { CommandInvocation, ParsedCommand } from './context.js';
import { UsageError, excerpt } from './errors.js';
import { clearCancel, requestCancel } from '../jobs/cancel.js';
import { QUEUE_NAMES, type QueueName } from '../jobs/queues.js';
import { textMessage } from '../views/blocks.js';
import { jobListMessage, jobStatusMessage, type JobInfo } from '../views/jobs.js';

const LIST_LIMIT = 25;
/** Finished jobs `/zoom jobs` still lists: an admin asking "did it work?" the same day finds the answer there. */
const FINISHED_SHOWN_MS = 24 * 3600_000;
// Relayed events are jobs too, but only their failures concern an admin.
const USER_QUEUES: QueueName[] = ['registrants', 'downloads', 'exports', 'shares'];

const jobId = { name: 'jobId', type: 'string' } as const;

export const jobCommands: CommandDef[] = [
  {
    path: ['jobs'],
    usage: 'jobs [list]',
    summary: 'Running, waiting and failed jobs, and those finished in the last 24 hours (`jobs failed` for failures only).',
    access: 'read',
    args: { positionals: [{ name: 'what', type: 'string', optional: true }], flags: {} },
    run: async (inv, args) => {
      const what = args.positionals[0]?.toLowerCase() ?? 'list';
      if (what === 'failed') return listFailed(inv);
      if (what !== 'list') {
        const command = inv.services.config.slack.command;
        throw new UsageError(`\`jobs ${excerpt(what)}\` is not a command. Use \`${command} jobs list\`, \`${command} jobs failed\`, or \`${command} jobs status <jobId>\`.`);
      }
      const [current, finished] = await Promise.all([
        collectJobs(inv, USER_QUEUES, ['active', 'waiting', 'delayed', 'prioritized', 'failed']),
        collectJobs(inv, USER_QUEUES, ['completed']),
      ]);
      const since = inv.services.now().toMillis() - FINISHED_SHOWN_MS;
      const recent = finished.filter((j) => (j.finishedAt ?? 0) >= since);
      await inv.reply(jobListMessage('Jobs', current, 'No jobs are running, waiting or failed.', { finished: recent, zone: inv.person.tz }));
    },
  },
  {
    path: ['jobs', 'failed'],
    usage: 'jobs failed',
    summary: 'Failed jobs, including event deliveries that gave up.',
    access: 'read',
    args: { positionals: [], flags: {} },
    run: (inv) => listFailed(inv),
  },
  {
    path: ['jobs', 'status'],
    usage: 'jobs status <jobId>',
    summary: 'Where one job is: state, progress, failures.',
    example: 'jobs status reg-1a2b3c4d5e6f',
    access: 'read',
    args: { positionals: [jobId], flags: {} },
    run: async (inv, args) => {
      const job = await findJob(inv, args);
      await inv.reply(jobStatusMessage(await infoOf(job), inv.person.tz));
    },
  },
  {
    path: ['jobs', 'cancel'],
    usage: 'jobs cancel <jobId>',
    summary: 'Cancel a waiting or running job; a running one stops after its current step.',
    example: 'jobs cancel reg-1a2b3c4d5e6f',
    access: 'write',
    args: { positionals: [jobId], flags: {} },
    run: async (inv, args) => {
      const job = await findJob(inv, args);
      const state = await job.getState();
      const id = String(job.id);
      if (state === 'completed' || state === 'failed') {
        await inv.reply(textMessage(`Job \`${id}\` has already ${state === 'completed' ? 'finished' : 'failed'}; nothing to cancel.`));
        return;
      }
      // Only the job's own processor stops it: it knows what was already done, says so in the job's message and
      // the audit channel, and never loses progress (removing a queued job from here would race a worker).
      await requestCancel(inv.services.redis, inv.services.keyPrefix, id, inv.person.id);
      await inv.services.audit.record({ userId: inv.person.id, action: `asked job ${id} to stop`, outcome: 'ok' });
      const when = state === 'active' ? 'after its current step' : 'as soon as a worker picks it up, before it does anything';
      await inv.reply(textMessage(`:no_entry_sign: Job \`${id}\` stops ${when}; its progress message (in the owner's DM, or in the alert's thread for a watch's automatic download) says what was done.`));
    },
  },
  {
    path: ['jobs', 'retry'],
    usage: 'jobs retry <jobId>',
    summary: 'Run a failed job again from where it stopped.',
    example: 'jobs retry dl-1a2b3c4d5e6f',
    access: 'write',
    args: { positionals: [jobId], flags: {} },
    run: async (inv, args) => {
      const job = await findJob(inv, args);
      if ((await job.getState()) !== 'failed') {
        await inv.reply(textMessage(`Job \`${job.id}\` has not failed; only failed jobs are retried.`));
        return;
      }
      await clearCancel(inv.services.redis, inv.services.keyPrefix, String(job.id));
      await job.retry('failed');
      await inv.services.audit.record({ userId: inv.person.id, action: `retried job ${job.id}`, outcome: 'ok' });
      await inv.reply(textMessage(`:arrows_counterclockwise: Job \`${job.id}\` is queued again.`));
    },
  },
];

async function listFailed(inv: CommandInvocation): Promise<void> {
  await inv.reply(jobListMessage('Failed jobs', await collectJobs(inv, QUEUE_NAMES, ['failed']), 'No failed jobs.'));
}

async function collectJobs(inv: CommandInvocation, queues: readonly QueueName[], states: JobState[]): Promise<JobInfo[]> {
  const lists = await Promise.all(queues.flatMap((q) => inv.services.jobs.shardsOf(q)).map((queue) => queue.getJobs(states, 0, LIST_LIMIT - 1)));
  const jobs = lists.flat().filter((j): j is Job => Boolean(j));
  const infos = await Promise.all(jobs.map(infoOf));
  return infos.sort((a, b) => b.createdAt - a.createdAt).slice(0, LIST_LIMIT);
}

type JobState = 'active' | 'waiting' | 'delayed' | 'prioritized' | 'failed' | 'completed';

async function findJob(inv: CommandInvocation, args: ParsedCommand): Promise<Job> {
  const id = args.positionals[0] ?? '';
  const job = id ? await inv.services.jobs.find(id) : undefined;
  if (!job) throw new UsageError(`There is no job \`${excerpt(id)}\` (finished jobs are kept for a week). \`${inv.services.config.slack.command} jobs\` lists the current ones.`);
  return job;
}

async function infoOf(job: Job): Promise<JobInfo> {
  const data = (job.data ?? {}) as { owner?: { userId?: string; description?: string } };
  const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as JobInfo['progress']) : undefined;
  return {
    id: String(job.id),
    state: await job.getState(),
    description: data.owner?.description ?? job.name,
    ...(data.owner?.userId ? { userId: data.owner.userId } : {}),
    ...(progress && typeof progress.done === 'number' && typeof progress.total === 'number' ? { progress } : {}),
    ...(job.failedReason ? { failedReason: job.failedReason, attempts: job.attemptsMade } : {}),
    ...resultOf(job),
    createdAt: job.timestamp,
    ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
  };
}

/** What the processors return (registrant updates, downloads, exports); anything else is shown without a result. */
const JobResult = z.object({
  changed: z.number().int().min(0).optional(),
  failed: z.number().int().min(0).optional(),
  saved: z.number().int().min(0).optional(),
  rows: z.number().int().min(0).optional(),
  // A Zoom event's relay job: the channels it went to (the relay keeps no job progress, which cost Redis commands).
  channels: z.number().int().min(0).optional(),
  cancelledBy: z.string().optional(),
});

function resultOf(job: Job): Pick<JobInfo, 'result'> {
  const parsed = JobResult.safeParse(job.returnvalue);
  return parsed.success && Object.keys(parsed.data).length > 0 ? { result: parsed.data } : {};
}
