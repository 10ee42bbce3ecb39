// Socket Mode through the outbound proxy: apps.connections.open and the WebSocket it names both go through
// HTTPS_PROXY. Its own file: the bot helpers load nock, whose request interception would sit between the `ws` proxy
// agent and its socket in outbound-proxy.test.ts.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { ForwardProxy, remotePortsOf } from '../helpers/forward-proxy.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const proxy = new ForwardProxy();
const VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

beforeAll(async () => {
  const url = await proxy.start();
  for (const name of VARIABLES) delete process.env[name];
  process.env.HTTPS_PROXY = url;
  process.env.HTTP_PROXY = url;
});
afterAll(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await proxy.stop();
});

/** Every connection the far end accepted was opened by the proxy (and there was at least one). */
function allThroughProxy(ports: number[]): void {
  expect(ports.length).toBeGreaterThan(0);
  expect(ports.filter((port) => !proxy.upstreamPorts.has(port))).toEqual([]);
}

it('Socket Mode: apps.connections.open and its WebSocket go through the proxy', async () => {
  const slack = new FakeSlack();
  await slack.start();
  const links = createServer();
  const linkPorts = remotePortsOf(links);
  const linkServer = new WebSocketServer({ server: links });
  linkServer.on('connection', (ws) => ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'test' }, connection_info: { app_id: 'A1' } })));
  await new Promise<void>((resolve) => links.listen(0, '127.0.0.1', resolve));
  slack.socketModeUrl = `ws://127.0.0.1:${portOf(links)}/link`;
  const redis = testRedis();
  const prefix = uniquePrefix('proxy-socket-mode');
  const connected = once(linkServer, 'connection');
  const bot = await startTestBot({
    slackApiUrl: slack.apiUrl,
    redis,
    keyPrefix: prefix,
    env: { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-test', ZOOMOPS_ROLE: 'web' },
});
  try {
    await connected;
    expect(slack.calls.some((c) => c.method === 'apps.connections.open')).toBe(true);
    expect(proxy.seen).toContain(`CONNECT ${new URL(slack.apiUrl).host}`);
    expect(proxy.seen).toContain(`CONNECT 127.0.0.1:${portOf(links)}`);
    allThroughProxy(linkPorts);
  } finally {
    await bot.stop();
    for (const ws of linkServer.clients) ws.terminate();
    links.closeAllConnections();
    await new Promise<void>((resolve) => links.close(() => resolve()));
    await slack.stop();
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});
