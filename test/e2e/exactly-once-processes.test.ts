// Exactly once across real processes, against a slow fake Slack (posts are in flight when something dies):
// - two `web` and two `worker` processes on one (private) Redis, 200 events sent to both web processes, one worker
//   killed with SIGKILL: the events it had read from the lane stay pending, are reclaimed by the other worker after
//   30 s idle and run again there as jobs;
// - Redis (AOF on) killed with SIGKILL mid-post and started again 5 s later: the jobs whose posts were in flight run
//   again once Redis is back (the lane's entries are acknowledged only after their run, so none is skipped).
// Either way the posts left in doubt are found in the channels by their metadata: every event is in Slack once.
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
const postsOf = (i: number, prefix = 'CX') => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === `${prefix}${i}`);

/** Zoom's part: an event refused (503 while Redis is down) is sent again until it is taken. */
async function sendUntilTaken(url: string, event: unknown): Promise<void> {
  for (let tries = 0; ; tries++) {
    const answer = await postWebhook(url, event).catch(() => undefined);
    if (answer?.status === 200) return;
    if (tries > 100) throw new Error(`the event was refused ${tries} times (last: ${answer?.status})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

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
  // The killed worker's lane entries are reclaimed once idle 30 s (looked for every 10 s) and run again as jobs.
  await until('every event recorded as delivered', async () => (await delivered()) === EVENTS, 100_000);
  const counts = Array.from({ length: EVENTS }, (_, i) => postsOf(i).length);
  expect(counts.filter((n) => n !== 1)).toEqual([]);
  // The crash did leave posts in doubt, and they were looked for rather than posted again.
  expect(slack.calls.filter((c) => c.method === 'conversations.history').length).toBeGreaterThan(0);
}, 180_000);

it('puts each event into Slack once when Redis (AOF) is killed mid-post and comes back 5 s later', async () => {
  const aofRedis = await startPrivateRedis({ aof: true });
  const client = new Redis(aofRedis.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  const processes: BotProcess[] = [];
  try {
    const count = 60;
    const watches = new WatchStore(client, DEFAULT_KEY_PREFIX);
    for (let i = 0; i < count; i++) {
      await watches.add(`CR${i}`, { topic: 'events', events: [`custom.e${i}`], narrowed: false, createdBy: 'UADMIN', zone: 'UTC', createdAt: '2026-01-01T00:00:00Z' });
    }
    slack.answerDelayMs = 1_000;
    const before = slack.calls.length;
    processes.push(
      await spawnBot({ role: 'web', redisUrl: aofRedis.url, slackApiUrl: slack.apiUrl }),
      await spawnBot({ role: 'worker', redisUrl: aofRedis.url, slackApiUrl: slack.apiUrl }),
    );
    const sending = Promise.all(Array.from({ length: count }, (_, i) => sendUntilTaken(processes[0]!.url, eventOf(i))));
    await until('posts in flight', () => slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage').length >= 10, 30_000);
    await aofRedis.kill();
    await new Promise((r) => setTimeout(r, 5_000));
    await aofRedis.restart();
    await sending;

    const state = new RelayState(client, DEFAULT_KEY_PREFIX);
    const delivered = async () => {
      let n = 0;
      for (let i = 0; i < count; i++) if (/^\d+\.\d{6}$/.test((await state.postedIn(`custom.e${i}:obj-${i}`, `CR${i}`)) ?? '')) n++;
      return n;
    };
    await until('every event recorded as delivered', async () => (await delivered().catch(() => 0)) === count, 120_000);
    const counts = Array.from({ length: count }, (_, i) => postsOf(i, 'CR').length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
  } finally {
    slack.answerDelayMs = 0;
    await Promise.all(processes.map((p) => p.stop().catch(() => undefined)));
    client.disconnect();
    await aofRedis.stop();
  }
}, 240_000);
