// Job tests: the real services and real BullMQ workers on real Redis under the file's own prefix, a fake Slack,
// and Zoom through nock — so a test sees the Zoom requests a job sends and the Slack messages it leaves.
import type { Job, Queue } from 'bullmq';
import nock from 'nock';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createServices } from '../../src/app.js';
import { JOB_PROCESSORS } from '../../src/jobs/processors.js';
import { QUEUE_NAMES } from '../../src/jobs/queues.js';
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
