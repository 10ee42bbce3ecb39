// Where every Zoom event enters the bot, from the webhook route and the WebSocket alike: one entry in its shard's
// express lane (a Redis stream, jobs/event-lane.ts; shards by meeting instance, jobs/event-shards.ts), deduplicated on
// the event's identity for as long as Zoom may send it again. One Lua script per event does both (SET NX on the
// dedupe key, XADD to the lane) on the shard's slot: about 3 Redis commands an event where a BullMQ job took 11. A
// duplicate meets the same shard, so its dedupe key is found.
import type { JobsOptions } from 'bullmq';
import type { JobQueues } from '../jobs/queues.js';
import { newJobId } from '../jobs/queues.js';
import { eventQueueName, eventShardOf } from '../jobs/event-shards.js';
import { dedupeKey, laneKey, laneRegistryKey } from '../jobs/event-lane-keys.js';
import { countZoomEvent } from '../metrics.js';
import { RedisScript } from '../redis-script.js';
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
  /**
   * ZOOMOPS_EVENT_SHARDS where the event was accepted: its relay state (post records, thread, download claim) stays on
   * the slots that count gave it, so a count changed while it is being delivered cannot make it post twice. Absent in
   * events queued before it was carried (the relay then uses its own setting, as it did).
   */
  shards?: number;
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

/** How a relayed event runs as a BullMQ job once the lane hands it over (jobs/event-lane.ts). */
export const RELAY_JOB_OPTIONS: JobsOptions = {
  attempts: RELAY_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 1_000 },
  // Kept a week so `/zoom jobs failed` shows what did not reach Slack.
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * KEYS: the dedupe key, the shard's lane. ARGV: the event's ID, the dedupe TTL, the stored event. Returns the ID that
 * holds the dedupe key: the event's own when it is new (and now in the lane), the first one's for a duplicate (whose
 * dedupe key is rewritten as it was, for the WAIT that follows). A script is not rolled back on an error: an XADD that
 * fails gives the dedupe key back, or Zoom's retry would be dropped as a duplicate of an event that was never stored.
 */
const ACCEPT = new RedisScript(`
local held = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'PX', ARGV[2])
if held then
  -- A write, so the WAIT before this duplicate's 200 also covers the original (replication keeps order): a retry of an
  -- event whose first answer was a 503 (no replica in time) is not answered 200 while only the master holds it.
  redis.call('SET', KEYS[1], held, 'XX', 'KEEPTTL')
  return held
end
local added = redis.pcall('XADD', KEYS[2], '*', 'evt', ARGV[1], 'data', ARGV[3])
if type(added) == 'table' and added.err then
  redis.call('DEL', KEYS[1])
  return added
end
return ARGV[1]
`);

/** Stores the event durably; resolves only once Redis holds it (or knows it already did). */
export async function acceptEvent(jobs: JobQueues, event: ZoomEvent, source: RelayJobData['source'], now = Date.now()): Promise<Accepted> {
  const key = eventIdentity(event);
  // recording.completed's download_token is a credential the relay never needs; it is not stored.
  const { download_token: _token, ...stored } = event as ZoomEvent & { download_token?: unknown };
  const data: RelayJobData = { kind: 'event', key, event: stored as ZoomEvent, source, receivedAt: now, shards: jobs.eventShards };
  const jobId = nextEventJobId();
  const heldBy = await batchOf(jobs).add(eventShardOf(event, key, jobs.eventShards), { jobId, key, data });
  // A duplicate gets back the ID of the event that holds the key, not a new one.
  countZoomEvent(source, heldBy !== jobId);
  return { jobId: heldBy, duplicate: heldBy !== jobId };
}

const REGISTER_EVERY_MS = 60_000;

type NewEvent = { jobId: string; key: string; data: RelayJobData };

