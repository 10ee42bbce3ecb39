import nock from 'nock';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZoomListRequest } from '../../../src/zoom/client.js';
import {
  ZoomApiError,
  ZoomRateLimitError,
  ZoomResponseError,
  ZoomUnavailableError,
} from '../../../src/zoom/errors.js';
import { zoomPath } from '../../../src/zoom/ids.js';
import { capturingLogger, createTestbed, mockOAuth, tokenKey, type Testbed, type TestbedOptions } from './testbed.js';

const api = () => nock('https://api.zoom.us').matchHeader('accept', 'application/json');
const Topic = z.looseObject({ topic: z.string() });

let bed: Testbed | undefined;

async function testbed(options: TestbedOptions = {}): Promise<Testbed> {
  bed = createTestbed('zoom-client', options);
  await bed.seedToken('tok-1');
  return bed;
}

/** The error a call fails with; the type parameter only saves casts, the tests check instanceof. */
async function failure<E = Error>(promise: Promise<unknown>): Promise<E> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error as E,
  );
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(async () => {
  nock.cleanAll();
  await bed?.close();
  bed = undefined;
});

afterAll(() => {
  nock.enableNetConnect();
});

describe('ZoomClient.request', () => {
  it('sends the bearer token and the query, dropping undefined values', async () => {
    const { zoom } = await testbed();
    const scope = api()
      .matchHeader('authorization', 'Bearer tok-1')
      .get('/v2/meetings/42')
      .query({ occurrence_id: '1648194360000', show: 'true', n: '3' })
      .reply(200, { topic: 'Standup' });

    const meeting = await zoom.request({
      method: 'GET',
      path: '/meetings/42',
      query: { occurrence_id: '1648194360000', show: true, n: 3, skipped: undefined },
      label: 'light',
      schema: Topic,
    });

    expect(meeting).toEqual({ topic: 'Standup' });
    expect(scope.isDone()).toBe(true);
  });

  it('sends a body as JSON', async () => {
    const { zoom } = await testbed();
    const scope = api()
      .matchHeader('content-type', 'application/json')
      .post('/v2/users/me/meetings', { topic: 'Planning', duration: 30 })
      .reply(201, { topic: 'Planning' });

    await zoom.request({
      method: 'POST',
      path: '/users/me/meetings',
      body: { topic: 'Planning', duration: 30 },
      label: 'light',
      schema: Topic,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('honours a base URL with its own path prefix and a trailing slash', async () => {
    const { zoom } = await testbed({ apiUrl: 'http://127.0.0.1:9911/sandbox/zoom/v2/' });
    const scope = nock('http://127.0.0.1:9911').delete('/sandbox/zoom/v2/meetings/7').reply(204);

    await expect(zoom.request({ method: 'DELETE', path: '/meetings/7', label: 'light' })).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a path that does not start with a slash, without calling Zoom', async () => {
    const { zoom } = await testbed();
    await expect(zoom.request({ method: 'GET', path: 'users/me', label: 'light' })).rejects.toThrow(
      'Zoom request path must start with "/": users/me',
    );
  });

  it('returns undefined for a 204 without a schema', async () => {
    const { zoom } = await testbed();
    api().patch('/v2/meetings/42').reply(204);

    await expect(
      zoom.request({ method: 'PATCH', path: '/meetings/42', body: { topic: 'x' }, label: 'light' }),
    ).resolves.toBeUndefined();
  });

  it('names the path and the first problem when the answer has the wrong shape', async () => {
    const { zoom } = await testbed();
    api().get('/v2/users/me/meetings').reply(200, { meetings: [{ topic: 'ok' }, { topic: 42 }] }, {
      'x-zm-trackingid': 'trk-shape',
    });

    const error = await failure<ZoomResponseError>(
      zoom.request({
        method: 'GET',
        path: '/users/me/meetings',
        label: 'medium',
        schema: z.object({ meetings: z.array(Topic) }),
      }),
    );

    expect(error).toBeInstanceOf(ZoomResponseError);
    expect(error.message).toMatch(
      /^Zoom answered GET \/users\/me\/meetings in an unexpected shape: meetings\[1\]\.topic: /,
    );
    expect(error.trackingId).toBe('trk-shape');
  });

  it('reports a body that is not JSON', async () => {
    const { zoom } = await testbed();
    api().get('/v2/meetings/1').reply(200, '<html>maintenance</html>');

    await expect(zoom.request({ method: 'GET', path: '/meetings/1', label: 'light', schema: Topic })).rejects.toThrow(
      'Zoom answered GET /meetings/1 in an unexpected shape: the body is not JSON',
    );
  });
});

describe('ZoomClient errors', () => {
  it("maps a 4xx to ZoomApiError with Zoom's code, message and tracking ID", async () => {
    const { zoom } = await testbed();
    api()
      .get('/v2/meetings/123')
      .reply(404, { code: 3001, message: 'Meeting does not exist: 123.' }, { 'x-zm-trackingid': 'v=2.0;rid=abc' });

    const error = await failure<ZoomApiError>(zoom.request({ method: 'GET', path: '/meetings/123', label: 'light' }));

    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'zoom_refused',
      zoomCode: 3001,
      zoomMessage: 'Meeting does not exist: 123.',
      trackingId: 'v=2.0;rid=abc',
      method: 'GET',
      path: '/meetings/123',
    });
    expect(error.message).toBe('Zoom refused GET /meetings/123: Meeting does not exist: 123 (code 3001)');
  });

  it('copes with an empty or non-JSON error body', async () => {
    const { zoom } = await testbed();
    api().delete('/v2/meetings/5').reply(403, '');
    api().delete('/v2/meetings/6').reply(400, '<html>Bad request</html>');

    await expect(zoom.request({ method: 'DELETE', path: '/meetings/5', label: 'light' })).rejects.toThrow(
      'Zoom refused DELETE /meetings/5: HTTP 403',
    );
    await expect(zoom.request({ method: 'DELETE', path: '/meetings/6', label: 'light' })).rejects.toThrow(
      'Zoom refused DELETE /meetings/6: HTTP 400',
    );
  });

  it('leaves the query string out of error messages', async () => {
    const { zoom } = await testbed();
    api().get('/v2/users').query(true).reply(400, { code: 300, message: 'Bad status' });

    const error = await failure<Error>(
      zoom.request({ method: 'GET', path: '/users', query: { status: 'weird' }, label: 'medium' }),
    );
    expect(error.message).not.toContain('weird');
  });
});

describe('ZoomClient with an invalid token (401, code 124)', () => {
  it('drops the token and retries once with a fresh one', async () => {
    const { zoom, redis, prefix } = await testbed();
    mockOAuth('tok-2');
    api().matchHeader('authorization', 'Bearer tok-1').get('/v2/users/me').reply(401, {
      code: 124,
      message: 'Invalid access token.',
    });
    const retried = api().matchHeader('authorization', 'Bearer tok-2').get('/v2/users/me').reply(200, { topic: 'ok' });

    await expect(zoom.request({ method: 'GET', path: '/users/me', label: 'light', schema: Topic })).resolves.toEqual({
      topic: 'ok',
    });
    expect(retried.isDone()).toBe(true);
    expect(await redis.get(tokenKey(prefix))).toBe('tok-2');
  });

  it('uses, and keeps, a token another process stored meanwhile', async () => {
    const { zoom, redis, prefix, tokens } = await testbed();
    await tokens.getToken(); // this process now holds tok-1
    await redis.set(tokenKey(prefix), 'tok-other', 'PX', 60_000);
    api().matchHeader('authorization', 'Bearer tok-1').get('/v2/users/me').reply(401, { code: 124, message: 'x' });
    api().matchHeader('authorization', 'Bearer tok-other').get('/v2/users/me').reply(204);

    // No OAuth interceptor: minting would fail the call.
    await expect(zoom.request({ method: 'GET', path: '/users/me', label: 'light' })).resolves.toBeUndefined();
    expect(await redis.get(tokenKey(prefix))).toBe('tok-other');
  });

  it('fails on a second 401', async () => {
    const { zoom } = await testbed();
    const oauth = mockOAuth('tok-2');
    const calls = api().get('/v2/users/me').times(2).reply(401, { code: 124, message: 'Invalid access token.' });

    const error = await failure<ZoomApiError>(zoom.request({ method: 'GET', path: '/users/me', label: 'light' }));

    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 401, zoomCode: 124 });
    expect(calls.isDone()).toBe(true);
    expect(oauth.isDone()).toBe(true);
  });

  it('does not retry a 401 with another code', async () => {
    const { zoom } = await testbed();
    api().get('/v2/users/me').reply(401, { code: 4711, message: 'Invalid access token, does not contain scopes.' });

    await expect(zoom.request({ method: 'GET', path: '/users/me', label: 'light' })).rejects.toMatchObject({
      status: 401,
      zoomCode: 4711,
    });
  });
});

