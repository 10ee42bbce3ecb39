// A shutdown lets an acknowledged command finish: the admin still gets the answer to a Zoom call in flight.
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startTestBot, ZOOM_API, type TestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';

let slack: FakeSlack;
let bot: TestBot;
let redis: Redis;
const prefix = uniquePrefix('e2e-shutdown');

beforeAll(async () => {
  redis = testRedis();
  slack = new FakeSlack();
  await slack.start();
  slack.users.set('UADMIN', { id: 'UADMIN', email: 'admin@example.com' });
  bot = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix: prefix, env: { ZOOMOPS_ADMINS: 'UADMIN' } });
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterAll(async () => {
  await slack.stop();
  await clearPrefix(redis, prefix);
  redis.disconnect();
  nock.cleanAll();
  nock.enableNetConnect();
});

it('waits for a command whose Zoom call is still running before it stops', async () => {
  nock('https://zoom.test').post('/oauth/token').reply(200, { access_token: 't', expires_in: 3600 });
  nock(ZOOM_API).get('/meetings/81234567890').delay(600).reply(200, { id: 81234567890, topic: 'Late answer', type: 2 });
  const res = await postSigned(
    `${bot.url}/slack/events`,
    slashCommandBody({ text: 'meeting get 81234567890', userId: 'UADMIN', responseUrl: slack.responseUrl('late') }),
    'application/x-www-form-urlencoded',
  );
  expect(res.status).toBe(200);
  await slack.waitFor((c) => c.method === 'users.info');
  await bot.stop();
  const answer = slack.calls.find((c) => c.method === 'response/late');
  expect(JSON.stringify(answer?.body.blocks)).toContain('Late answer');
});
