// Job tests: the real services and real BullMQ workers on real Redis under the file's own prefix, a fake Slack,
// and Zoom through nock — so a test sees the Zoom requests a job sends and the Slack messages it leaves.
import type { Job, Queue } from 'bullmq';
import nock from 'nock';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createServices } from '../../src/app.js';
import { JOB_PROCESSORS } from '../../src/jobs/processors.js';
import { QUEUE_NAMES, queuePrefix } from '../../src/jobs/queues.js';
import { eventQueueName } from '../../src/jobs/event-shards.js';
import { laneKey } from '../../src/jobs/event-lane-keys.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { silentLogger } from '../../src/log.js';
import type { Services } from '../../src/services.js';
import { nockZoom, startTestNetwork, testConfig } from './bot.js';
import { FakeSlack } from './fake-slack.js';
import { clearPrefix, testRedis, uniquePrefix } from './redis.js';
import { until } from './wait.js';

export interface JobFixture {
  services: () => Services;
  slack: () => FakeSlack;
  zoom: () => nock.Scope;
  /** Starts this process's workers; each call is one more "process" (stopped after the test). */
  startWorkers: () => RunningWorkers;
}

export function useJobFixture(name: string, env: Record<string, string> = {}): JobFixture {
  const prefix = uniquePrefix(name);
  let redis: Redis;
  let slack: FakeSlack;
  let services: Services;
  let running: RunningWorkers[] = [];
  beforeAll(async () => {
    redis = testRedis();
    slack = new FakeSlack();
    await slack.start();
    services = createServices({ config: testConfig(slack.apiUrl, env), redis, log: silentLogger, keyPrefix: prefix });
  });
  afterAll(async () => {
    await services.jobs.close();
    await slack.stop();
    await clearPrefix(redis, `{${prefix}`);
    await clearPrefix(redis, prefix);
    redis.disconnect();
    nock.enableNetConnect();
  });
  beforeEach(() => startTestNetwork(slack));
  afterEach(async () => {
    await Promise.all(running.map((w) => w.stop()));
    running = [];
    for (const queue of QUEUE_NAMES) await services.jobs.queue(queue).obliterate({ force: true });
    await clearEvents(services);
    // Budgets, daily-quota marks and cancel flags of one test must not reach the next.
    await clearPrefix(redis, `${prefix}:`);
    nock.cleanAll();
  });
  return {
    services: () => services,
    slack: () => slack,
    zoom: nockZoom,
    startWorkers: () => {
      const workers = startWorkers(JOB_PROCESSORS, services);
      running.push(workers);
      return workers;
    },
  };
}

/** The job once it has completed or failed, read again after its state so it carries its return value. */
export async function finishedJob(queue: Queue, jobId: string, timeoutMs = 10_000): Promise<Job> {
  return until(`job ${jobId} to finish`, async () => {
    const state = await (await queue.getJob(jobId))?.getState();
    return state === 'completed' || state === 'failed' ? queue.getJob(jobId) : undefined;
  }, timeoutMs, 50);
}

/**
 * Every Zoom event a test left behind: each shard's BullMQ queue, express lane (with its consumer group) and dedupe
 * keys, so the next test's events are neither duplicates nor met by the last one's.
 */
export async function clearEvents(services: Services): Promise<void> {
  for (const queue of services.jobs.shardsOf('events')) await queue.obliterate({ force: true });
  for (let shard = 0; shard < services.jobs.eventShards; shard++) {
    await services.redis.del(laneKey(services.keyPrefix, shard));
    await clearPrefix(services.redis as Redis, `${queuePrefix(services.keyPrefix, eventQueueName(shard))}:${eventQueueName(shard)}:de:`);
  }
}

/** An event accepted but not relayed yet: in its shard's express lane, or a BullMQ job of its shard's queue. */
export interface QueuedEvent {
  id: string;
  shard: number;
  where: 'lane' | 'job';
  data: any;
}

/** Every event waiting to be relayed, lanes first (oldest first), then each shard's waiting, delayed and active jobs. */
export async function queuedEvents(services: Services): Promise<QueuedEvent[]> {
  const found: QueuedEvent[] = [];
  for (let shard = 0; shard < services.jobs.eventShards; shard++) {
    for (const [, fields] of await services.redis.xrange(laneKey(services.keyPrefix, shard), '-', '+')) {
      const value = (name: string) => fields[fields.indexOf(name) + 1]!;
      found.push({ id: value('evt'), shard, where: 'lane', data: JSON.parse(value('data')) });
    }
  }
  for (const [shard, queue] of services.jobs.shardsOf('events').entries()) {
    for (const job of await queue.getJobs(['waiting', 'delayed', 'active'])) found.push({ id: String(job.id), shard, where: 'job', data: job.data });
  }
  return found;
}

/**
 * Resolves once every accepted event is through: no lane entry left (an entry leaves once relayed or handed to its
 * queue) and no event job waiting, delayed or running. Call it after the 200: the event is in a lane by then.
 */
export async function eventsSettled(services: Services, timeoutMs = 10_000): Promise<void> {
  await until('every accepted event relayed', async () => (await queuedEvents(services)).length === 0 || undefined, timeoutMs, 50);
}
