// Vitest global setup (both suites): the tests need a real Redis. REDIS_URL (default redis://127.0.0.1:6379) when
// it answers; else a private redis-server from the PATH for this run, whose URL the test workers inherit through
// REDIS_URL, stopped when the run ends; else the run stops at once with one sentence saying what to install.
import { NoRedisError, provideRedis } from '../../src/sandbox/local-redis.js';

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** Returns the teardown vitest calls after the run. */
export default async function setupRedis(): Promise<() => Promise<void>> {
  const wanted = process.env.REDIS_URL || DEFAULT_TEST_REDIS_URL;
  let redis;
  try {
    redis = await provideRedis(wanted, { who: 'npm test' });
  } catch (error) {
    if (error instanceof NoRedisError) stopRun(error.message);
    throw error;
  }
  // Workers start after global setup and inherit this environment.
  process.env.REDIS_URL = redis.url;
  if (redis.stop) console.log(`Tests: nothing answers on ${wanted}; using a private redis-server on ${redis.url} for this run.`);
  return async () => {
    await redis.stop?.();
  };
}

/** One sentence and exit: vitest would otherwise print a stack trace, or every file's connection errors. */
export function stopRun(sentence: string): never {
  console.error(sentence);
  process.exit(1);
}
