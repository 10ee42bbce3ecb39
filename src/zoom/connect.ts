// One ZoomClient per process, wired to the token and the rate budgets that all processes share in Redis.
import type { RedisClient } from '../redis.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { DEFAULT_KEY_PREFIX } from '../redis.js';
import { ZoomClient } from './client.js';
import { RateLimiter } from './rate-limit.js';
import { ZoomTokenProvider } from './token.js';

export function createZoomClient(
  zoom: Config['zoom'],
  redis: RedisClient,
  logger: Logger,
  prefix: string = DEFAULT_KEY_PREFIX,
): ZoomClient {
  const tokens = new ZoomTokenProvider({
    redis,
    prefix,
    accountId: zoom.accountId,
    clientId: zoom.clientId,
    clientSecret: zoom.clientSecret,
    oauthUrl: zoom.oauthUrl,
    logger,
  });
  const limiter = new RateLimiter({ redis, prefix, accountId: zoom.accountId, plan: zoom.plan });
  return new ZoomClient({ apiUrl: zoom.apiUrl, tokens, limiter, logger });
}
