// The job queues on real Redis when Redis goes away just as a queue is first used: BullMQ checks a queue's connection
// once (an INFO) and keeps that check's failure, so without care the queue refused every job until a restart (seen as
// an event lane that handed nothing over after Redis came back, its events never in Slack).
import { afterAll, expect, it, vi } from 'vitest';
import { JobQueues } from '../../../src/jobs/queues.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('job-queues');
const reported: string[] = [];
const jobs = new JobQueues(redis, prefix, (queue, error) => reported.push(`${queue}: ${error.message}`));

afterAll(async () => {
  await jobs.close();
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

// What ioredis answers on a connection whose socket has just closed (the commands connection fails fast).
const GONE = "Stream isn't writeable and enableOfflineQueue options is false";

it('takes jobs again once Redis is back when Redis went away just as the queue was first used', async () => {
  await redis.ping();
  // Redis goes away as the queue checks its connection; it is back for every command after that.
  const info = vi.spyOn(redis, 'info').mockRejectedValueOnce(new Error(GONE));

  await expect(jobs.queue('exports').add('export', { n: 1 }, { jobId: 'first' })).rejects.toThrow(GONE);
  expect(info).toHaveBeenCalledTimes(1);
  expect(reported).toEqual([`exports: ${GONE}`]);

  const job = await jobs.queue('exports').add('export', { n: 2 }, { jobId: 'second' });
  expect(job.id).toBe('second');
  expect(await jobs.queue('exports').getJobCounts('waiting')).toEqual({ waiting: 1 });
});
