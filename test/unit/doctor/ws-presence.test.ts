// The Zoom WebSocket heartbeat the doctor reads from any process, against real Redis: written while connected with a
// short TTL, the connection's start kept across beats, dropped at once on a disconnect (the last sighting stays), and
// a writer never drops another process's heartbeat.
import { hostname } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BEAT_TTL_MS, SocketPresence, lastSeenKey, liveKey, readPresence } from '../../../src/doctor/ws-presence.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('ws-presence');
const SUB = 'sub-1';
let writers: SocketPresence[] = [];

afterEach(async () => {
  for (const w of writers) await w.stop();
  writers = [];
  await clearPrefix(redis, prefix);
});
afterAll(() => redis.disconnect());

function writer(state: { connected: boolean }, clock: { t: number }, role = 'web'): SocketPresence {
  const w = new SocketPresence(state, { redis, keyPrefix: prefix, subscriptionId: SUB, role, now: () => clock.t });
  writers.push(w);
  return w;
}

describe('SocketPresence', () => {
  it('writes who holds the connection and since when, with a TTL of a few beats, and keeps the start across beats', async () => {
    const state = { connected: true };
    const clock = { t: 1_000_000 };
    const w = writer(state, clock);

    await w.beat();
    clock.t += 15_000;
    await w.beat();

    const { live, lastSeen } = await readPresence(redis, prefix, SUB);
    expect(live).toMatchObject({ host: hostname(), pid: process.pid, role: 'web', since: 1_000_000, at: 1_015_000 });
    expect(lastSeen).toEqual(live);
    const ttl = await redis.pttl(liveKey(prefix, SUB));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(BEAT_TTL_MS);
    // The last sighting has no TTL: it tells how long no connection has been seen.
    expect(await redis.pttl(lastSeenKey(prefix, SUB))).toBe(-1);
  });

  it('drops the live heartbeat as soon as the connection closes, keeps the last sighting, and starts anew on reconnect', async () => {
    const state = { connected: true };
    const clock = { t: 2_000_000 };
    const w = writer(state, clock);
    await w.beat();

    state.connected = false;
    clock.t += 5_000;
    await w.beat();
    expect(await readPresence(redis, prefix, SUB)).toEqual({ lastSeen: expect.objectContaining({ at: 2_000_000 }) });

    state.connected = true;
    clock.t += 5_000;
    await w.beat();
    expect((await readPresence(redis, prefix, SUB)).live).toMatchObject({ since: 2_010_000 });
  });

  it("never drops another process's heartbeat (a failover's new holder)", async () => {
    const clock = { t: 3_000_000 };
    const old = writer({ connected: true }, clock);
    await old.beat();
    const successor = writer({ connected: true }, clock, 'all');
    await successor.beat();

    await old.stop();

    expect((await readPresence(redis, prefix, SUB)).live).toMatchObject({ role: 'all' });
    await successor.stop();
    expect((await readPresence(redis, prefix, SUB)).live).toBeUndefined();
  });

  it('reads a malformed heartbeat as none', async () => {
    await redis.set(liveKey(prefix, SUB), '{"host":1}');
    await redis.set(lastSeenKey(prefix, SUB), 'not json');
    expect(await readPresence(redis, prefix, SUB)).toEqual({});
  });
});