describe('ZoomClient on 429', () => {
  const PER_SECOND = { code: 429, message: 'You have reached the maximum per-second rate limit for this API.' };
  const tomorrowMidnight = () => new Date(Math.ceil((Date.now() + 1) / 86_400_000) * 86_400_000);

  it('retries a per-second 429 after a jittered backoff and holds the label off for a second', async () => {
    const { zoom, clientSleeps, limiterSleeps } = await testbed();
    api().post('/v2/users/me/meetings').reply(429, PER_SECOND, { 'x-ratelimit-type': 'QPS' });
    api().post('/v2/users/me/meetings').reply(201, { topic: 'ok' });

    await expect(
      zoom.request({ method: 'POST', path: '/users/me/meetings', body: {}, label: 'light', schema: Topic }),
    ).resolves.toEqual({ topic: 'ok' });

    // random() = 0.5 of a 1 s ceiling; the label's 1 s pause makes up the rest.
    expect(clientSleeps).toEqual([500]);
    expect(limiterSleeps).toEqual([500]);
  });

  it('backs off exponentially and gives up after maxRetries', async () => {
    const { zoom, clientSleeps } = await testbed({ maxRetries: 3 });
    const calls = api().get('/v2/users').times(4).reply(429, PER_SECOND);

    const error = await failure<ZoomApiError>(zoom.request({ method: 'GET', path: '/users', label: 'medium' }));

    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).not.toBeInstanceOf(ZoomRateLimitError);
    expect(error.status).toBe(429);
    expect(calls.isDone()).toBe(true);
    expect(clientSleeps).toEqual([500, 1000, 2000]);
  });

  it('turns a daily 429 into ZoomRateLimitError and then fails fast without calling Zoom', async () => {
    const { zoom } = await testbed();
    const resetsAt = tomorrowMidnight();
    api()
      .get('/v2/report/users')
      .query(true)
      .reply(
        429,
        { code: 429, message: 'You have reached the maximum daily rate limit for this API.' },
        { 'x-ratelimit-type': 'Daily-limit', 'x-ratelimit-category': 'Heavy', 'retry-after': resetsAt.toISOString() },
      );

    const error = await failure<ZoomRateLimitError>(
      zoom.request({ method: 'GET', path: '/report/users', query: { from: '2026-11-01' }, label: 'heavy' }),
    );

    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error.resetsAt).toEqual(resetsAt);
    expect(error.accountWide).toBe(true);
    expect(error.message).toContain(`resets at ${resetsAt.toISOString().slice(0, 10)} 00:00 UTC`);

    // No interceptor is left: any request would fail with a nock error, not a ZoomRateLimitError.
    const again = await failure<ZoomRateLimitError>(
      zoom.request({ method: 'GET', path: '/report/operationlogs', label: 'heavy' }),
    );
    expect(again).toBeInstanceOf(ZoomRateLimitError);
    expect(again.resetsAt).toEqual(resetsAt);
    expect(again.message).toContain('GET /report/operationlogs');
  });

  it('marks the label Zoom reports exhausted, not the one the request was charged as', async () => {
    const { zoom } = await testbed();
    const resetsAt = tomorrowMidnight();
    // `/zoom api` charges a GET as Light whatever it is; Zoom says this one spent the Heavy daily quota.
    api()
      .get('/v2/report/users')
      .reply(
        429,
        { code: 429, message: 'You have reached the maximum daily rate limit for this API.' },
        { 'x-ratelimit-type': 'Daily-limit', 'x-ratelimit-category': 'Heavy', 'retry-after': resetsAt.toISOString() },
      );
    const light = api().get('/v2/users/me').reply(200, { topic: 'still open' });

    const error = await failure(zoom.request({ method: 'GET', path: '/report/users', label: 'light' }));
    expect(error).toBeInstanceOf(ZoomRateLimitError);

    await expect(zoom.request({ method: 'GET', path: '/users/me', label: 'light', schema: Topic })).resolves.toEqual({ topic: 'still open' });
    expect(light.isDone()).toBe(true);
    const heavy = await failure<ZoomRateLimitError>(zoom.request({ method: 'GET', path: '/report/daily', label: 'heavy' }));
    expect(heavy).toBeInstanceOf(ZoomRateLimitError);
    expect(heavy.resetsAt).toEqual(resetsAt);
  });

  it('reads Retry-After as the reset time even without the type header', async () => {
    const { zoom } = await testbed();
    api()
      .get('/v2/users')
      .reply(429, { code: 429, message: 'Too many requests' }, { 'retry-after': '2099-12-01T00:00:00Z' });

    const error = await failure<ZoomRateLimitError>(zoom.request({ method: 'GET', path: '/users', label: 'medium' }));
    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error.resetsAt.toISOString()).toBe('2099-12-01T00:00:00.000Z');
  });

  it('treats a per-user daily cap as resetting at 00:00 UTC, without blocking other calls', async () => {
    const { zoom } = await testbed({ now: () => Date.parse('2026-11-29T15:30:00Z') });
    api().post('/v2/users/host%40example.com/meetings').reply(429, {
      code: 429,
      message:
        'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this ' +
        'particular user. You may resume these requests at GMT 00:00:00.',
    });
    const other = api().post('/v2/users/other%40example.com/meetings').reply(201, { topic: 'ok' });

    const error = await failure<ZoomRateLimitError>(
      zoom.request({ method: 'POST', path: zoomPath`/users/${'host@example.com'}/meetings`, body: {}, label: 'light' }),
    );

    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error.resetsAt.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(error.accountWide).toBe(false);
    expect(error.message).toContain('resets at 2026-11-30 00:00 UTC');

    const otherHost = zoomPath`/users/${'other@example.com'}/meetings`;
    await zoom.request({ method: 'POST', path: otherHost, body: {}, label: 'light' });
    expect(other.isDone()).toBe(true);
  });
});

