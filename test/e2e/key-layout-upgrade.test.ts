// An upgrade from the layout with the prefix outside the hash tags (`prefix:{watches}:…`) keeps what the old version
// stored: watches, pending confirmations, relay state, cancel requests, download locks and the cached Zoom token, with
// their times to live; queued jobs (whose names did not change) are still found. Several processes may start at once.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePrefix } from '../../src/jobs/queues.js';
import { silentLogger } from '../../src/log.js';
import { migrateKeyLayout } from '../../src/redis-migrate.js';
import { WatchStore } from '../../src/slack/watches.js';
import { startTestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const redis = testRedis();
const prefixes: string[] = [];
let slack: FakeSlack;

beforeAll(async () => {
  slack = new FakeSlack();
  await slack.start();
});

afterAll(async () => {
  await slack.stop();
  for (const prefix of prefixes) await clearPrefix(redis, prefix);
  redis.disconnect();
});

/** What the previous version left in Redis under `prefix`, written in its own layout. */
async function writeOldLayout(prefix: string): Promise<void> {
  // A real watch, written by today's store, then put under the old names: the old layout held the same values.
  await new WatchStore(redis, prefix).add('CWATCH', {
    topic: 'meetings',
    events: ['meeting.started', 'meeting.ended'],
    narrowed: false,
    createdBy: 'UADMIN',
    zone: 'Europe/Paris',
    createdAt: '2026-11-30T09:00:00Z',
  });
  for (const key of await redis.keys(`{${prefix}:watches}:*`)) {
    await redis.rename(key, key.replace(`{${prefix}:watches}`, `${prefix}:{watches}`));
  }
  await redis.set(`${prefix}:{zoom-token}:acct-1`, 'cached-token', 'PX', 3_000_000);
  await redis.set(`${prefix}:{pending}:api-call:UASKER:nonce-1`, '{"method":"DELETE"}', 'EX', 600);
  await redis.hset(`${prefix}:{relay}:posted:evt-key-1`, 'CWATCH', '1700000000.000100');
  await redis.set(`${prefix}:{jobs}:cancel:reg-0123456789ab`, 'UADMIN', 'EX', 3600);
  await redis.set(`${prefix}:download-lock:2026/meeting/file.mp4`, 'dl-1:abc', 'PX', 30_000);
}

describe('key layout upgrade', () => {
  it('moves every key of the old layout at start-up, with its time to live, and keeps queued jobs', async () => {
    const prefix = uniquePrefix('layout-upgrade');
    prefixes.push(prefix);
    await writeOldLayout(prefix);
    const queue = new Queue('registrants', { connection: redis, prefix: queuePrefix(prefix, 'registrants') });
    await queue.add('approve', { queued: 'before the upgrade' }, { jobId: 'reg-00aa11bb22cc' });
    await queue.close();
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(9);

    const bot = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix: prefix, env: { ZOOMOPS_ROLE: 'web' } });
    try {
      const store = new WatchStore(redis, prefix);
      expect(await store.channelsFor('meeting.started')).toEqual([{ channel: 'CWATCH', zone: 'Europe/Paris' }]);
      expect(await store.channels()).toEqual(['CWATCH']);
      expect((await store.ofChannel('CWATCH')).map((w) => w.createdBy)).toEqual(['UADMIN']);
      expect(await redis.get(`{${prefix}:zoom-token}:acct-1`)).toBe('cached-token');
      expect(await redis.pttl(`{${prefix}:zoom-token}:acct-1`)).toBeGreaterThan(2_000_000);
      expect(await redis.get(`{${prefix}:pending}:api-call:UASKER:nonce-1`)).toBe('{"method":"DELETE"}');
      expect(await redis.ttl(`{${prefix}:pending}:api-call:UASKER:nonce-1`)).toBeGreaterThan(500);
      expect(await redis.hgetall(`{${prefix}:relay}:posted:evt-key-1`)).toEqual({ CWATCH: '1700000000.000100' });
      expect(await redis.ttl(`{${prefix}:relay}:posted:evt-key-1`)).toBe(-1);
      expect(await redis.get(`{${prefix}:jobs}:cancel:reg-0123456789ab`)).toBe('UADMIN');
      expect(await redis.get(`{${prefix}:download-lock}:2026/meeting/file.mp4`)).toBe('dl-1:abc');
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
      expect((await bot.bot.services.jobs.find('reg-00aa11bb22cc'))?.data).toEqual({ queued: 'before the upgrade' });
    } finally {
      await bot.stop();
      await bot.bot.services.jobs.queue('registrants').obliterate({ force: true });
    }
  });

  it('moves each key once when several processes start at once, and a key the new version wrote since wins', async () => {
    const prefix = uniquePrefix('layout-race');
    prefixes.push(prefix);
    await writeOldLayout(prefix);
    await redis.set(`{${prefix}:zoom-token}:acct-1`, 'newer-token', 'PX', 3_000_000);
    const connections = [testRedis(), testRedis(), testRedis()];
    try {
      const moved = await Promise.all(connections.map((c) => migrateKeyLayout(c, prefix, silentLogger)));
      expect(moved.reduce((a, b) => a + b, 0)).toBe(9);
      expect(moved.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      for (const c of connections) c.disconnect();
    }
    expect(await redis.get(`{${prefix}:zoom-token}:acct-1`)).toBe('newer-token');
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    expect(await new WatchStore(redis, prefix).channels()).toEqual(['CWATCH']);
  });
});
