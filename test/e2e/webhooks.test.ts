// End to end: POST /zoom/webhooks on the running web role — refusals in the contract's order, URL validation,
// durable enqueue before 200, duplicates dropped, and 503 while Redis is away so that Zoom retries.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import * as net from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectRedis, waitForRedis } from '../../src/redis.js';
import { freePort, startTestBot, useBotFixture, type TestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { clearEvents, queuedEvents } from '../helpers/jobs.js';
import { clearPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';
import { OLD_ZOOM_SECRET, ZOOM_SECRET, postWebhook, zoomEvent, zoomSignatureOf } from '../helpers/zoom-events.js';

const fixture = useBotFixture({ name: 'e2e-webhooks', users: [], env: { ZOOM_WEBHOOK_SECRET_TOKEN: `${ZOOM_SECRET},${OLD_ZOOM_SECRET}`, ZOOMOPS_ROLE: 'web' } });
const url = () => fixture.bot().url;
// Role web: no worker reads the express lane, so every accepted event stays there.
const queued = async () => (await queuedEvents(fixture.bot().bot.services)).map((q) => q.data);

beforeEach(async () => {
  await clearEvents(fixture.bot().bot.services);
});

describe('accepted events', () => {
  it('stores a signed event before answering 200, keyed on its identity', async () => {
    const res = await postWebhook(url(), zoomEvent('meeting.started'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'queued' });
    const [job] = await queued();
    expect(job).toMatchObject({ kind: 'event', key: 'meeting.started:4444AAAiAAAAAiAiAiiAii==|||', source: 'webhook', event: { event: 'meeting.started' } });
  });

  it('accepts the old secret during a rotation', async () => {
    expect((await postWebhook(url(), zoomEvent('meeting.ended'), { secret: OLD_ZOOM_SECRET })).status).toBe(200);
    expect(await queued()).toHaveLength(1);
  });

  it('acknowledges a duplicate and drops it, even when its download URLs differ', async () => {
    const first = zoomEvent('recording.completed');
    const retry = zoomEvent('recording.completed', (e) => {
      e.payload.object.recording_files[0].download_url = 'https://example.com/other';
      e.download_token = 'other-token';
    });
    expect((await postWebhook(url(), first)).status).toBe(200);
    const again = await postWebhook(url(), retry);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    const jobs = await queued();
    expect(jobs).toHaveLength(1);
    // The download token is a credential the relay never needs: it is not stored.
    expect(jobs[0].event.download_token).toBeUndefined();
  });
});

describe('url validation', () => {
  it('answers the plain token and its HMAC under the first secret, exactly', async () => {
    const res = await postWebhook(url(), { event: 'endpoint.url_validation', event_ts: 1654503849680, payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      JSON.stringify({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', ZOOM_SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') }),
    );
    expect(await queued()).toHaveLength(0);
  });

  it('does not answer an unsigned validation', async () => {
    const res = await postWebhook(url(), { event: 'endpoint.url_validation', payload: { plainToken: 'x' } }, { signature: 'v0=00' });
    expect(res.status).toBe(401);
  });
});

describe('refusals, in the contract’s order', () => {
  it('401 for a wrong signature, nothing stored', async () => {
    const res = await postWebhook(url(), zoomEvent('meeting.started'), { secret: 'guess' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'signature does not match' });
    expect(await queued()).toHaveLength(0);
  });

  it('401 for a timestamp more than 300 s old, even when signed', async () => {
    const res = await postWebhook(url(), zoomEvent('meeting.started'), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).toBe(401);
    expect(await queued()).toHaveLength(0);
  });

  it('400 for a signed body that is not JSON; 401 first when it is not signed', async () => {
    const signed = await postWebhook(url(), null, { raw: 'event=meeting.started' });
    expect(signed.status).toBe(400);
    expect(await signed.json()).toEqual({ error: 'body is not JSON' });
    expect((await postWebhook(url(), null, { raw: 'not json', signature: 'v0=bad' })).status).toBe(401);
  });

  it('413 for a body over 1 MiB, answered before the rest is sent', async () => {
    const { port } = new URL(url());
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const ts = Math.floor(Date.now() / 1000);
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/zoom/webhooks',
        headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024), 'x-zm-request-timestamp': String(ts), 'x-zm-signature': zoomSignatureOf('', ts) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      // Only 64 KiB of the announced 2 MiB are ever written; the answer must not wait for the rest.
      req.write(Buffer.alloc(64 * 1024, 0x20));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: 'body larger than 1048576 bytes' });
  });

  it('413 for a chunked body that grows past 1 MiB', async () => {
    const big = JSON.stringify({ event: 'meeting.started', payload: { pad: 'x'.repeat(1024 * 1024) } });
    const res = await postWebhook(url(), null, { raw: big });
    expect(res.status).toBe(413);
  });
});

// A TCP proxy in front of the real Redis, so the test can take Redis away and bring it back.
class RedisProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}
  start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = new net.Socket();
      const redis = new URL(TEST_REDIS_URL);
      upstream.connect(Number(redis.port || 6379), redis.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

describe('Redis away', () => {
  let proxy: RedisProxy;
  let slack: FakeSlack;
  let bot: TestBot;
  const prefix = uniquePrefix('e2e-webhooks-down');
  beforeAll(async () => {
    proxy = new RedisProxy(await freePort());
    await proxy.start();
    slack = new FakeSlack();
    await slack.start();
    const redis = connectRedis(`redis://127.0.0.1:${proxy.port}`, 'commands', { retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    await waitForRedis(redis);
    bot = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix: prefix, env: { ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET, ZOOMOPS_ROLE: 'web' } });
  });
  afterAll(async () => {
    await bot.stop();
    await bot.bot.services.jobs.close();
    bot.bot.services.redis.disconnect();
    await proxy.stop().catch(() => undefined);
    await slack.stop();
    const redis = testRedis();
    await clearPrefix(redis, `{${prefix}`);
    redis.disconnect();
  });

  it('answers 503 while Redis cannot take the event, and accepts Zoom’s retry once it is back', async () => {
    const event = zoomEvent('meeting.ended');
    expect((await postWebhook(bot.url, zoomEvent('meeting.created'))).status).toBe(200);
    await proxy.stop();
    const started = Date.now();
    const refused = await postWebhook(bot.url, event);
    expect(refused.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);
    await proxy.start();
    await waitForRedis(bot.bot.services.redis, 5_000);
    const retried = await postWebhook(bot.url, event);
    expect(retried.status).toBe(200);
    const names = (await queuedEvents(bot.bot.services)).map((q) => q.data.event.event).sort();
    expect(names).toEqual(['meeting.created', 'meeting.ended']);
  });
});
