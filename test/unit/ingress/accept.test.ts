// acceptEvent on real Redis: events accepted in the same turn share one write, yet each caller learns its own
// event ID, a duplicate (in the same batch or later) is still dropped, every event is in its shard's express lane when
// its promise resolves, and a write Redis refused fails its events instead of answering 200 for them.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { acceptEvent } from '../../../src/ingress/accept.js';
import { dedupeKey, laneKey, laneRegistryKey } from '../../../src/jobs/event-lane-keys.js';
import { JobQueues } from '../../../src/jobs/queues.js';
import { eventIdentity, type ZoomEvent } from '../../../src/zoom/events.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('accept');
const jobs = new JobQueues(redis, prefix, (queue, error) => {
  throw new Error(`queue ${queue} reported: ${error.message}`);
});
const lane = laneKey(prefix, 0);

beforeEach(async () => {
  await clearPrefix(redis, `{${prefix}`);
});

afterAll(async () => {
  await clearPrefix(redis, `{${prefix}`);
  await jobs.close();
  redis.disconnect();
});

function started(id: string): ZoomEvent {
  return { event: 'meeting.started', event_ts: 1_760_000_000_000, payload: { account_id: 'A', object: { id, uuid: `u-${id}` } } } as ZoomEvent;
}

async function laneEntries(): Promise<Array<{ evt: string; data: any }>> {
  return (await redis.xrange(lane, '-', '+')).map(([, fields]) => ({ evt: fields[1]!, data: JSON.parse(fields[3]!) }));
}

