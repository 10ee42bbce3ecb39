// Events spread over shards (ZOOMOPS_EVENT_SHARDS) on real Redis: each meeting instance's events land in one shard's
// express lane, in the order they were accepted, while different instances spread over the shards; a duplicate meets
// its original on the same shard.
import { afterAll, describe, expect, it } from 'vitest';
import { acceptEvent } from '../../../src/ingress/accept.js';
import { shardOf } from '../../../src/jobs/event-shards.js';
import { laneKey } from '../../../src/jobs/event-lane-keys.js';
import { JobQueues } from '../../../src/jobs/queues.js';
import type { ZoomEvent } from '../../../src/zoom/events.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const SHARDS = 4;
const redis = testRedis();
const prefix = uniquePrefix('event-shards');
const jobs = new JobQueues(
  redis,
  prefix,
  (queue, error) => {
    throw new Error(`queue ${queue} reported: ${error.message}`);
  },
  undefined,
  SHARDS,
);

afterAll(async () => {
  await clearPrefix(redis, `{${prefix}`);
  await jobs.close();
  redis.disconnect();
});

function meetingEvent(name: string, uuid: string, extra: Record<string, unknown> = {}): ZoomEvent {
  return { event: name, event_ts: 1_760_000_000_000, payload: { account_id: 'A', object: { id: '81234567890', uuid, ...extra } } } as ZoomEvent;
}

type Stored = { shards: number; event: { event: string; payload: { object: { uuid: string; participant?: { participant_uuid: string } } } } };

describe('event shards', () => {
  it('keeps each meeting instance’s events on one shard, in the order they were accepted', async () => {
    const instances = Array.from({ length: 12 }, (_, i) => `inst-${i}==`);
    // Precondition: the instances spread over more than one shard, so the test can tell shards apart.
    expect(new Set(instances.map((u) => shardOf(u, SHARDS))).size).toBeGreaterThan(1);
    // Interleaved as Zoom sends them when meetings overlap: started, two joins, ended of each, turn by turn.
    const steps = ['meeting.started', 'meeting.participant_joined', 'meeting.participant_joined', 'meeting.ended'];
    for (const [step, name] of steps.entries()) {
      await Promise.all(instances.map((uuid) => acceptEvent(jobs, meetingEvent(name, uuid, { participant: { participant_uuid: `p${step}` } }), 'webhook')));
    }
    const byShard = await Promise.all(
      Array.from({ length: SHARDS }, async (_, shard) => (await redis.xrange(laneKey(prefix, shard), '-', '+')).map(([, fields]) => JSON.parse(fields[3]!) as Stored)),
    );
    expect(byShard.flat()).toHaveLength(instances.length * steps.length);
    for (const uuid of instances) {
      const holding = byShard.flatMap((jobsOfShard, shard) => (jobsOfShard.some((d) => d.event.payload.object.uuid === uuid) ? [shard] : []));
      expect(holding).toEqual([shardOf(uuid, SHARDS)]);
      const order = byShard[holding[0]!]!.filter((d) => d.event.payload.object.uuid === uuid).map((d) => `${d.event.event}:${d.event.payload.object.participant?.participant_uuid}`);
      expect(order).toEqual(steps.map((name, step) => `${name}:p${step}`));
    }
    expect(byShard.filter((list) => list.length > 0).length).toBeGreaterThan(1);
    // Each carries the count it was sharded by, so its relay state stays put if the count changes before it is relayed.
    expect(new Set(byShard.flat().map((d) => d.shards))).toEqual(new Set([SHARDS]));
  });

  it('puts an event in its shard’s lane under its ID, and meets a duplicate there', async () => {
    const uuid = Array.from({ length: 50 }, (_, i) => `find-${i}==`).find((u) => shardOf(u, SHARDS) !== 0)!;
    const accepted = await acceptEvent(jobs, meetingEvent('meeting.started', uuid), 'webhook');
    const [[, fields]] = (await redis.xrevrange(laneKey(prefix, shardOf(uuid, SHARDS)), '+', '-', 'COUNT', 1)) as [[string, string[]]];
    expect(fields.slice(0, 2)).toEqual(['evt', accepted.jobId]);
    expect(await acceptEvent(jobs, meetingEvent('meeting.started', uuid), 'webhook')).toEqual({ jobId: accepted.jobId, duplicate: true });
  });
});
