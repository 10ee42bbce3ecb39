// zoomops_zoom_websocket_connected follows the Zoom WebSocket consumer: 0 before it connects, 1 while its connection
// is open, 0 once it has stopped.
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { JobQueues } from '../../../src/jobs/queues.js';
import { metricsText, watchZoomSocket } from '../../../src/metrics.js';
import { ZoomEventSocket } from '../../../src/zoom/websocket.js';
import { parseMetrics, valueOf } from '../../helpers/metrics.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';
import { until } from '../../helpers/wait.js';

const redis = testRedis();
const prefix = uniquePrefix('ws-metric');
const jobs = new JobQueues(redis, prefix, (queue, error) => {
  throw new Error(`queue ${queue}: ${error.message}`);
});
const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
server.on('connection', (socket) => socket.send(JSON.stringify({ module: 'build_connection', success: true })));
await new Promise((r) => server.once('listening', r));
afterAll(async () => {
  await jobs.close();
  await new Promise((r) => server.close(r));
  await clearPrefix(redis, prefix);
  await clearPrefix(redis, `{${prefix}`);
  redis.disconnect();
});

const connected = async () => valueOf(parseMetrics(await metricsText(jobs)), 'zoomops_zoom_websocket_connected');

it('reports the connection’s state at each scrape', async () => {
  const socket = watchZoomSocket(
    new ZoomEventSocket({
      redis,
      keyPrefix: prefix,
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
      subscriptionId: 'sub-1',
      tokens: { getToken: async () => 'token-1' },
      onEvent: async () => undefined,
      retry: { minMs: 20, maxMs: 100 },
      heartbeatMs: 100,
      lockTtlMs: 300,
      tokenCheckMs: 50,
      backoff: { minMs: 20, maxMs: 100 },
    }),
  );
  expect(await connected()).toBe(0);
  socket.start();
  await until('the connection', async () => socket.connected);
  expect(await connected()).toBe(1);
  await socket.stop();
  expect(await connected()).toBe(0);
});
