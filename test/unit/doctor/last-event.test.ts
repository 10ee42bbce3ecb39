// The doctor's "last accepted event" on real Redis: written at most once a second per process (a burst costs one
// SET, not one per event), yet never left behind: the newest event of a second is written at its end.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { noteAcceptedEvent, readLastEvent } from '../../../src/doctor/last-event.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';
import { until } from '../../helpers/wait.js';

const redis = testRedis();
const prefix = uniquePrefix('last-event');

afterAll(async () => {
  await clearPrefix(redis, `{${prefix}`);
  redis.disconnect();
});

describe('noteAcceptedEvent', () => {
  it('writes the first event at once, then the newest of the next second once, at its end', async () => {
    const set = vi.spyOn(redis, 'set');
    noteAcceptedEvent(redis, prefix, { at: 1, type: 'meeting.started', source: 'webhook' });
    await until('the first event written', async () => (await readLastEvent(redis, prefix))?.at === 1, 1_000, 10);
    const firstWrittenAt = Date.now();
    for (let at = 2; at <= 50; at++) noteAcceptedEvent(redis, prefix, { at, type: 'meeting.ended', source: 'websocket' });
    await until('the newest event written', async () => (await readLastEvent(redis, prefix))?.at === 50, 2_000, 10);
    expect(Date.now() - firstWrittenAt).toBeGreaterThanOrEqual(900);
    expect(await readLastEvent(redis, prefix)).toEqual({ at: 50, type: 'meeting.ended', source: 'websocket' });
    // Fifty events, two writes.
    expect(set).toHaveBeenCalledTimes(2);
    set.mockRestore();
  });
});