/**
 * Events that arrive in the same turn of the event loop reach Redis in one write per shard: a pipeline of the accept
 * script, run in order, so dedupe behaves as with separate calls. Each loopback write costs tens of µs of CPU; under a
 * burst (the backlog after any stall) that was the largest share of an event's cost. Each caller still resolves only
 * once Redis has answered for its own event: a command Redis refused fails its own event, a failed write or WAIT
 * every event in it (Zoom retries them, and the dedupe key turns any that did land into a duplicate).
 */
type Pending = { event: NewEvent; resolve: (heldBy: string) => void; reject: (error: unknown) => void };

class EnqueueBatch {
  private pending = new Map<number, Pending[]>();
  /**
   * The lanes this shard count writes to are named in the registry before any is written, and again every minute (a
   * registry lost with a Redis that kept no AOF is written anew): one SADD a minute per process.
   */
  private registered?: Promise<unknown>;
  private registeredAt = -Infinity;

  constructor(private readonly jobs: JobQueues) {}

  add(shard: number, event: NewEvent): Promise<string> {
    return new Promise((resolve, reject) => {
      // setImmediate runs right after this turn's I/O callbacks: no timer, and no wait when the loop is idle.
      if (this.pending.size === 0) setImmediate(() => this.flush());
      const batch = this.pending.get(shard) ?? [];
      batch.push({ event, resolve, reject });
      this.pending.set(shard, batch);
    });
  }

  private flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    for (const [shard, batch] of batches) {
      this.store(shard, batch).then(
        (outcomes) => batch.forEach((b, i) => ('heldBy' in outcomes[i]! ? b.resolve(outcomes[i].heldBy) : b.reject(outcomes[i]!.error))),
        (error: unknown) => batch.forEach((b) => b.reject(error)),
      );
    }
  }

  /** Each event's own outcome: a command Redis refused fails its event only; a failed WAIT fails them all. */
  private async store(shard: number, batch: Pending[]): Promise<Array<{ heldBy: string } | { error: unknown }>> {
    await this.registerLanes();
    const redis = this.jobs.connection;
    const keys = (b: Pending) => [dedupeKey(this.jobs.keyPrefix, shard, b.event.key), laneKey(this.jobs.keyPrefix, shard)];
    const args = (b: Pending) => [b.event.jobId, DEDUPE_TTL_MS, JSON.stringify(b.event.data)];
    const pipeline = redis.pipeline();
    for (const b of batch) ACCEPT.queue(pipeline, keys(b), args(b));
    const replies = (await pipeline.exec()) ?? [];
    const outcomes: Array<{ heldBy: string } | { error: unknown }> = [];
    // In order, one at a time: a duplicate within the batch must meet its original's dedupe key.
    for (const [i, b] of batch.entries()) {
      const [error, reply] = replies[i] ?? [new Error('Redis did not answer for this event')];
      try {
        // The script is not in this server's cache (a restart, a failover): it did not run, so run it with its source.
        if (error?.message.startsWith('NOSCRIPT')) outcomes.push({ heldBy: String(await ACCEPT.run(redis, keys(b), args(b))) });
        else if (error) outcomes.push({ error });
        else outcomes.push({ heldBy: String(reply) });
      } catch (runError) {
        outcomes.push({ error: runError });
      }
    }
    // One WAIT per batch: the 200 goes out once a replica holds the events too (a failover cannot lose them).
    await this.jobs.replicated(eventQueueName(shard));
    return outcomes;
  }

  private registerLanes(): Promise<unknown> {
    if (this.registered && Date.now() - this.registeredAt < REGISTER_EVERY_MS) return this.registered;
    const shards = Array.from({ length: this.jobs.eventShards }, (_, shard) => shard);
    this.registeredAt = Date.now();
    this.registered = this.jobs.connection.sadd(laneRegistryKey(this.jobs.keyPrefix), ...shards).catch((error: unknown) => {
      this.registered = undefined;
      throw error;
    });
    return this.registered;
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
