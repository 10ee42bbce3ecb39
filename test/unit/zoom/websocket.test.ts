// The Zoom WebSocket consumer against a local ws server and real Redis: one consumer of two, failover when
// it dies, no second consumer after a stall past the lock's TTL, heartbeats, reconnects, a new token means a
// new connection opened before the old one closes, events handed on and held while the queue is unavailable.
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ZoomEventSocket } from '../../../src/zoom/websocket.js';
import type { ZoomEvent } from '../../../src/zoom/events.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';
import { until } from '../../helpers/wait.js';

const redis = testRedis();
const prefix = uniquePrefix('ws');
let server: WebSocketServer;
let connections: Array<{ socket: WebSocket; url: URL; frames: string[] }>;
let consumers: ZoomEventSocket[];

beforeEach(async () => {
  connections = [];
  consumers = [];
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (socket, req) => {
    const conn = { socket, url: new URL(req.url!, 'ws://x'), frames: [] as string[] };
    connections.push(conn);
    socket.on('message', (d) => conn.frames.push(d.toString()));
    socket.send(JSON.stringify({ module: 'build_connection', success: true }));
  });
  await new Promise((r) => server.once('listening', r));
});
afterEach(async () => {
  for (const c of consumers) await c.stop();
  await new Promise((r) => server.close(r));
  for (const c of connections) c.socket.terminate();
  await clearPrefix(redis, prefix);
});
afterAll(() => redis.disconnect());

function consumer(opts: { token?: () => string; events?: ZoomEvent[]; subscription?: string; onEvent?: (e: ZoomEvent) => Promise<void>; bufferSize?: number } = {}) {
  const c = new ZoomEventSocket({
    redis,
    keyPrefix: prefix,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    subscriptionId: opts.subscription ?? 'sub-1',
    tokens: { getToken: async () => (opts.token ?? (() => 'token-1'))() },
    onEvent: opts.onEvent ?? (async (e) => void opts.events?.push(e)),
    ...(opts.bufferSize ? { bufferSize: opts.bufferSize } : {}),
    retry: { minMs: 20, maxMs: 100 },
    heartbeatMs: 100,
    lockTtlMs: 300,
    tokenCheckMs: 50,
    backoff: { minMs: 20, maxMs: 100 },
  });
  consumers.push(c);
  c.start();
  return c;
}
const open = () => connections.filter((c) => c.socket.readyState === 1);
/** Resolves once the consumer has handled every frame sent on `conn` before: ws answers a ping in order. */
const handled = (conn: { socket: WebSocket }) => new Promise<void>((resolve) => {
  conn.socket.once('pong', () => resolve());
  conn.socket.ping();
});

it('connects exactly one of two consumers, with the subscription and the S2S token, and hands events on', async () => {
  const events: ZoomEvent[] = [];
  const lockTries = vi.spyOn(redis, 'set');
  const a = consumer({ events });
  const b = consumer({ events });
  await until('a connection', () => open().length === 1);
  // The other consumer keeps trying to take the lock; after two more failed tries it still has no connection.
  const tries = lockTries.mock.calls.length;
  await until('two more tries to take the lock', () => lockTries.mock.calls.length >= tries + 2);
  expect(open()).toHaveLength(1);
  expect(connections).toHaveLength(1);
  expect([a.isConsumer, b.isConsumer].filter(Boolean)).toHaveLength(1);
  expect(connections[0]!.url.pathname).toBe('/ws');
  expect(connections[0]!.url.searchParams.get('subscriptionId')).toBe('sub-1');
  expect(connections[0]!.url.searchParams.get('access_token')).toBe('token-1');

  const event = { event: 'meeting.started', event_ts: 1, payload: { account_id: 'A', object: { uuid: 'u1', id: 1 } } };
  connections[0]!.socket.send(JSON.stringify({ module: 'message', content: JSON.stringify(event) }));
  connections[0]!.socket.send('not json');
  await until('the event', () => events.length === 1);
  expect(events[0]).toEqual(event);
});

it('sends heartbeats', async () => {
  consumer();
  await until('two heartbeats', () => (connections[0]?.frames.filter((f) => f === '{"module":"heartbeat"}').length ?? 0) >= 2);
});

it('fails over to the other process when the consumer dies without letting go', async () => {
  const a = consumer();
  await until('a connection', () => open().length === 1);
  const survivor = consumer();
  const holder = a.isConsumer ? a : survivor;
  const other = holder === a ? survivor : a;
  // A crash: timers gone, socket dropped, lock left behind to expire.
  for (const t of (holder as any).timers) clearInterval(t);
  (holder as any).stopped = true;
  (holder as any).socket.terminate();
  await until('the survivor to connect', () => other.isConsumer && other.connected, 3_000);
  expect(open()).toHaveLength(1);
});

