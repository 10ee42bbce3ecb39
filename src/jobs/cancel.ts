// Cancelling a running job from any process: the request is a Redis key the job's processor checks at its
// safe points (between batches, between chunks), since BullMQ can only abort jobs of its own process.
import type { RedisClient } from '../redis.js';
import { redisKey } from '../redis-keys.js';

const KEEP_SECONDS = 24 * 3600;

function key(keyPrefix: string, jobId: string): string {
  return redisKey(keyPrefix, 'jobs', 'cancel', jobId);
}

/** Records who asked; the processor reads it and ends the job with a summary naming them. */
export async function requestCancel(redis: RedisClient, keyPrefix: string, jobId: string, userId: string): Promise<void> {
  await redis.set(key(keyPrefix, jobId), userId, 'EX', KEEP_SECONDS);
}

/** The Slack user who asked to cancel, or undefined. */
export async function cancelRequestedBy(redis: RedisClient, keyPrefix: string, jobId: string): Promise<string | undefined> {
  return (await redis.get(key(keyPrefix, jobId))) ?? undefined;
}

/** A retried job starts afresh: an old cancel request must not stop it. */
export async function clearCancel(redis: RedisClient, keyPrefix: string, jobId: string): Promise<void> {
  await redis.del(key(keyPrefix, jobId));
}
