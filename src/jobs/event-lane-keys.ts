// Where the events' express lane lives in Redis (jobs/event-lane.ts). Every key of a shard's lane sits inside that
// shard's queue hash tag (`{zoomops-events-3}:…`), so ingest's one script per event is single-slot on a cluster, and
// the BullMQ queue the lane hands slow events to is on the same slot.
import { queuePrefix } from './queues.js';
import { eventQueueName } from './event-shards.js';

/** The shard's stream of accepted events, read by the workers' consumer group. */
export function laneKey(keyPrefix: string, shard: number): string {
  return `${queuePrefix(keyPrefix, eventQueueName(shard))}:lane`;
}

/**
 * The event's dedupe key: BullMQ's own (`…:events:de:<identity>`, holding the ID of the event that took it), so an
 * event queued as a BullMQ job before the lane existed still turns its retries into duplicates, and back.
 */
export function dedupeKey(keyPrefix: string, shard: number, identity: string): string {
  const queue = eventQueueName(shard);
  return `${queuePrefix(keyPrefix, queue)}:${queue}:de:${identity}`;
}

/**
 * Every shard count a process of this deployment has run with, as a set of shard numbers: workers drain every lane
 * named here, so lowering ZOOMOPS_EVENT_SHARDS strands no event left in a lane the new count no longer has.
 */
export function laneRegistryKey(keyPrefix: string): string {
  return `${queuePrefix(keyPrefix, 'events')}:lanes`;
}