it('reconnects with backoff when Zoom closes the connection', async () => {
  consumer();
  await until('a connection', () => open().length === 1);
  connections[0]!.socket.close(1011, 'server restart');
  await until('a second connection', () => connections.length === 2 && open().length === 1);
});

it('reconnects with the new token once the shared one is renewed', async () => {
  let token = 'token-1';
  consumer({ token: () => token });
  await until('a connection', () => open().length === 1);
  token = 'token-2';
  await until('a connection with the new token', () => open().length === 1 && open()[0]!.url.searchParams.get('access_token') === 'token-2');
});

const tokenOf = (c: { url: URL }) => c.url.searchParams.get('access_token');

it('does not connect beside the new holder when it wakes from a stall longer than the lock’s TTL', async () => {
  const a = consumer({ token: () => 'token-a' });
  await until('a connected', () => open().length === 1);
  // A stalls (a long GC pause, a frozen VM): its timers stop and its lock runs out; B takes over.
  for (const t of (a as any).timers) clearInterval(t);
  consumer({ token: () => 'token-b' });
  await until('b connected', () => open().some((c) => tokenOf(c) === 'token-b'));
  // A wakes to its connection closing and tries to reconnect from its close handler.
  expect(a.isConsumer).toBe(true);
  connections.find((c) => tokenOf(c) === 'token-a')!.socket.close(1011, 'server restart');
  await until('A to find the lock held by B', () => !a.isConsumer);
  expect(open().map(tokenOf)).toEqual(['token-b']);
  expect(connections.filter((c) => tokenOf(c) === 'token-a')).toHaveLength(1);
  expect(a.isConsumer).toBe(false);
});

it('opens the connection with a renewed token before closing the old one, so no event falls in a gap', async () => {
  let token = 'token-1';
  let tokenChecks = 0;
  consumer({
    token: () => {
      tokenChecks += 1;
      return token;
    },
  });
  await until('a connection', () => open().length === 1);
  let openWhenOldClosed: Array<string | null> | undefined;
  connections[0]!.socket.on('close', () => (openWhenOldClosed = open().map(tokenOf)));
  token = 'token-2';
  await until('the old connection closed', () => openWhenOldClosed !== undefined);
  expect(openWhenOldClosed).toEqual(['token-2']);
  // Two more token checks find the connection current and open nothing else.
  const checks = tokenChecks;
  await until('two more token checks', () => tokenChecks >= checks + 2);
  expect(open().map(tokenOf)).toEqual(['token-2']);
  expect(connections).toHaveLength(2);
});

const zoomFrame = (i: number) => JSON.stringify({ module: 'message', content: JSON.stringify({ event: 'meeting.started', event_ts: i, payload: { account_id: 'A', object: { uuid: `u${i}`, id: i } } }) });

it('holds events while Redis is unavailable and queues them in order once it is back', async () => {
  let redisUp = false;
  let tries = 0;
  const queued: number[] = [];
  const c = consumer({
    onEvent: async (e) => {
      tries += 1;
      if (!redisUp) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      queued.push(e.event_ts!);
    },
  });
  await until('a connection', () => open().length === 1);
  for (const i of [1, 2, 3]) connections[0]!.socket.send(zoomFrame(i));
  await until('three events held', () => c.heldEvents === 3);
  // Retried while Redis is away, and still held.
  await until('three tries to queue the first event', () => tries >= 3);
  expect(c.heldEvents).toBe(3);
  expect(queued).toEqual([]);
  redisUp = true;
  connections[0]!.socket.send(zoomFrame(4));
  await until('every event queued', () => queued.length === 4);
  expect(queued).toEqual([1, 2, 3, 4]);
  expect(c.heldEvents).toBe(0);
});

it('keeps the events it has when its buffer is full and drops only the ones past it', async () => {
  let redisUp = false;
  const queued: number[] = [];
  const c = consumer({
    bufferSize: 2,
    onEvent: async (e) => {
      if (!redisUp) throw new Error('Connection is closed.');
      queued.push(e.event_ts!);
    },
  });
  await until('a connection', () => open().length === 1);
  for (const i of [1, 2, 3]) connections[0]!.socket.send(zoomFrame(i));
  await handled(connections[0]!);
  expect(c.heldEvents).toBe(2);
  redisUp = true;
  await until('the held events queued', () => queued.length === 2);
  expect(queued).toEqual([1, 2]);
});
