// Zoom events are spread over shards so that, on a Redis Cluster, ingest and relay grow with the number of masters:
// each shard is its own `events` queue on its own hash tag (so its own slot), and the relay's per-event state is
// spread the same way. On one Redis a single shard changes nothing.
//
// Order: the relay keeps the order of one meeting instance's events only as far as one queue does. A queue hands its
// jobs out oldest first, but with a concurrency above one the worker runs several at once, so two events of one
// instance that arrive together may reach Slack in either order (the first to post opens the instance's thread).
// Every event of one instance goes to the same shard (routed by the instance, not by the event), so it meets the
// same queue, and the same first-in-first-out hand-out, as before there were shards: sharding makes that no worse.
import { meetingInstanceOf, type ZoomEvent } from '../zoom/events.js';

/** Shard 0 keeps the name of the one queue there was before shards, so events queued before an upgrade are relayed. */
export type EventQueueName = 'events' | `events-${number}`;

export function eventQueueName(shard: number): EventQueueName {
  return shard === 0 ? 'events' : `events-${shard}`;
}

/** The shard a queue name is of: `events` is 0, `events-3` is 3. */
export function shardOfQueueName(name: EventQueueName): number {
  return name === 'events' ? 0 : Number(name.slice('events-'.length));
}

/** Which of `shards` a key belongs to: FNV-1a, stable across processes and releases (never Math.random or a Map order). */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** The event's shard: by its meeting instance (started, ended, recording of one instance together), else by its identity. */
export function eventShardOf(event: ZoomEvent, identity: string, shards: number): number {
  return shardOf(meetingInstanceOf(event) ?? identity, shards);
}
