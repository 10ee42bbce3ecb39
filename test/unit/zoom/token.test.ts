import nock from 'nock';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZoomApiError, ZoomUnavailableError } from '../../../src/zoom/errors.js';
import { ZoomTokenProvider, type ZoomTokenProviderOptions } from '../../../src/zoom/token.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';
import { CREDENTIALS, OAUTH_ORIGIN, OAUTH_URL, capturingLogger, mockOAuth, tokenKey } from './testbed.js';

const BASIC = `Basic ${Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64')}`;

let redis: Redis;
let otherRedis: Redis;
let prefix: string;

function provider(overrides: Partial<ZoomTokenProviderOptions> = {}): ZoomTokenProvider {
  return new ZoomTokenProvider({ redis, prefix, ...CREDENTIALS, oauthUrl: OAUTH_URL, ...overrides });
}

beforeAll(() => {
  nock.disableNetConnect();
  redis = testRedis();
  otherRedis = testRedis();
});

beforeEach(() => {
  prefix = uniquePrefix('zoom-token');
});

afterEach(async () => {
  nock.cleanAll();
  await clearPrefix(redis, prefix);
});

afterAll(() => {
  nock.enableNetConnect();
  redis.disconnect();
  otherRedis.disconnect();
});

describe('ZoomTokenProvider.getToken', () => {
  it('asks Zoom with Basic client credentials and an account_credentials form body', async () => {
    let seen: { headers: Record<string, unknown>; body: unknown } | undefined;
    nock(OAUTH_ORIGIN)
      .post('/oauth/token')
      .reply(function (_uri, body) {
        seen = { headers: this.req.headers, body };
        return [200, { access_token: 'tok-1', token_type: 'bearer', expires_in: 3600, scope: 'user:read:admin' }];
      });

    await expect(provider().getToken()).resolves.toBe('tok-1');

    expect(seen?.headers.authorization).toBe(BASIC);
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen?.body).toBe(`grant_type=account_credentials&account_id=${CREDENTIALS.accountId}`);
  });

  it('stores the token in Redis until 60 s before Zoom expires it', async () => {
    mockOAuth('tok-1');
    await provider().getToken();

    expect(await redis.get(tokenKey(prefix))).toBe('tok-1');
    const ttl = await redis.pttl(tokenKey(prefix));
    expect(ttl).toBeGreaterThan(3_530_000);
    expect(ttl).toBeLessThanOrEqual(3_540_000);
  });

  it('answers later calls from the cache, with one token request in all', async () => {
    const scope = mockOAuth('tok-1');
    const tokens = provider();

    expect(await tokens.getToken()).toBe('tok-1');
    expect(await tokens.getToken()).toBe('tok-1');
    // A second process finds it in Redis.
    expect(await provider({ redis: otherRedis }).getToken()).toBe('tok-1');
    expect(scope.isDone()).toBe(true);
  });

  it('mints exactly one token for concurrent callers in two processes', async () => {
    const scope = nock(OAUTH_ORIGIN)
      .post('/oauth/token')
      .delay(150)
      .reply(200, { access_token: 'tok-shared', expires_in: 3600 });
    const first = provider();
    const second = provider({ redis: otherRedis });

    const tokens = await Promise.all([
      first.getToken(),
      second.getToken(),
      first.getToken(),
      second.getToken(),
      second.getToken(),
    ]);

    expect(tokens).toEqual(Array(5).fill('tok-shared'));
    expect(scope.isDone()).toBe(true);
    // Any second token request would have found no interceptor and failed one of the callers.
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('lets concurrent callers in one process share one lookup and one lock', async () => {
    mockOAuth('tok-1');
    const tokens = provider();
    const sets = vi.spyOn(redis, 'set');

    await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);

    // One lock taken (the token and its scopes are stored in one MULTI, not by SET); callers racing each other would
    // each have tried the lock.
    expect(sets).toHaveBeenCalledTimes(1);
    expect(sets).toHaveBeenCalledWith(`${tokenKey(prefix)}:lock`, expect.any(String), 'PX', expect.any(Number), 'NX');
  });

  it('mints a new token once the cached one has expired', async () => {
    mockOAuth('tok-1', 'tok-2');
    let now = Date.now();
    const tokens = provider({ now: () => now });
    expect(await tokens.getToken()).toBe('tok-1');

    // What Redis does when the PX runs out, and what the in-process copy sees an hour later.
    await redis.pexpire(tokenKey(prefix), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    now += 3_541_000;

    expect(await tokens.getToken()).toBe('tok-2');
    expect(await redis.get(tokenKey(prefix))).toBe('tok-2');
  });

  it('waits for the process holding the lock and takes over when its lock lapses', async () => {
    await redis.set(`${tokenKey(prefix)}:lock`, 'someone-else', 'PX', 200);
    const scope = mockOAuth('tok-after-lapse');

    await expect(provider().getToken()).resolves.toBe('tok-after-lapse');
    expect(scope.isDone()).toBe(true);
  });

  it('picks up the token the lock holder stores', async () => {
    await redis.set(`${tokenKey(prefix)}:lock`, 'someone-else', 'PX', 5_000);
    setTimeout(() => void otherRedis.set(tokenKey(prefix), 'tok-from-other', 'PX', 60_000), 100);

    await expect(provider().getToken()).resolves.toBe('tok-from-other');
  });

  it('gives up after its deadline when the lock holder never delivers', async () => {
    await redis.set(`${tokenKey(prefix)}:lock`, 'someone-else', 'PX', 5_000);

    const error = await provider({ waitTimeoutMs: 200 }).getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomUnavailableError);
    expect((error as Error).message).toContain('another process');
  });

  it('leaves no lock behind after minting', async () => {
    mockOAuth('tok-1');
    await provider().getToken();
    expect(await redis.exists(`${tokenKey(prefix)}:lock`)).toBe(0);
  });
});

