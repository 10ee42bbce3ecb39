// Redis not answering, as ZoomOps's own error and as the shapes ioredis reports it in. Apart from redis.ts (the
// connections) so that views/errors.ts can tell it without importing ioredis.
import { CodedError } from './errors.js';

export class RedisUnavailableError extends CodedError<'redis_unavailable'> {
  constructor(message = 'Redis is not answering') {
    super('redis_unavailable', message);
  }
}

/** ioredis reports an unreachable server with several error shapes; this tells them from command errors. */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof RedisUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ETIMEDOUT|ECONNRESET|EHOSTUNREACH/.test(error.message)
  );
}