describe('ZoomClient when Zoom fails or is slow', () => {
  it('retries a 5xx for GET', async () => {
    const { zoom, clientSleeps } = await testbed();
    api().get('/v2/users/me').reply(503, 'Service Unavailable');
    api().get('/v2/users/me').reply(502, '');
    api().get('/v2/users/me').reply(200, { topic: 'ok' });

    await expect(zoom.request({ method: 'GET', path: '/users/me', label: 'light', schema: Topic })).resolves.toEqual({
      topic: 'ok',
    });
    expect(clientSleeps).toEqual([500, 1000]);
  });

  it('gives up on GET after maxRetries with ZoomUnavailableError', async () => {
    const { zoom } = await testbed({ maxRetries: 2 });
    const calls = api().get('/v2/users/me').times(3).reply(500, { code: 500, message: 'Internal error' }, {
      'x-zm-trackingid': 'trk-500',
    });

    const request = zoom.request({ method: 'GET', path: '/users/me', label: 'light' });
    const error = await failure<ZoomUnavailableError>(request);

    expect(error).toBeInstanceOf(ZoomUnavailableError);
    expect(error).toMatchObject({ status: 500, trackingId: 'trk-500', inDoubt: false });
    expect(error.message).toBe('Zoom did not answer GET /users/me (HTTP 500: Internal error, after 3 attempts)');
    expect(calls.isDone()).toBe(true);
  });

  it('does not retry a 5xx for POST, and says the change is in doubt', async () => {
    const { zoom, clientSleeps } = await testbed();
    api().post('/v2/users/me/meetings').reply(502, '');

    const error = await failure<ZoomUnavailableError>(
      zoom.request({ method: 'POST', path: '/users/me/meetings', body: { topic: 'x' }, label: 'light' }),
    );

    expect(error).toBeInstanceOf(ZoomUnavailableError);
    expect(error.inDoubt).toBe(true);
    expect(error.message).toContain('may or may not have been applied');
    expect(clientSleeps).toEqual([]);
  });

  it('turns a timeout into ZoomUnavailableError', async () => {
    const { zoom } = await testbed({ timeoutMs: 50, maxRetries: 0 });
    api().get('/v2/users/me').delay(500).reply(200, { topic: 'late' });

    const error = await failure<Error>(zoom.request({ method: 'GET', path: '/users/me', label: 'light' }));

    expect(error).toBeInstanceOf(ZoomUnavailableError);
    expect(error.message).toBe('Zoom did not answer GET /users/me (timed out after 50 ms)');
  });

  it('retries a timed-out GET but not a timed-out PATCH', async () => {
    const { zoom } = await testbed({ timeoutMs: 50, maxRetries: 1 });
    api().get('/v2/users/me').delay(500).reply(200, {});
    api().get('/v2/users/me').reply(204);
    const patch = api().patch('/v2/meetings/1').delay(500).reply(204);

    await expect(zoom.request({ method: 'GET', path: '/users/me', label: 'light' })).resolves.toBeUndefined();
    const error = await failure<ZoomUnavailableError>(
      zoom.request({ method: 'PATCH', path: '/meetings/1', body: { topic: 'x' }, label: 'light' }),
    );
    expect(error.inDoubt).toBe(true);
    expect(patch.isDone()).toBe(true);
  });

  it('retries a network error for DELETE', async () => {
    const { zoom } = await testbed();
    api().delete('/v2/meetings/9').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const second = api().delete('/v2/meetings/9').reply(204);

    await zoom.request({ method: 'DELETE', path: '/meetings/9', label: 'light' });
    expect(second.isDone()).toBe(true);
  });
});

