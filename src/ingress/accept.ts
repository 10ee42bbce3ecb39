// Where every Zoom event enters the bot, from the webhook route and the WebSocket alike: one BullMQ job on its shard
// of the events queue (jobs/event-shards.ts: by meeting instance), deduplicated on the event's identity for as long
// as Zoom may send it again. A duplicate meets the same shard, so its dedupe key is found.
import type { Job, JobsOptions } from 'bullmq';
import type { JobQueues } from '../jobs/queues.js';
import { newJobId } from '../jobs/queues.js';
import { eventQueueName, eventShardOf } from '../jobs/event-shards.js';
import { countZoomEvent } from '../metrics.js';
import { eventIdentity, type ZoomEvent } from '../zoom/events.js';

/**
 * Zoom retries at +5, +20 and +60 min (85 min in all) and sends duplicates; the key outlives that with room.
 * BullMQ's own `deduplication` keeps just this one key per event (with its TTL, and past the job's completion
 * and removal), where a job-ID key would keep every finished job around for hours.
 */
export const DEDUPE_TTL_MS = 4 * 60 * 60_000;

/** Delivery retries (Slack down, 5xx): exponential from 2 s, then the job stays in the failed list. */
export const RELAY_ATTEMPTS = 6;

export interface RelayJobData {
  kind: 'event';
  /** The event's identity (dedupe key), also the key its Slack posts are recorded under. */
  key: string;
  event: ZoomEvent;
  source: 'webhook' | 'websocket';
  receivedAt: number;
}

export type Accepted = { jobId: string; duplicate: boolean };

/**
 * Event job IDs: one random `evt-…` per process, then a counter (`evt-1f2e3d4c-1a`). A random draw per event was
 * ~3 % of an event's CPU; the counter also rules out two events of one process colliding (a collision would
 * read as a duplicate and drop the event). `queueOfJobId` still finds the queue by the `evt` prefix.
 */
const EVENT_ID_BASE = newJobId('events');
let eventCount = 0;
const nextEventJobId = () => `${EVENT_ID_BASE}-${(++eventCount).toString(36)}`;

const JOB_OPTIONS: JobsOptions = {
  attempts: RELAY_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 1_000 },
  // Kept a week so `/zoom jobs failed` shows what did not reach Slack.
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Stores the event durably; resolves only once Redis holds it (or knows it already did). */
export async function acceptEvent(jobs: JobQueues, event: ZoomEvent, source: RelayJobData['source'], now = Date.now()): Promise<Accepted> {
  const key = eventIdentity(event);
  // recording.completed's download_token is a credential the relay never needs; it is not stored.
  const { download_token: _token, ...stored } = event as ZoomEvent & { download_token?: unknown };
  const data: RelayJobData = { kind: 'event', key, event: stored as ZoomEvent, source, receivedAt: now };
  const jobId = nextEventJobId();
  const job = await batchOf(jobs).add(eventShardOf(event, key, jobs.eventShards), {
    name: `Zoom event ${event.event}`,
    data,
    opts: { ...JOB_OPTIONS, jobId, deduplication: { id: key, ttl: DEDUPE_TTL_MS } },
  });
  // A duplicate gets back the job that holds the key, not a new one.
  countZoomEvent(source, job.id !== jobId);
  return { jobId: String(job.id), duplicate: job.id !== jobId };
}

type NewJob = { name: string; data: RelayJobData; opts: JobsOptions };

/**
 * Events that arrive in the same turn of the event loop reach Redis in one write per shard: a pipeline of the same
 * `addJob` Lua calls, run in order, so dedupe behaves as with separate adds. Each loopback write costs tens of
 * µs of CPU; under a burst (the backlog after any stall) that was the largest share of an event's cost. Each
 * caller still resolves only once Redis has answered for its own job; a failed write fails every event in it
 * (Zoom retries them, and the dedupe key turns any that did land into a duplicate).
 */
type Pending = { job: NewJob; resolve: (job: Job) => void; reject: (error: unknown) => void };

class EnqueueBatch {
  private pending = new Map<number, Pending[]>();

  constructor(private readonly jobs: JobQueues) {}

  add(shard: number, job: NewJob): Promise<Job> {
    return new Promise((resolve, reject) => {
      // setImmediate runs right after this turn's I/O callbacks: no timer, and no wait when the loop is idle.
      if (this.pending.size === 0) setImmediate(() => this.flush());
      const batch = this.pending.get(shard) ?? [];
      batch.push({ job, resolve, reject });
      this.pending.set(shard, batch);
    });
  }

  private flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    for (const [shard, batch] of batches) this.store(shard, batch);
  }

  private store(shard: number, batch: Pending[]): void {
    const name = eventQueueName(shard);
    // Looked up each time: JobQueues.close() drops its queues and a later call makes new ones.
    const queue = this.jobs.queue(name);
    const stored: Promise<Job[]> =
      batch.length === 1 ? queue.add(batch[0]!.job.name, batch[0]!.job.data, batch[0]!.job.opts).then((job) => [job]) : queue.addBulk(batch.map((b) => b.job));
    // One WAIT per batch: the 200 goes out once a replica holds the events too (a failover cannot lose them).
    stored.then(
      async (added) => {
        await this.jobs.replicated(name);
        return added;
      },
    ).then(
      (added) => batch.forEach((b, i) => b.resolve(added[i]!)),
      (error: unknown) => batch.forEach((b) => b.reject(error)),
    );
  }
}

const batches = new WeakMap<JobQueues, EnqueueBatch>();

function batchOf(jobs: JobQueues): EnqueueBatch {
  let batch = batches.get(jobs);
  if (!batch) {
    batch = new EnqueueBatch(jobs);
    batches.set(jobs, batch);
  }
  return batch;
}
