// End to end: `/zoom doctor` on a bot configured for Zoom's WebSocket event subscription, against a local ws server
// that stands in for Zoom's (as test/unit/zoom/websocket.test.ts's): connected (which process, since when) while the
// consumer holds a connection; when Zoom stops taking it, for how long none has been held, with the fix.
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { liveKey } from '../../src/doctor/ws-presence.js';
import { nockZoomToken, useBotFixture } from '../helpers/bot.js';
import { slackDriver } from '../helpers/driver.js';
import { until } from '../helpers/wait.js';

const ADMIN = 'UADMIN';
const SUB = 'sub-doctor';
let server: WebSocketServer;
const sockets: WebSocket[] = [];
/** While false, the fake refuses the handshake, as Zoom does for a deleted subscription or a refused token. */
let accepting = true;
let clock = DateTime.fromISO('2026-12-02T10:00:00Z');

// Filled in once the fake listens, before the fixture's bot starts (hooks run in the order they were added).
const env: Record<string, string> = { ZOOMOPS_ROLE: 'web', ZOOMOPS_ADMINS: ADMIN, ZOOM_WS_SUBSCRIPTION_ID: SUB };
beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: () => accepting });
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.send(JSON.stringify({ module: 'build_connection', success: true }));
  });
  await new Promise((r) => server.once('listening', r));
  env.ZOOM_WS_URL = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  // The consumer asks for a token as the bot starts, before the fixture's per-test network.
  nockZoomToken();
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  await new Promise((r) => server.close(r));
});

const fixture = useBotFixture({ name: 'e2e-doctor-ws', users: [{ id: ADMIN, email: 'admin@example.com' }], env, now: () => clock });
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
const services = () => fixture.bot().bot.services;

async function websocketLine(): Promise<string | undefined> {
  const answer = await driver.command('doctor', ADMIN);
  const text = (answer.body.blocks ?? []).map((b: { text?: { text?: string } }) => b.text?.text ?? '').join('\n');
  expect(text).not.toContain('zoom-token');
  return text.split('\n').find((l: string) => l.includes('Zoom WebSocket'));
}

it('says which process holds the connection and since when, then for how long none has', async () => {
  const openSockets = () => sockets.filter((s) => s.readyState === s.OPEN);
  await until('the consumer to connect', () => openSockets().length === 1);
  await until('its heartbeat', () => services().redis.exists(liveKey(services().keyPrefix, SUB)));

  expect(await websocketLine()).toBe(`✓ The Zoom WebSocket is connected: process ${process.pid} (ZOOMOPS_ROLE=web) on ${hostname()}, since 2026-12-02 10:00 UTC.`);

  // Zoom drops the connection and refuses every new one.
  accepting = false;
  for (const s of openSockets()) s.terminate();
  await until('the heartbeat to go', async () => !(await services().redis.exists(liveKey(services().keyPrefix, SUB))));
  clock = clock.plus({ seconds: 90 });

  expect(await websocketLine()).toBe(
    `✗ No process has held a Zoom WebSocket connection for 90 s (the last was process ${process.pid} (ZOOMOPS_ROLE=web) on ${hostname()}). ` +
      "Check ZOOM_WS_URL and ZOOM_WS_SUBSCRIPTION_ID against the WebSocket subscription in the Zoom app's Event Subscriptions, that a web process (ZOOMOPS_ROLE=web or all) runs on this Redis, and its logs (component zoom-websocket).",
  );

  // Zoom takes connections again: the consumer's reconnect is seen by the next doctor.
  accepting = true;
  await until('the consumer to reconnect', () => openSockets().length === 1, 10_000);
  await until('its heartbeat', () => services().redis.exists(liveKey(services().keyPrefix, SUB)));
  expect(await websocketLine()).toBe(`✓ The Zoom WebSocket is connected: process ${process.pid} (ZOOMOPS_ROLE=web) on ${hostname()}, since 2026-12-02 10:01 UTC.`);
});
