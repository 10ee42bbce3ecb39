// What the checks read: the same services a command gets, so `/zoom doctor` and `npm run doctor` check one thing.
import type { Services } from '../services.js';
import { silentLogger } from '../log.js';
import { ZoomTokenProvider } from '../zoom/token.js';

export type DoctorDeps = Pick<Services, 'config' | 'redis' | 'keyPrefix' | 'slack' | 'jobs' | 'now'>;

/** The provider behind the shared token: reads the token every process uses, mints only when there is none. */
export function tokenProvider(deps: DoctorDeps): ZoomTokenProvider {
  const { zoom } = deps.config;
  return new ZoomTokenProvider({
    redis: deps.redis,
    prefix: deps.keyPrefix,
    accountId: zoom.accountId,
    clientId: zoom.clientId,
    clientSecret: zoom.clientSecret,
    oauthUrl: zoom.oauthUrl,
    logger: silentLogger,
  });
}