describe('ZoomClient logging', () => {
  it('logs each call at debug with its tracking ID, and never the token', async () => {
    const { logger, lines } = capturingLogger();
    const { zoom } = await testbed({ logger });
    api().get('/v2/users/me').reply(200, { topic: 'ok' }, { 'x-zm-trackingid': 'trk-1' });

    await zoom.request({ method: 'GET', path: '/users/me', label: 'light', schema: Topic });

    expect(lines).toContainEqual(
      expect.objectContaining({ level: 20, method: 'GET', path: '/users/me', status: 200, trackingId: 'trk-1' }),
    );
    expect(JSON.stringify(lines)).not.toContain('tok-1');
  });
});

describe('ZoomClient pagination', () => {
  const Item = z.looseObject({ id: z.string() });
  const list: ZoomListRequest<z.infer<typeof Item>> = {
    method: 'GET',
    path: '/users',
    query: { status: 'active', page_size: 2 },
    label: 'medium',
    itemsKey: 'users',
    item: Item,
  };

  it('follows next_page_token with the same query and stops on an empty token', async () => {
    const { zoom } = await testbed();
    const scope = api()
      .get('/v2/users')
      .query({ status: 'active', page_size: '2' })
      .reply(200, { total_records: 5, next_page_token: 'p2', users: [{ id: 'a' }, { id: 'b' }] })
      .get('/v2/users')
      .query({ status: 'active', page_size: '2', next_page_token: 'p2' })
      .reply(200, { total_records: 5, next_page_token: 'p3', users: [{ id: 'c' }, { id: 'd' }] })
      .get('/v2/users')
      .query({ status: 'active', page_size: '2', next_page_token: 'p3' })
      .reply(200, { total_records: 5, next_page_token: '', users: [{ id: 'e' }] });

    const pages = [];
    for await (const page of zoom.paginate(list)) pages.push(page);

    expect(pages.map((p) => p.items.map((u) => u.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(pages.map((p) => p.nextPageToken)).toEqual(['p2', 'p3', undefined]);
    expect(scope.isDone()).toBe(true);
  });

  it('stops when the token is absent', async () => {
    const { zoom } = await testbed();
    api().get('/v2/users').query(true).reply(200, { users: [{ id: 'a' }] });

    const pages = [];
    for await (const page of zoom.paginate(list)) pages.push(page);
    expect(pages).toHaveLength(1);
  });

  it('stops when Zoom hands back the token it was just given', async () => {
    const { zoom } = await testbed();
    api().get('/v2/users').query(true).times(2).reply(200, { next_page_token: 'stuck', users: [{ id: 'a' }] });

    const pages = [];
    for await (const page of zoom.paginate(list)) pages.push(page);
    expect(pages).toHaveLength(2);
  });

  it('fetches one page from a token, for a "Next page" button', async () => {
    const { zoom } = await testbed();
    api()
      .get('/v2/users')
      .query({ status: 'active', page_size: '2', next_page_token: 'p2' })
      .reply(200, { page_size: 2, total_records: 3, next_page_token: '', users: [{ id: 'c', extra: true }] });

    await expect(zoom.page(list, 'p2')).resolves.toEqual({
      items: [{ id: 'c', extra: true }],
      nextPageToken: undefined,
      totalRecords: 3,
    });
  });

  it('reads a missing list as empty', async () => {
    const { zoom } = await testbed();
    api().get('/v2/users').query(true).reply(200, { total_records: 0, next_page_token: '' });

    await expect(zoom.page(list)).resolves.toMatchObject({ items: [], totalRecords: 0 });
  });
});
