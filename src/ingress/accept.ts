// Where every Zoom event enters the bot, from the webhook route and the WebSocket alike: one BullMQ job on the
// `events` queue, deduplicated on the event's identity for as long as Zoom may send it again.
import type { JobsOptions } from 'bullmq';
import type { JobQueues } from '../jobs/queues.js';
import { newJobId } from '../jobs/queues.js';
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
  const jobId = newJobId('events');
  const job = await jobs.queue('events').add(`Zoom event ${event.event}`, data, {
    ...JOB_OPTIONS,
    jobId,
    deduplication: { id: key, ttl: DEDUPE_TTL_MS },
  });
  // A duplicate gets back the job that holds the key, not a new one.
  return { jobId: String(job.id), duplicate: job.id !== jobId };
}
