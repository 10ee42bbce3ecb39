// Redis memory per accepted Zoom event: what its shard's express lane holds for a waiting event (stream entry, dedupe key),
// and what the relay keeps per delivered event (its posted record), from MEMORY USAGE of every key
// under a fresh prefix. Sizes the README's "memory per event".
// Run: npx tsx bench/event-memory.ts   (needs Redis on REDIS_URL, default 127.0.0.1:6379; leaves nothing behind)
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { acceptEvent } from '../src/ingress/accept.js';
import { JobQueues, queuePrefix } from '../src/jobs/queues.js';
import { RelayState } from '../src/jobs/relay-state.js';
import type { ZoomEvent } from '../src/zoom/events.js';

const EVENTS = 2_000;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `bench-memory-${Date.now()}`;
const examples = JSON.parse(readFileSync(new URL('../test/fixtures/zoom-events.json', import.meta.url), 'utf8')) as Record<string, ZoomEvent>;
const started = examples['meeting.started']!;

async function bytesUnder(pattern: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) total += Number(await redis.memory('USAGE', key, 'SAMPLES', '0'));
  } while (cursor !== '0');
  return total;
}

const jobs = new JobQueues(redis, prefix, (queue, error) => {
  throw new Error(`queue ${queue}: ${error.message}`);
});
try {
  for (let i = 0; i < EVENTS; i++) {
    const event = structuredClone(started);
    (event.payload as { object: { uuid: string } }).object.uuid = `bench-${i}==`;
    await acceptEvent(jobs, event, 'webhook');
  }
  const queued = await bytesUnder(`${queuePrefix(prefix, 'events')}*`);
  const state = new RelayState(redis, prefix);
  for (let i = 0; i < EVENTS; i++) await state.recordPost(`meeting.started:bench-${i}==`, 'C0123ABCD', `1700000000.${String(i).padStart(6, '0')}`);
  const posted = await bytesUnder(`{${prefix}:relay}*`);
  console.log(`event JSON: ${JSON.stringify(started).length} bytes (meeting.started example)`);
  console.log(`waiting in the express lane (entry and dedupe key): ${Math.round(queued / EVENTS)} bytes per event (${EVENTS} events)`);
  console.log(`relay record per delivered event and channel: ${Math.round(posted / EVENTS)} bytes`);
} finally {
  await jobs.queue('events').obliterate({ force: true });
  await jobs.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
