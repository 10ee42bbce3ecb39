// acceptEvent on real Redis: events accepted in the same turn share one write, yet each caller learns its own
// job, a duplicate in the same batch is still dropped, and every job is in Redis when its promise resolves.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { acceptEvent } from '../../../src/ingress/accept.js';
import { JobQueues } from '../../../src/jobs/queues.js';
import type { ZoomEvent } from '../../../src/zoom/events.js';
import { testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const jobs = new JobQueues(redis, uniquePrefix('accept'), (queue, error) => {
  throw new Error(`queue ${queue} reported: ${error.message}`);
});

afterAll(async () => {
  await jobs.queue('events').obliterate({ force: true });
  await jobs.close();
  redis.disconnect();
});

function started(id: string): ZoomEvent {
  return { event: 'meeting.started', event_ts: 1_760_000_000_000, payload: { account_id: 'A', object: { id, uuid: `u-${id}` } } } as ZoomEvent;
}

describe('acceptEvent', () => {
  it('stores events accepted together, one job each, each in Redis when its caller hears back', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `9${i}`);
    const bulk = vi.spyOn(jobs.queue('events'), 'addBulk');
    const accepted = await Promise.all(ids.map((id) => acceptEvent(jobs, started(id), 'webhook')));
    // One pipeline (one write to Redis) for the twenty.
    expect(bulk).toHaveBeenCalledTimes(1);
    expect(bulk.mock.calls[0]![0]).toHaveLength(20);
    bulk.mockRestore();
    expect(accepted.every((a) => !a.duplicate)).toBe(true);
    expect(new Set(accepted.map((a) => a.jobId)).size).toBe(20);
    const stored = await Promise.all(accepted.map((a) => jobs.queue('events').getJob(a.jobId)));
    expect(stored.map((j) => (j?.data as { event: { payload: { object: { id: string } } } }).event.payload.object.id)).toEqual(ids);
  });

  it('drops a duplicate that arrives in the same turn as the original, answering with the original job', async () => {
    const [first, second] = await Promise.all([acceptEvent(jobs, started('777'), 'webhook'), acceptEvent(jobs, started('777'), 'webhook')]);
    expect(first!.duplicate).toBe(false);
    expect(second).toEqual({ jobId: first!.jobId, duplicate: true });
  });
});
