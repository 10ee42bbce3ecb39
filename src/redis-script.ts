// A Lua script run by its SHA, loaded on demand: each atomic step on shared state (token, budgets, pacing) is one.
// Unlike ioredis' defineCommand it leaves the caller's Redis connection object untouched.
import { createHash } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis.js';

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // The server's script cache is empty after a restart or a SCRIPT FLUSH: send the source once.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }

  /**
   * Adds a run by SHA to a pipeline. The caller reads its reply: NOSCRIPT there means this run did not happen (the
   * server lacks the script), so `run` may do it once more.
   */
  queue(pipeline: ChainableCommander, keys: string[], args: Array<string | number>): void {
    pipeline.evalsha(this.sha, keys.length, ...keys, ...args);
  }
}

/**
 * Deletes KEYS[1] only while it still holds ARGV[1]: a claim let go by its holder, never someone else's that replaced
 * it. Returns 1 when deleted.
 */
export const deleteIfHolding = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
