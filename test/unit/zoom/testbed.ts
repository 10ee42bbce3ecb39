// A ZoomClient on real Redis under its own prefix, with one fake clock for waits and OAuth answers from nock.
// Sleeping advances the fake clock, so retries and rate-limit waits are asserted as numbers, never timed.
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { ZoomClient, type ZoomClientOptions } from '../../../src/zoom/client.js';
import { RateLimiter, type RateLabel, type ZoomPlan } from '../../../src/zoom/rate-limit.js';
import { ZoomTokenProvider } from '../../../src/zoom/token.js';
import type { Logger } from '../../../src/log.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

export const API_URL = 'https://api.zoom.us/v2';
export const OAUTH_ORIGIN = 'https://zoom.us';
export const OAUTH_URL = `${OAUTH_ORIGIN}/oauth/token`;
export const CREDENTIALS = { accountId: 'acct-42', clientId: 'client-id-7', clientSecret: 's3cr3t-client-secret' };

/** Zoom's token endpoint answering once per token given, in order. */
export function mockOAuth(...tokens: string[]): nock.Scope {
  const scope = nock(OAUTH_ORIGIN);
  for (const token of tokens) {
    scope.post('/oauth/token').reply(200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'meeting:read:meeting:admin user:read:user:admin',
      api_url: 'https://api.zoom.us',
    });
  }
  return scope;
}

export function tokenKey(prefix: string): string {
  return `{${prefix}:zoom-token}:${CREDENTIALS.accountId}`;
}

/** Log lines as parsed JSON, for asserting what is (and is not) logged. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

export interface Testbed {
  redis: Redis;
  prefix: string;
  zoom: ZoomClient;
  tokens: ZoomTokenProvider;
  limiter: RateLimiter;
  /** What the client was asked to sleep (its backoff), in order. */
  clientSleeps: number[];
  /** What the rate limiter was asked to sleep, in order. */
  limiterSleeps: number[];
  clock: { now: number };
  /** Puts a token in Redis as if another process had minted it. */
  seedToken(token: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestbedOptions extends Partial<Omit<ZoomClientOptions, 'tokens' | 'limiter'>> {
  plan?: ZoomPlan;
  prefix?: string;
}

export function createTestbed(name: string, options: TestbedOptions = {}): Testbed {
  const redis = testRedis();
  const prefix = options.prefix ?? uniquePrefix(name);
  const clock = { now: Date.now() };
  const clientSleeps: number[] = [];
  const limiterSleeps: number[] = [];
  const tokens = new ZoomTokenProvider({ redis, prefix, ...CREDENTIALS, oauthUrl: OAUTH_URL });
  const limiter = new RateLimiter({
    redis,
    prefix,
    accountId: CREDENTIALS.accountId,
    plan: options.plan ?? 'business',
    now: () => clock.now,
    sleep: async (ms) => {
      limiterSleeps.push(ms);
      clock.now += ms;
    },
  });
  const zoom = new ZoomClient({
    apiUrl: API_URL,
    random: () => 0.5,
    ...options,
    tokens,
    limiter,
    sleep: async (ms) => {
      clientSleeps.push(ms);
      clock.now += ms;
    },
  });
  return {
    redis,
    prefix,
    zoom,
    tokens,
    limiter,
    clientSleeps,
    limiterSleeps,
    clock,
    seedToken: async (token) => {
      await redis.set(tokenKey(prefix), token, 'PX', 600_000);
    },
    close: async () => {
      await clearPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/**
 * The hooks every API-area test file needs: a fresh testbed with a seeded token per test, no real network,
 * and every mocked Zoom call used. Returns the current testbed and a nock scope that expects the token.
 */
export function useAreaTestbed(name: string, token: string): { bed: () => Testbed; api: () => nock.Scope } {
  let current: Testbed | undefined;
  beforeAll(() => {
    nock.disableNetConnect();
  });
  beforeEach(async () => {
    current = createTestbed(name);
    await current.seedToken(token);
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    await current?.close();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
  return {
    bed: () => current!,
    api: () => nock(new URL(API_URL).origin).matchHeader('authorization', `Bearer ${token}`),
  };
}

/** The rate labels the client charges calls to, in order, from now on: nock cannot see them. */
export function chargedLabels(bed: Testbed): () => RateLabel[] {
  const acquire = vi.spyOn(bed.limiter, 'acquire');
  return () => acquire.mock.calls.map(([label]) => label);
}

/**
 * One interceptor per expected body, each answering `reply`: a call with any other body finds none and fails.
 * Returns the bodies in the order the calls arrived, to compare with `bodies` (batched calls, in order).
 */
export function expectBodies(
  scope: nock.Scope,
  method: 'POST' | 'PUT',
  path: string,
  bodies: ReadonlyArray<Record<string, unknown>>,
  reply: { status: number; body?: nock.Body },
): unknown[] {
  const received: unknown[] = [];
  for (const body of bodies) {
    scope.intercept(path, method, body as nock.RequestBodyMatcher).reply(reply.status, (_uri, sent) => {
      received.push(sent);
      return reply.body ?? '';
    });
  }
  return received;
}