describe('ZoomTokenProvider OAuth failures', () => {
  it('names the variables to check and never shows the secret', async () => {
    nock(OAUTH_ORIGIN)
      .post('/oauth/token')
      .reply(400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
    const { logger, lines } = capturingLogger();

    const error = await provider({ logger }).getToken().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ZoomApiError);
    const apiError = error as ZoomApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain('Invalid client_id or client_secret');
    expect(apiError.message).toContain('check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET');
    const everything = JSON.stringify({ message: apiError.message, error: apiError, lines });
    expect(everything).not.toContain(CREDENTIALS.clientSecret);
    expect(everything).not.toContain(BASIC.slice('Basic '.length));
    expect(await redis.exists(tokenKey(prefix))).toBe(0);
  });

  it("carries Zoom's OAuth error code", async () => {
    nock(OAUTH_ORIGIN).post('/oauth/token').reply(401, { code: 4717, message: 'The app has been disabled' });

    const error = (await provider().getToken().catch((e: unknown) => e)) as ZoomApiError;
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error.zoomCode).toBe(4717);
    expect(error.message).toContain('The app has been disabled');
  });

  it('treats an answer without access_token as an error that names the field', async () => {
    nock(OAUTH_ORIGIN).post('/oauth/token').reply(200, { token_type: 'bearer', expires_in: 3600 });

    await expect(provider().getToken()).rejects.toThrow(/access_token/);
  });

  it('reports an unreachable token endpoint as unavailable', async () => {
    nock(OAUTH_ORIGIN).post('/oauth/token').replyWithError({ code: 'ECONNREFUSED', message: 'connect refused' });

    await expect(provider().getToken()).rejects.toBeInstanceOf(ZoomUnavailableError);
  });

  it('logs a mint without the token', async () => {
    mockOAuth('tok-very-secret');
    const { logger, lines } = capturingLogger();
    await provider({ logger }).getToken();

    expect(lines.some((line) => line.msg === 'minted a Zoom access token')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('tok-very-secret');
  });
});

describe('ZoomTokenProvider.invalidate', () => {
  it('drops the shared token when it is the one that failed', async () => {
    mockOAuth('tok-1', 'tok-2');
    const tokens = provider();
    await tokens.getToken();

    await expect(tokens.invalidate('tok-1')).resolves.toBe(true);
    expect(await redis.exists(tokenKey(prefix))).toBe(0);
    expect(await tokens.getToken()).toBe('tok-2');
  });

  it('keeps a newer token another process stored meanwhile', async () => {
    mockOAuth('tok-1');
    const tokens = provider();
    await tokens.getToken();
    await otherRedis.set(tokenKey(prefix), 'tok-newer', 'PX', 60_000);

    await expect(tokens.invalidate('tok-1')).resolves.toBe(false);
    expect(await redis.get(tokenKey(prefix))).toBe('tok-newer');
    // Its own copy of the failed token is gone too.
    expect(await tokens.getToken()).toBe('tok-newer');
  });
});
