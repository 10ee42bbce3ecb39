// Every outbound connection goes through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names its host: recording downloads
// (both clients, HTTP and HTTPS), Zoom OAuth and REST, Zoom's WebSocket, and the Slack Web API. A real forward proxy
// (test/helpers/forward-proxy.ts) notes the local port of each connection it opens to a far end, and the far-end
// servers note the remote port of each connection they accept: every one of those must be the proxy's, so nothing
// went around it.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { downloadHosts } from '../../src/jobs/downloads/hosts.js';
import { downloadFile, httpClient } from '../../src/jobs/downloads/transfer.js';
import { silentLogger } from '../../src/log.js';
import { proxiedFetch, proxyAgentFor } from '../../src/outbound-proxy.js';
import { createZoomClient } from '../../src/zoom/connect.js';
import { fileBytes } from '../helpers/file-server.js';
import { ForwardProxy, remotePortsOf } from '../helpers/forward-proxy.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const cert = readFileSync(new URL('../fixtures/tls/localhost.crt', import.meta.url));
const key = readFileSync(new URL('../fixtures/tls/localhost.key', import.meta.url));
const content = fileBytes(300_000);
const proxy = new ForwardProxy();
let proxyUrl = '';

/** One far end for everything: a recording file, Zoom's OAuth and REST API, Slack's Web API. */
function farEnd(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  const json = (body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (path.startsWith('/file')) return void res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': content.length }).end(content);
  if (path.startsWith('/oauth/token')) return json({ access_token: 'proxied-token', token_type: 'bearer', expires_in: 3600, scope: 'user:read:admin' });
  if (path.startsWith('/v2/users/me')) return json({ id: 'U1', email: 'a@example.com' });
  if (path.startsWith('/api/auth.test')) return json({ ok: true, user_id: 'UBOT' });
  res.writeHead(404).end();
}
const plain = createHttpServer(farEnd);
const secure = createHttpsServer({ key, cert }, farEnd);
const wss = new WebSocketServer({ server: secure, path: '/ws' });
wss.on('connection', (socket) => socket.send('hello through the proxy'));
const plainPorts = remotePortsOf(plain);
const securePorts = remotePortsOf(secure);
const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

const VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
let dir: string;

beforeAll(async () => {
  proxyUrl = await proxy.start();
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await proxy.stop();
  for (const socket of wss.clients) socket.terminate();
  for (const server of [plain, secure]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
beforeEach(async () => {
  for (const name of VARIABLES) delete process.env[name];
  process.env.HTTPS_PROXY = proxyUrl;
  process.env.HTTP_PROXY = proxyUrl;
  proxy.reset();
  plainPorts.length = 0;
  securePorts.length = 0;
  dir = await mkdtemp(join(tmpdir(), 'zoomops-proxy-'));
});
afterEach(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await rm(dir, { recursive: true, force: true });
});

/** Every connection the far end accepted was opened by the proxy (and there was at least one). */
function allThroughProxy(ports: number[]): void {
  expect(ports.length).toBeGreaterThan(0);
  expect(ports.filter((port) => !proxy.upstreamPorts.has(port))).toEqual([]);
}

async function download(client: 'http1' | 'undici', origin: string) {
  const destination = join(dir, `${client}.mp4`);
  await downloadFile({
    url: `${origin}/file`,
    destination,
    root: dir,
    expectedSize: content.length,
    client: httpClient(client),
    hosts: downloadHosts({ zoom: { apiUrl: 'https://api.zoom.us/v2' } as never, recordings: { dir, downloadConcurrency: 1, extraDownloadHosts: ['localhost'] } }),
    token: { current: async () => 'unused', renew: async () => undefined },
    tls: { ca: cert },
    maxAttempts: 1,
  });
  expect((await readFile(destination)).equals(content)).toBe(true);
}

describe.each(['http1', 'undici'] as const)('recording downloads with %s', (client) => {
  it('reach an HTTPS host through a CONNECT tunnel of the proxy', async () => {
    await download(client, `https://localhost:${portOf(secure)}`);
    expect(proxy.seen).toContain(`CONNECT localhost:${portOf(secure)}`);
    allThroughProxy(securePorts);
  });

  it('reach a plain HTTP host through the proxy', async () => {
    await download(client, `http://localhost:${portOf(plain)}`);
    // http1 sends the absolute URL to the proxy; undici tunnels plain HTTP too.
    expect(proxy.seen).toContain(client === 'http1' ? `GET http://localhost:${portOf(plain)}/file` : `CONNECT localhost:${portOf(plain)}`);
    allThroughProxy(plainPorts);
  });

  it.each([['a host'], ['host:port'], ['*']])('go direct to a host NO_PROXY names as %s', async (form) => {
    process.env.NO_PROXY = form === 'a host' ? 'example.com,localhost' : form === '*' ? '*' : `localhost:${portOf(secure)}`;
    await download(client, `https://localhost:${portOf(secure)}`);
    expect(proxy.seen).toEqual([]);
    expect(securePorts.length).toBeGreaterThan(0);
  });

  it('takes the lowercase variable over the uppercase one', async () => {
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
    process.env.https_proxy = proxyUrl;
    await download(client, `https://localhost:${portOf(secure)}`);
    allThroughProxy(securePorts);
  });
});

function configWith(urls: Record<string, string>) {
  return parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', ZOOM_ACCOUNT_ID: 'acct', ZOOM_CLIENT_ID: 'cid', ZOOM_CLIENT_SECRET: 'csecret', ...urls });
}

describe('Zoom and Slack calls', () => {
  it('Zoom OAuth and REST go through the proxy', async () => {
    const redis = testRedis();
    const prefix = uniquePrefix('proxy');
    try {
      const origin = `http://localhost:${portOf(plain)}`;
      const config = configWith({ ZOOM_API_URL: `${origin}/v2`, ZOOM_OAUTH_URL: `${origin}/oauth/token` });
      const zoom = createZoomClient(config.zoom, redis, silentLogger, prefix);
      const answer = await zoom.requestRaw({ method: 'GET', path: '/users/me', label: 'light' });
      expect(JSON.parse(answer.text)).toMatchObject({ id: 'U1' });
      expect(proxy.seen).toContain(`CONNECT localhost:${portOf(plain)}`);
      allThroughProxy(plainPorts);
    } finally {
      await clearPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('the Slack Web API client of the services goes through the proxy', async () => {
    // Another origin than the Zoom test's: undici keeps that one's tunnel open for reuse.
    const config = configWith({ SLACK_API_URL: `http://127.0.0.1:${portOf(plain)}/api/` });
    const redis = testRedis();
    try {
      const services = createServices({ config, redis, log: silentLogger, keyPrefix: uniquePrefix('proxy-slack') });
      expect(await services.slack.auth.test()).toMatchObject({ ok: true, user_id: 'UBOT' });
      expect(proxy.seen).toContain(`CONNECT 127.0.0.1:${portOf(plain)}`);
      allThroughProxy(plainPorts);
    } finally {
      redis.disconnect();
    }
  });

  it('a WebClient given proxiedFetch goes direct for a NO_PROXY host', async () => {
    process.env.NO_PROXY = 'localhost';
    const slack = new WebClient('xoxb-1', { slackApiUrl: `http://localhost:${portOf(plain)}/api/`, fetch: proxiedFetch });
    expect(await slack.auth.test()).toMatchObject({ ok: true });
    expect(proxy.seen).toEqual([]);
  });

  it('the Zoom WebSocket agent tunnels through the proxy', async () => {
    const url = `wss://localhost:${portOf(secure)}/ws`;
    const agent = proxyAgentFor(url);
    expect(agent).toBeDefined();
    const socket = new WebSocket(url, { agent: agent!, ca: cert });
    const first = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    socket.close();
    expect(first).toBe('hello through the proxy');
    expect(proxy.seen).toContain(`CONNECT localhost:${portOf(secure)}`);
    allThroughProxy(securePorts);
  });
});