describe('acceptEvent', () => {
  it('stores events accepted together, one lane entry each, each in Redis when its caller hears back', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `9${i}`);
    const pipeline = vi.spyOn(redis, 'pipeline');
    const accepted = await Promise.all(ids.map((id) => acceptEvent(jobs, started(id), 'webhook')));
    // One pipeline (one write to Redis) for the twenty.
    expect(pipeline).toHaveBeenCalledTimes(1);
    pipeline.mockRestore();
    expect(accepted.every((a) => !a.duplicate)).toBe(true);
    expect(new Set(accepted.map((a) => a.jobId)).size).toBe(20);
    const entries = await laneEntries();
    expect(entries.map((e) => e.evt)).toEqual(accepted.map((a) => a.jobId));
    expect(entries.map((e) => e.data.event.payload.object.id)).toEqual(ids);
    expect(entries[0]!.data).toMatchObject({ kind: 'event', key: expect.stringContaining('meeting.started'), source: 'webhook', shards: 1 });
    // The lane is named in the registry the workers drain, so a later change of the shard count strands nothing.
    expect(await redis.smembers(laneRegistryKey(prefix))).toEqual(['0']);
  });

  it('drops a duplicate that arrives in the same turn as the original, answering with the original event', async () => {
    const [first, second] = await Promise.all([acceptEvent(jobs, started('777'), 'webhook'), acceptEvent(jobs, started('777'), 'webhook')]);
    expect(first!.duplicate).toBe(false);
    expect(second).toEqual({ jobId: first!.jobId, duplicate: true });
    expect(await laneEntries()).toHaveLength(1);
  });

  it('drops Zoom’s retry of an event accepted earlier: one entry, the credential not stored', async () => {
    const recording = { event: 'recording.completed', event_ts: 1_760_000_000_000, download_token: 'secret-token', payload: { account_id: 'A', object: { id: '5', uuid: 'rec-5' } } } as unknown as ZoomEvent;
    const first = await acceptEvent(jobs, recording, 'webhook');
    const retry = await acceptEvent(jobs, recording, 'websocket');
    expect(retry).toEqual({ jobId: first.jobId, duplicate: true });
    const entries = await laneEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.data.event.download_token).toBeUndefined();
  });

  it('writes on a duplicate too, so the WAIT before its 200 also covers the original event (a retry after a 503)', async () => {
    const first = await acceptEvent(jobs, started('42'), 'webhook');
    const key = dedupeKey(prefix, 0, eventIdentity(started('42')));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    const watcher = testRedis();
    try {
      await watcher.watch(key);
      const retry = await acceptEvent(jobs, started('42'), 'webhook');
      expect(retry).toEqual({ jobId: first.jobId, duplicate: true });
      // The key was written (a transaction watching it fails): a write of this connection that WAIT waits for, and
      // replication keeps order, so the replica then holds the original's entry too. The key itself is unchanged.
      expect(await watcher.multi().get(key).exec()).toBeNull();
    } finally {
      watcher.disconnect();
    }
    expect(await redis.get(key)).toBe(first.jobId);
    const kept = await redis.pttl(key);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(ttl);
    expect(await laneEntries()).toHaveLength(1);
  });

  it('still accepts after the server lost its scripts (a restart, a failover to a replica that never ran them)', async () => {
    await acceptEvent(jobs, started('1'), 'webhook');
    // The server answers NOSCRIPT, as it would to scripts it lost: every EVALSHA of this connection names one it never
    // had. Not SCRIPT FLUSH: the test Redis is shared by the files running in parallel, and emptying its cache adds
    // resends to what another file counts (test/integration/jobs/relay-commands.test.ts).
    const unknownSha = '0'.repeat(40);
    const pipeline = redis.pipeline.bind(redis);
    vi.spyOn(redis, 'pipeline').mockImplementation((...args: Parameters<typeof redis.pipeline>) => {
      const made = pipeline(...args);
      const queue = made.evalsha.bind(made) as (...args: unknown[]) => typeof made;
      made.evalsha = ((_sha: string, ...rest: unknown[]) => queue(unknownSha, ...rest)) as typeof made.evalsha;
      return made;
    });
    const evalsha = redis.evalsha.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    vi.spyOn(redis, 'evalsha').mockImplementation(((_sha: string, ...rest: unknown[]) => evalsha(unknownSha, ...rest)) as typeof redis.evalsha);
    const withSource = vi.spyOn(redis, 'eval');
    const accepted = await Promise.all([acceptEvent(jobs, started('2'), 'webhook'), acceptEvent(jobs, started('3'), 'webhook')]);
    expect(accepted.map((a) => a.duplicate)).toEqual([false, false]);
    // Each event's script was sent again with its source.
    expect(withSource).toHaveBeenCalledTimes(2);
    expect((await laneEntries()).map((e) => e.data.event.payload.object.id)).toEqual(['1', '2', '3']);
  });

  it('fails the events of a write Redis refused, so the route answers 503 and Zoom retries', async () => {
    // Something else holds the lane's name: every XADD into it fails (WRONGTYPE) inside the script.
    await redis.set(lane, 'not a stream');
    const results = await Promise.allSettled([acceptEvent(jobs, started('41'), 'webhook'), acceptEvent(jobs, started('42'), 'webhook')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    // Zoom's retry, once the lane can be written, is stored: the failed write kept no dedupe key behind.
    await redis.del(lane);
    expect(await acceptEvent(jobs, started('41'), 'webhook')).toMatchObject({ duplicate: false });
    expect((await laneEntries()).map((e) => e.data.event.payload.object.id)).toEqual(['41']);
  });

  it('fails only the event whose command Redis refused; the others of its batch are stored and answered', async () => {
    // Something else holds event 51's dedupe key under another type: its SET fails (WRONGTYPE), event 52's does not.
    await redis.hset(dedupeKey(prefix, 0, eventIdentity(started('51'))), 'x', '1');
    const [refused, stored] = await Promise.allSettled([acceptEvent(jobs, started('51'), 'webhook'), acceptEvent(jobs, started('52'), 'webhook')]);
    expect(refused!.status).toBe('rejected');
    expect(stored).toMatchObject({ status: 'fulfilled', value: { duplicate: false } });
    expect((await laneEntries()).map((e) => e.data.event.payload.object.id)).toEqual(['52']);
  });
});
