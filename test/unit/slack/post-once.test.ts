// Finding a post in doubt in the channel (fake Slack): by its delivery metadata, in a thread's replies, after joining
// a public channel the bot is not in; and without the history scopes, one warning and no search (posted again).
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { deliveryMetadata, findDelivery, outcomeUnknown, recoveryScopes } from '../../../src/slack/post-once.js';
import { FakeSlack } from '../../helpers/fake-slack.js';

const slack = new FakeSlack();
const client = () => new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
beforeAll(() => slack.start());
afterAll(() => slack.stop());
beforeEach(() => {
  slack.calls.length = 0;
  slack.history.clear();
  slack.scopes = ['chat:write', 'im:write', 'channels:history', 'groups:history', 'im:history', 'channels:join'];
});

it('finds the message that carries the delivery, not another delivery’s, and only since the first try', async () => {
  const web = client();
  const since = Date.now();
  await web.chat.postMessage({ channel: 'C1', text: 'another alert', metadata: deliveryMetadata('event:other') });
  const { ts } = await web.chat.postMessage({ channel: 'C1', text: 'the alert', metadata: deliveryMetadata('event:mine') });
  expect(await findDelivery(web, silentLogger, { channel: 'C1', deliveryKey: 'event:mine', since })).toEqual({ channel: 'C1', ts });
  expect(await findDelivery(web, silentLogger, { channel: 'C1', deliveryKey: 'event:missing', since })).toBeUndefined();
  const history = slack.calls.find((c) => c.method === 'conversations.history')!;
  expect(history.body).toMatchObject({ channel: 'C1', include_all_metadata: 'true' });
  expect(Number(history.body.oldest)).toBeLessThanOrEqual(since / 1000);
});

it('looks in the thread’s replies for a post that was a reply', async () => {
  const web = client();
  const parent = await web.chat.postMessage({ channel: 'C2', text: 'meeting started' });
  const reply = await web.chat.postMessage({ channel: 'C2', text: 'ended', thread_ts: parent.ts!, metadata: deliveryMetadata('event:ended') });
  expect(await findDelivery(web, silentLogger, { channel: 'C2', deliveryKey: 'event:ended', since: Date.now() - 1_000, threadTs: parent.ts! })).toEqual({ channel: 'C2', ts: reply.ts });
  expect(slack.calls.filter((c) => c.method === 'conversations.replies').map((c) => c.body.ts)).toEqual([parent.ts]);
});

it('joins a public channel it posts to without being a member, then reads it', async () => {
  const web = client();
  const { ts } = await web.chat.postMessage({ channel: 'C3', text: 'alert', metadata: deliveryMetadata('event:x') });
  slack.failures.push({ method: 'conversations.history', status: 200, body: { ok: false, error: 'not_in_channel' } });
  expect(await findDelivery(web, silentLogger, { channel: 'C3', deliveryKey: 'event:x', since: Date.now() - 1_000 })).toEqual({ channel: 'C3', ts });
  expect(slack.calls.map((c) => c.method).filter((m) => m.startsWith('conversations.'))).toEqual(['conversations.history', 'conversations.join', 'conversations.history']);
});

it('looks for a post to a user in their DM with the bot (conversations.open names it), only with im:history', async () => {
  const web = client();
  const since = Date.now();
  await web.chat.postMessage({ channel: 'U7', text: 'job queued', metadata: deliveryMetadata('progress:job-1') });
  const found = await findDelivery(web, silentLogger, { channel: 'U7', deliveryKey: 'progress:job-1', since });
  expect(found).toEqual({ channel: 'DU7', ts: slack.history.get('DU7')![0]!.ts });
  expect(slack.calls.filter((c) => c.method.startsWith('conversations.')).map((c) => [c.method, c.body.channel ?? c.body.users])).toEqual([
    ['conversations.open', 'U7'],
    ['conversations.history', 'DU7'],
  ]);
});

it('without im:history, a post in doubt in a DM is not looked for (posted again, as before), while channels still are', async () => {
  slack.scopes = ['chat:write', 'im:write', 'channels:history', 'groups:history', 'channels:join'];
  const web = client();
  const warn = vi.fn();
  const log = { ...silentLogger, warn } as unknown as typeof silentLogger;
  await web.chat.postMessage({ channel: 'U8', text: 'job queued', metadata: deliveryMetadata('progress:job-2') });
  expect(await findDelivery(web, log, { channel: 'U8', deliveryKey: 'progress:job-2', since: Date.now() - 1_000 })).toBeNull();
  expect(slack.calls.filter((c) => c.method.startsWith('conversations.'))).toEqual([]);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toEqual({ missing: ['im:history'] });
  const { ts } = await web.chat.postMessage({ channel: 'C9', text: 'alert', metadata: deliveryMetadata('event:c9') });
  expect(await findDelivery(web, log, { channel: 'C9', deliveryKey: 'event:c9', since: Date.now() - 1_000 })).toEqual({ channel: 'C9', ts });
  expect(warn).toHaveBeenCalledTimes(1);
});

it('without the history scopes, warns once and does not search: the caller posts again, as before', async () => {
  slack.scopes = ['chat:write', 'chat:write.public'];
  const web = client();
  const warn = vi.fn();
  const log = { ...silentLogger, warn } as unknown as typeof silentLogger;
  expect(await findDelivery(web, log, { channel: 'C4', deliveryKey: 'event:y', since: Date.now() })).toBeNull();
  expect(await findDelivery(web, log, { channel: 'C4', deliveryKey: 'event:z', since: Date.now() })).toBeNull();
  expect(await recoveryScopes(web, log)).toEqual({ history: false, im: false, join: false });
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![1]).toContain('channels:history, groups:history, im:history, channels:join');
  expect(slack.calls.filter((c) => c.method.startsWith('conversations.'))).toEqual([]);
});

it('tells a post that may be in Slack (no answer, a proxy’s error) from one Slack refused', () => {
  expect(outcomeUnknown(Object.assign(new Error('timeout'), { code: 'slack_webapi_request_error' }))).toBe(true);
  expect(outcomeUnknown(Object.assign(new Error('502'), { code: 'slack_webapi_http_error', body: '<html>Bad gateway</html>' }))).toBe(true);
  expect(outcomeUnknown(Object.assign(new Error('500'), { code: 'slack_webapi_http_error', body: { ok: false, error: 'internal_error' } }))).toBe(false);
  expect(outcomeUnknown(Object.assign(new Error('refused'), { code: 'slack_webapi_platform_error' }))).toBe(false);
  expect(outcomeUnknown(Object.assign(new Error('429'), { code: 'slack_webapi_rate_limited_error' }))).toBe(false);
});
