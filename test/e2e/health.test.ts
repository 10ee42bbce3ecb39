// GET /healthz of the worker role: ok while Redis answers, 503 with the reason when it does not.
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthServer } from '../../src/app.js';
import { connectRedis, waitForRedis } from '../../src/redis.js';
import { freePort } from '../helpers/bot.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function serve(redisUrl: string, opts: { ready?: boolean } = {}): Promise<string> {
  const redis = connectRedis(redisUrl);
  redis.on('error', () => undefined);
  if (opts.ready) await waitForRedis(redis);
  const port = await freePort();
  const server = createHealthServer(redis, port);
  await server.start();
  stops.push(server.stop, () => redis.disconnect());
  return `http://127.0.0.1:${port}/healthz`;
}

describe('worker /healthz', () => {
  it('answers 200 ok when Redis answers', async () => {
    const url = await serve(TEST_REDIS_URL, { ready: true });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 with the reason when Redis is down', async () => {
    const url = await serve(`redis://127.0.0.1:${await freePort()}`);
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/^Redis is not connected/);
  });

  it('answers 404 for any other path', async () => {
    const url = await serve(TEST_REDIS_URL);
    expect((await fetch(url.replace('/healthz', '/slack/events'))).status).toBe(404);
  });
});
