// Runs the BullMQ workers of this process. A processor is a plain function of its job plus a context that
// says when to stop: at shutdown a job goes back to the queue from its last safe point, so nothing is lost.
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { z } from 'zod';
import type { Config } from '../config.js';
import { connectRedis, type RedisClient } from '../redis.js';
import type { Services } from '../services.js';
import { countJobResult } from '../metrics.js';
import { cancelRequestedBy } from './cancel.js';
import { ProgressMessage } from './progress.js';
import { queuePrefix, type JobOwner, type QueueName } from './queues.js';
import { eventQueueName, type EventQueueName } from './event-shards.js';
import { jobFailedMessage } from '../views/jobs.js';
import { pathsShownTo } from './shown-paths.js';
import { startEventLanes, type EventLaneRunner, type RunningLanes } from './event-lane.js';

/** Moves the job to delayed for `ms` (no attempt counted) and ends this run of it: the job comes back then. */
export async function comeBackIn(job: Job, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, job.token);
  throw new DelayedError();
}

export interface JobContext {
  services: Services;
  /** Aborted when this process shuts down: stop at the next safe point and call `putBack()`. */
  shutdown: AbortSignal;
  /** The Slack user who asked to cancel this job, if anyone did. */
  cancelRequestedBy(): Promise<string | undefined>;
  /** Returns the job to the waiting list without counting an attempt; another worker resumes it. */
  putBack(): Promise<never>;
}

export interface JobProcessor<Data = unknown> {
  queue: QueueName;
  /** Job data is read through this schema: a job that does not match fails at once and is never retried. */
  data: z.ZodType<Data>;
  concurrency(config: Config): number;
  process(job: Job, data: Data, ctx: JobContext): Promise<unknown>;
  /** The relay also reads the events' express lane (jobs/event-lane.ts), with the same concurrency per shard. */
  lane?: EventLaneRunner;
}

export interface RunningWorkers {
  stop(): Promise<void>;
}

// A worker that dies mid-job loses its lock within this time and the job is handed to another worker.
const LOCK_MS = 30_000;
// Each stall is a crash mid-job; the work is resumable, so allow several before calling the job failed.
const MAX_STALLS = 5;

export function startWorkers(processors: readonly JobProcessor<any>[], services: Services): RunningWorkers {
  const shutdown = new AbortController();
  const connections: RedisClient[] = [];
  const lanes: RunningLanes[] = processors.flatMap((processor) =>
    processor.lane ? [startEventLanes(services, processor.lane, shareOfShard(processor.concurrency(services.config), services.config.eventShards))] : [],
  );
  const workers = processors.flatMap((processor) => queuesOf(processor, services.config).map(({ queue, concurrency }) => {
    // BullMQ's blocking commands need a connection that never gives up on a request.
    const connection = connectRedis(services.config.redis, 'worker');
    connection.on('error', (error: unknown) => services.redisErrors.error(`worker connection ${processor.queue}`, error, 'Redis connection of a queue worker failed'));
    connections.push(connection);
    const worker = new Worker(
      queue,
      async (job, token) => {
        const parsed = processor.data.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`job data does not match: ${parsed.error.message}`);
        const ctx: JobContext = {
          services,
          shutdown: shutdown.signal,
          cancelRequestedBy: () => cancelRequestedBy(services.redis, services.keyPrefix, String(job.id)),
          putBack: async () => {
            await job.moveToWait(token);
            throw new WaitingError();
          },
        };
        return processor.process(job, parsed.data, ctx);
      },
      {
        connection,
        prefix: queuePrefix(services.keyPrefix, queue),
        concurrency,
        lockDuration: LOCK_MS,
        maxStalledCount: MAX_STALLS,
      },
    );
    worker.on('error', (error) => services.redisErrors.error(`worker ${processor.queue}`, error, 'queue worker error'));
    worker.on('completed', (job) => countJobResult(processor.queue, job, 'completed'));
    worker.on('failed', (job, error) => {
      countJobResult(processor.queue, job, 'failed', !job || isFinalFailure(job, error));
      services.log.warn({ err: error, queue: processor.queue, jobId: job?.id }, 'job failed');
      if (job && isFinalFailure(job, error)) {
        // Never an unhandled rejection: telling the owner is a courtesy, the failure itself is already recorded.
        tellOwnerItFailed(services, job, error).catch((tellError: unknown) =>
          services.log.error({ err: tellError, jobId: job.id }, 'could not tell the owner that a job failed'),
        );
      }
    });
    return worker;
  }));
  return {
    stop: async () => {
      shutdown.abort();
      // close() waits for running jobs; they reach a safe point and put themselves back. A lane stops reading, its
      // relays finish, and what it read but did not finish stays pending for another process to reclaim.
      await Promise.all([...workers.map((w) => w.close()), ...lanes.map((l) => l.stop())]);
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/**
 * The queues a processor consumes: each shard of the events queue (jobs/event-shards.ts), the processor's concurrency
 * shared out among them so a process runs as many relay jobs at once as before there were shards.
 */
function queuesOf(processor: JobProcessor<any>, config: Config): Array<{ queue: QueueName | EventQueueName; concurrency: number }> {
  const concurrency = processor.concurrency(config);
  if (processor.queue !== 'events') return [{ queue: processor.queue, concurrency }];
  const shards = config.eventShards;
  return Array.from({ length: shards }, (_, shard) => ({ queue: eventQueueName(shard), concurrency: shareOfShard(concurrency, shards) }));
}

function shareOfShard(concurrency: number, shards: number): number {
  return Math.max(1, Math.ceil(concurrency / shards));
}

/** BullMQ emits `failed` for every attempt; only the last one (or an unrecoverable error) ends the job. */
function isFinalFailure(job: Job, error: Error): boolean {
  return error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** The job's progress message ends with the failure instead of staying at "running" forever. */
async function tellOwnerItFailed(services: Services, job: Job, error: Error): Promise<void> {
  const owner = (job.data as { owner?: Partial<JobOwner> } | undefined)?.owner;
  if (!owner?.progress || !owner.description) return;
  // A download's reason may name files on the server (writing …/x.part failed); a channel sees them relative.
  const reason = pathsShownTo(owner, services.config.recordings.dir, error.message);
  const message = jobFailedMessage({ jobId: String(job.id), description: owner.description, reason, attempts: job.attemptsMade, command: services.config.slack.command });
  await new ProgressMessage(services, owner.progress).update(message, { final: true });
}
