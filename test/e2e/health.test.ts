// GET /healthz of the worker role: ok while Redis serves the bot's keys, 503 with the reason when it does not.
import net from 'node:net';
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
  const server = createHealthServer(redis, 'test-health', port);
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

  it('answers 503 when Redis answers PING but does not write the bot\'s keys (a read-only replica)', async () => {
    const replica = await readOnlyRedis();
    stops.push(replica.stop);
    const url = await serve(`redis://127.0.0.1:${replica.port}`, { ready: true });
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toBe(
      "Redis did not write {test-health-events}:health: READONLY You can't write against a read only replica.",
    );
    expect(replica.commands).toContain('SET');
  });

  it('answers 404 for any other path', async () => {
    const url = await serve(TEST_REDIS_URL);
    expect((await fetch(url.replace('/healthz', '/slack/events'))).status).toBe(404);
  });
});

/** A server speaking just enough RESP to look like a read-only replica: INFO and PING answer, every write is refused. */
async function readOnlyRedis(): Promise<{ port: number; commands: string[]; stop(): Promise<void> }> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data) => {
      // Each command arrives as an array of bulk strings; its name is the first one.
      for (const match of String(data).matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
        const name = (match[1] ?? '').toUpperCase();
        commands.push(name);
        if (name === 'INFO') {
          const info = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
          socket.write(`$${info.length}\r\n${info}\r\n`);
        } else if (name === 'PING') socket.write('+PONG\r\n');
        else socket.write("-READONLY You can't write against a read only replica.\r\n");
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    commands,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
