// With Redis gone, a command still gets one clear sentence, and the process keeps serving.
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis } from '../../src/redis.js';
import { startTestBot, freePort, type TestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';

let slack: FakeSlack;
let bot: TestBot;

beforeAll(async () => {
  slack = new FakeSlack();
  await slack.start();
  slack.users.set('UADMIN', { id: 'UADMIN', email: 'admin@example.com' });
  const redis = connectRedis(`redis://127.0.0.1:${await freePort()}`);
  redis.on('error', () => undefined);
  bot = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix: 'unused', env: { ZOOMOPS_ADMINS: 'UADMIN', ZOOMOPS_ROLE: 'web' } });
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterAll(async () => {
  await bot.stop();
  await slack.stop();
  nock.enableNetConnect();
});

it('tells the admin Redis is unreachable instead of hanging, and keeps running', async () => {
  for (const id of ['first', 'second']) {
    await postSigned(`${bot.url}/slack/events`, slashCommandBody({ text: 'meeting get 81234567890', userId: 'UADMIN', responseUrl: slack.responseUrl(id) }), 'application/x-www-form-urlencoded');
    const answer = await slack.response(id);
    expect(answer.body.text).toBe('ZoomOps cannot reach its Redis, so it did nothing. Ask the operator to check REDIS_URL and the Redis server.');
  }
  expect((await fetch(`${bot.url}/healthz`)).status).toBe(503);
});
