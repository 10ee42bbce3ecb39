// The BullMQ queues and job IDs. Each queue has its own hash-tagged prefix (`{zoomops-events}` …) so its keys
// share one Redis Cluster slot while different queues spread over slots.
import { createHash, randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { RedisClient } from '../redis.js';
import type { ReplicaWait } from '../replication.js';
import { eventQueueName, type EventQueueName } from './event-shards.js';
import { laneKey } from './event-lane-keys.js';

export type QueueName = 'events' | 'registrants' | 'downloads' | 'exports' | 'shares' | 'rules';
export const QUEUE_NAMES: readonly QueueName[] = ['events', 'registrants', 'downloads', 'exports', 'shares', 'rules'];

// A job ID says which queue holds it, so `/zoom jobs status <id>` finds it with one lookup.
const ID_PREFIX: Record<QueueName, string> = { events: 'evt', registrants: 'reg', downloads: 'dl', exports: 'exp', shares: 'shr', rules: 'rul' };

/**
 * A fresh job ID, short enough to type into `/zoom jobs status`. 48 bits: BullMQ silently hands back the job already
 * under an ID that is taken, so a repeat would lose the new request; among the jobs kept (up to 30 days) the chance
 * of one stays below one in a million for 10,000 jobs (32 bits: about one in a hundred).
 */
export function newJobId(queue: QueueName): string {
  return `${ID_PREFIX[queue]}-${randomBytes(6).toString('hex')}`;
}

/**
 * The job ID of work that must run once for a given cause (an event's automatic download): the same key always gives
 * the same ID, so BullMQ refuses a second job while the first is kept (KEEP_FINISHED: a week once done). 64 bits, so
 * two causes practically never share one over the weeks jobs are kept, and longer than newJobId's, so a derived ID is
 * never one a request made by hand was given.
 */
export function derivedJobId(queue: QueueName, key: string): string {
  return `${ID_PREFIX[queue]}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

export function queueOfJobId(jobId: string): QueueName | undefined {
  const prefix = jobId.split('-')[0];
  return QUEUE_NAMES.find((q) => ID_PREFIX[q] === prefix);
}

export function queuePrefix(keyPrefix: string, queue: QueueName | EventQueueName): string {
  return `{${keyPrefix}-${queue}}`;
}

/**
 * How long a job someone asked for stays findable by `/zoom jobs status` (a week when done, a month when failed, so a
 * failure can still be read and retried after a holiday).
 */
export const KEEP_FINISHED = {
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/** Who asked for a job and where its progress message lives: every user-facing job's data carries this. */
export interface JobOwner {
  userId: string;
  /** One line for `/zoom jobs`: "Approve 3,000 pending registrants of webinar 812 3456 7890". */
  description: string;
  /** The message that shows progress, updated in place: in the owner's DM, or a watching channel's thread. */
  progress?: { channel: string; ts: string };
  /** The progress message is in a channel others read (a watch's automatic download): it names no server paths. */
  inChannel?: boolean;
}

export class JobQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    /** The commands connection (fails fast while Redis is down); the events' lane is written through it. */
    readonly connection: RedisClient,
    readonly keyPrefix: string,
    /** Every queue reports its errors here (an unheard `error` event would crash the process). */
    private readonly onError: (queue: QueueName, error: Error) => void,
    /** Set: enqueuing callers may wait for a replica's copy (`replicated`) before they acknowledge. */
    private readonly replicaWait?: ReplicaWait,
    /** ZOOMOPS_EVENT_SHARDS: how many queues the Zoom events are spread over (jobs/event-shards.ts). */
    readonly eventShards = 1,
  ) {}

  /** Resolves once a replica holds this process's writes to the queue; at once without replicas or when not asked. */
  async replicated(name: QueueName | EventQueueName): Promise<void> {
    await this.replicaWait?.confirm(`${queuePrefix(this.keyPrefix, name)}:${name}`);
  }

  /** The queue; `events` is shard 0 of the Zoom events (`shards` has them all). */
  queue(name: QueueName | EventQueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.keyPrefix, name) });
      // Errors of every shard are reported as the events queue's: one cause, one throttled log line.
      const reported = name.startsWith('events') ? 'events' : (name as QueueName);
      queue.on('error', (error) => this.onError(reported, error));
      this.queues.set(name, queue);
      this.dropIfUnready(name, queue);
    }
    return queue;
  }

  /**
   * BullMQ checks a queue's connection once, as the queue is made (an INFO), and keeps that check's failure for good:
   * a queue first used just as Redis went away refused every job until the process restarted (an event lane then
   * handed nothing over, and its events never reached Slack). Such a queue is let go; the next use makes it anew. The
   * check's promise gets this handler before any caller's, so a caller that sees the failure already gets a new queue.
   */
  private dropIfUnready(name: QueueName | EventQueueName, queue: Queue): void {
    queue.getBackend().client.catch(() => {
      if (this.queues.get(name) === queue) this.queues.delete(name);
      // It frees its listeners on the shared connection; the connection itself stays open.
      queue.close().catch(() => undefined);
    });
  }

  /** Every queue behind a name: each shard of the Zoom events, else the one queue. For listings and counts. */
  shardsOf(name: QueueName): Queue[] {
    if (name !== 'events') return [this.queue(name)];
    return Array.from({ length: this.eventShards }, (_, shard) => this.queue(eventQueueName(shard)));
  }

  /**
   * The Zoom events of a shard still in its express lane (jobs/event-lane.ts): not relayed yet, or being relayed now.
   * `oldestAt`: when the oldest of them was accepted (its stream ID's time). Read with the queue's counts wherever those
   * say how much is waiting (metrics, the doctor).
   */
  async laneBacklog(shard: number): Promise<{ count: number; oldestAt?: number }> {
    const key = laneKey(this.keyPrefix, shard);
    const [count, oldest] = await Promise.all([this.connection.xlen(key), this.connection.xrange(key, '-', '+', 'COUNT', 1)]);
    const at = oldest[0] ? Number(oldest[0][0].split('-')[0]) : undefined;
    return { count, ...(at !== undefined ? { oldestAt: at } : {}) };
  }

  /** The job with this ID, wherever it is (waiting, active, done, failed); undefined when unknown or removed. */
  async find(jobId: string): Promise<Job | undefined> {
    const name = queueOfJobId(jobId);
    if (!name) return undefined;
    // An event's ID does not name its shard; `/zoom jobs status` is rare enough to ask each.
    for (const queue of this.shardsOf(name)) {
      const job = await queue.getJob(jobId);
      if (job) return job;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
