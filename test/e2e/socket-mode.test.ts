// End to end in Socket Mode (SLACK_APP_TOKEN set): no inbound port for Slack; the bot opens a WebSocket to the URL
// apps.connections.open gives, acknowledges each envelope on it, and answers through response_url as in HTTP mode.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBot, startTestNetwork, type TestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import type { Redis } from 'ioredis';

const prefix = uniquePrefix('e2e-socket-mode');
let redis: Redis;
let slack: FakeSlack;
let wss: WebSocketServer;
let bot: TestBot;
let socket: WebSocket;

beforeAll(async () => {
  redis = testRedis();
  slack = new FakeSlack();
  await slack.start();
  slack.users.set('UADMIN', { id: 'UADMIN', email: 'admin@example.com' });
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  slack.socketModeUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  // Slack greets every new connection; the client counts itself connected only then.
  wss.on('connection', (ws) => {
    socket = ws;
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'test' }, connection_info: { app_id: 'A1' } }));
  });
  bot = await startTestBot({
    slackApiUrl: slack.apiUrl,
    redis,
    keyPrefix: prefix,
    env: { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-test', ZOOMOPS_ADMINS: 'UADMIN', ZOOMOPS_ROLE: 'web' },
  });
});

afterAll(async () => {
  await bot.stop();
  wss.close();
  await slack.stop();
  await clearPrefix(redis, prefix);
  redis.disconnect();
  nock.enableNetConnect();
});

it('takes a slash command over the socket, acknowledges the envelope, and answers through response_url', async () => {
  // The bot found its socket through apps.connections.open, as Slack's Socket Mode client does.
  expect(slack.calls.some((c) => c.method === 'apps.connections.open')).toBe(true);
  startTestNetwork(slack);
  const acks: unknown[] = [];
  socket.on('message', (data) => acks.push(JSON.parse(String(data))));

  socket.send(
    JSON.stringify({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'legacy',
        team_id: 'T1',
        team_domain: 'test',
        channel_id: 'C1',
        channel_name: 'general',
        user_id: 'UADMIN',
        user_name: 'admin',
        command: '/zoom',
        text: 'help jobs',
        api_app_id: 'A1',
        response_url: slack.responseUrl('socket-1'),
        trigger_id: 'trigger-1',
      },
    }),
  );

  const answer = await slack.response('socket-1');
  expect(acks).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
  expect(JSON.stringify(answer.body.blocks)).toContain('/zoom jobs status');
});
