// Exactly once across real processes: two `web` and two `worker` processes on one (private) Redis, 200 events sent to
// both web processes, one worker killed with SIGKILL while its posts are in flight (a slow Slack). Its jobs stall and
// run again in the other worker; the posts it left in doubt are found in the channels by their metadata, so every
// event is in Slack exactly once.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RelayState } from '../../src/jobs/relay-state.js';
import { DEFAULT_KEY_PREFIX } from '../../src/redis.js';
import { WatchStore } from '../../src/slack/watches.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { spawnBot, startPrivateRedis, until, type BotProcess, type PrivateRedis } from '../helpers/processes.js';
import { postWebhook } from '../helpers/zoom-events.js';

const EVENTS = 200;
let redisServer: PrivateRedis;
let redis: Redis;
let slack: FakeSlack;
const bots: BotProcess[] = [];

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  redis = new Redis(redisServer.url);
  slack = new FakeSlack();
  await slack.start();
});
afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop().catch(() => undefined)));
  redis?.disconnect();
  await slack?.stop();
  await redisServer?.stop();
});

/** One channel per event (so no channel's pace folds any into a digest), each watching its own event type. */
const eventOf = (i: number) => ({ event: `custom.e${i}`, event_ts: 1_700_000_000_000 + i, payload: { account_id: 'A', object: { id: `obj-${i}` } } });
const postsOf = (i: number) => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === `CX${i}`);

it('puts each of 200 events into Slack once when a worker is killed mid-stream', async () => {
  const watches = new WatchStore(redis, DEFAULT_KEY_PREFIX);
  for (let i = 0; i < EVENTS; i++) {
    await watches.add(`CX${i}`, { topic: 'events', events: [`custom.e${i}`], narrowed: false, createdBy: 'UADMIN', zone: 'UTC', createdAt: '2026-01-01T00:00:00Z' });
  }
  // A slow Slack: each post is answered 300 ms after it was taken, so a killed worker leaves posts in doubt.
  slack.answerDelayMs = 300;
  const started = await Promise.all([
    spawnBot({ role: 'web', redisUrl: redisServer.url, slackApiUrl: slack.apiUrl }),
    spawnBot({ role: 'web', redisUrl: redisServer.url, slackApiUrl: slack.apiUrl }),
    spawnBot({ role: 'worker', redisUrl: redisServer.url, slackApiUrl: slack.apiUrl }),
    spawnBot({ role: 'worker', redisUrl: redisServer.url, slackApiUrl: slack.apiUrl }),
  ]);
  bots.push(...started);
  const [webA, webB, doomed] = started;
  for (let i = 0; i < EVENTS; i += 20) {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, j) => postWebhook((i + j) % 2 === 0 ? webA!.url : webB!.url, eventOf(i + j))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  }
  await until('some alerts in Slack', () => slack.calls.filter((c) => c.method === 'chat.postMessage').length >= 30, 30_000);
  await doomed!.kill();

  const state = new RelayState(redis, DEFAULT_KEY_PREFIX);
  const delivered = async () => {
    let n = 0;
    for (let i = 0; i < EVENTS; i++) if (/^\d+\.\d{6}$/.test((await state.postedIn(`custom.e${i}:obj-${i}`, `CX${i}`)) ?? '')) n++;
    return n;
  };
  // The killed worker's jobs come back once their locks expire (30 s) and the stalled check runs (every 30 s).
  await until('every event recorded as delivered', async () => (await delivered()) === EVENTS, 100_000);
  const counts = Array.from({ length: EVENTS }, (_, i) => postsOf(i).length);
  expect(counts.filter((n) => n !== 1)).toEqual([]);
  // The crash did leave posts in doubt, and they were looked for rather than posted again.
  expect(slack.calls.filter((c) => c.method === 'conversations.history').length).toBeGreaterThan(0);
}, 180_000);
