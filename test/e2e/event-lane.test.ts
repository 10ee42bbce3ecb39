// End to end: the events' express lane (jobs/event-lane.ts) between signed webhooks and the fake Slack, on real
// Redis. A plain event is relayed from the lane and leaves it; an event that cannot be done in one run (pace saturated,
// Slack 5xx, data the relay refuses) becomes a BullMQ job of its shard under its own ID; the entries of a consumer that
// died are reclaimed and handed over, and each alert still reaches Slack exactly once — also when a lost ack makes an
// entry that was already relayed come back; a worker that stops leaves nothing half-done.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeChecks } from '../../src/doctor/runtime.js';
import { laneKey } from '../../src/jobs/event-lane-keys.js';
import { metricsText } from '../../src/metrics.js';
import { startEventLanes, type RunningLanes } from '../../src/jobs/event-lane.js';
import { relayProcessor } from '../../src/jobs/relay.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { WatchStore } from '../../src/slack/watches.js';
import { useBotFixture } from '../helpers/bot.js';
import { clearEvents, eventsSettled, queuedEvents } from '../helpers/jobs.js';
import { until } from '../helpers/wait.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

// Role web: the test starts and stops the relay itself.
const fixture = useBotFixture({ name: 'e2e-event-lane', users: [], env: { ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET, ZOOMOPS_ROLE: 'web' } });
const services = () => fixture.bot().bot.services;
const lane = () => laneKey(services().keyPrefix, 0);
const events = () => services().jobs.queue('events');
let running: Array<RunningWorkers | RunningLanes> = [];

/** This process's relay: the BullMQ workers and the lane, as a worker process runs them. */
function startRelay(): RunningWorkers {
  const workers = startWorkers([relayProcessor], services());
  running.push(workers);
  return workers;
}
/** Another process that only reclaims (quickly, for the test) what dead consumers left: its hand-offs go to BullMQ. */
function startReclaimer(): void {
  running.push(startEventLanes(services(), relayProcessor.lane!, 4, { claimEveryMs: 200, claimMinIdleMs: 300 }));
}

/** A custom event watched by `channel` alone, one meeting instance each. */
function customEvent(n: number, channel: string) {
  return { event: `custom.${channel}`, event_ts: Date.now(), payload: { account_id: 'A', object: { id: `${n}`, uuid: `lane-${channel}-${n}==` } } };
}
async function watch(channel: string): Promise<void> {
  await new WatchStore(services().redis, services().keyPrefix).add(channel, { topic: 'events', events: [`custom.${channel}`], narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '2026-01-01T00:00:00Z' });
}
const posts = (channel: string) => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
/** Each event's alert in the channel, by the event's object id: every one must appear exactly once. */
const postedIds = (channel: string) => posts(channel).map((c) => /\bid: (\d+)/.exec(JSON.stringify(c.body))?.[1]).sort();

/** A consumer that read entries and died before it relayed them (or before its ack reached Redis). */
async function readByDeadConsumer(count: number): Promise<string[]> {
  await services().redis.xgroup('CREATE', lane(), 'relay', '0', 'MKSTREAM').catch(() => undefined);
  const reply = (await services().redis.xreadgroup('GROUP', 'relay', 'dead-consumer', 'COUNT', count, 'STREAMS', lane(), '>')) as Array<[string, Array<[string, string[]]>]> | null;
  return (reply ?? []).flatMap(([, entries]) => entries.map(([id]) => id));
}
/** The event IDs of the lane's entries read and not yet acknowledged. */
async function pendingEvents(): Promise<string[]> {
  const pending = (await services().redis.xpending(lane(), 'relay', '-', '+', 100)) as Array<[string, string, number, number]>;
  const entries = await Promise.all(pending.map(([id]) => services().redis.xrange(lane(), id, id)));
  return entries.flatMap((found) => found.map(([, fields]) => fields[fields.indexOf('evt') + 1]!));
}
const pendingCount = async () => Number(((await services().redis.xpending(lane(), 'relay')) as [number])[0]);

beforeEach(async () => {
  await clearEvents(services());
  await new WatchStore(services().redis, services().keyPrefix).removeAll();
});
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

describe('the express lane', () => {
  it('relays a plain event from the lane, without a BullMQ job, and acknowledges and deletes its entry', async () => {
    await watch('CPLAIN');
    expect((await postWebhook(fixture.bot().url, customEvent(1, 'CPLAIN'))).status).toBe(200);
    // Durable before 200: it is in the lane.
    expect((await queuedEvents(services())).map((q) => q.where)).toEqual(['lane']);
    startRelay();
    await until('the alert in Slack', () => posts('CPLAIN')[0], 8_000);
    await until('the entry acked and deleted', async () => (await services().redis.xlen(lane())) === 0, 3_000, 20);
    expect(await pendingCount()).toBe(0);
    expect(await events().getJobCounts('completed', 'failed', 'delayed', 'waiting')).toEqual({ completed: 0, failed: 0, delayed: 0, waiting: 0 });
  });

  it('hands an event that meets a saturated pace to its queue as a delayed job under its own ID, posted once the pace has room', async () => {
    // An alert with a Download button never folds into a digest: it waits for the channel's pace.
    await new WatchStore(services().redis, services().keyPrefix).add('CBUSY', { topic: 'recordings', events: ['recording.completed'], narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '2026-01-01T00:00:00Z' });
    // Someone else is posting into the channel: a post now would wait longer than the relay waits (3 s).
    await services().pacing.channel('CBUSY').pause(3_500);
    expect((await postWebhook(fixture.bot().url, zoomEvent('recording.completed'))).status).toBe(200);
    const [accepted] = await queuedEvents(services());
    startRelay();
    const job = await until('the delayed job', async () => (await events().getJobs(['delayed'])).find((j) => j.id === accepted!.id), 8_000, 50);
    expect(job.attemptsMade).toBe(0);
    await until('the entry left the lane', async () => (await services().redis.xlen(lane())) === 0, 3_000, 20);
    const alert = await until('the alert once the pace has room', () => posts('CBUSY')[0], 12_000, 50);
    expect(alert.body.blocks[1].elements.map((b: any) => b.text.text)).toContain('Download');
    await eventsSettled(services(), 10_000);
    expect(posts('CBUSY')).toHaveLength(1);
  }, 30_000);

  it('retries an event Slack refused with a 5xx as a BullMQ job, which posts it once', async () => {
    await watch('C5XX');
    fixture.slack().failures.push({ method: 'chat.postMessage', status: 500, body: { ok: false, error: 'internal_error' }, match: (c) => c.body.channel === 'C5XX' });
    expect((await postWebhook(fixture.bot().url, customEvent(5, 'C5XX'))).status).toBe(200);
    const [accepted] = await queuedEvents(services());
    startRelay();
    const job = await until('the retry job', () => events().getJob(accepted!.id), 8_000, 50);
    // The lane's run was the first of the relay's 6 attempts: the job has the other 5.
    expect(job.opts.attempts).toBe(5);
    await until('the alert after the retry', () => fixture.slack().history.get('C5XX')?.[0], 12_000, 50);
    await eventsSettled(services(), 10_000);
    expect(await (await events().getJob(accepted!.id))!.getState()).toBe('completed');
    // Two calls reached Slack: the refused one and the retry's post, which is the only alert in the channel.
    expect(fixture.slack().history.get('C5XX')).toHaveLength(1);
  }, 30_000);

  it('puts an entry the relay cannot read in the failed list, where `/zoom jobs failed` shows it, instead of looping', async () => {
    await services().redis.xadd(lane(), '*', 'evt', 'evt-poison-1', 'data', JSON.stringify({ kind: 'event', key: 'k', event: 'not an event' }));
    startRelay();
    const failed = await until('the failed job', async () => (await events().getJobs(['failed'])).find((j) => j.id === 'evt-poison-1'), 8_000, 50);
    expect(failed.failedReason).toMatch(/job data does not match/);
    await until('the entry left the lane', async () => (await services().redis.xlen(lane())) === 0, 3_000, 20);
  });

  it('reclaims what a dead consumer read: unrun events are posted once, and relayed ones whose ack was lost are not posted again', async () => {
    await watch('CDEAD');
    for (let n = 0; n < 6; n++) expect((await postWebhook(fixture.bot().url, customEvent(n, 'CDEAD'))).status).toBe(200);
    // Three were read by a consumer that died at once; the other three are relayed normally by this process.
    const deadIds = await readByDeadConsumer(3);
    expect(deadIds).toHaveLength(3);
    startRelay();
    await until('the three unread ones posted', () => posts('CDEAD').length >= 3 || undefined, 8_000, 50);
    // Theirs acked (within the ack window); the dead consumer's three stay pending.
    await until('only the dead consumer’s entries pending', async () => (await pendingCount()) === 3 || undefined, 3_000, 20);
    // A second process reclaims the dead consumer's entries and hands them to BullMQ, which relays them.
    startReclaimer();
    await until('all six posted', () => postedIds('CDEAD').length >= 6 || undefined, 15_000, 50);
    await eventsSettled(services(), 10_000);
    expect(postedIds('CDEAD')).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(await pendingCount()).toBe(0);

    // The same six once more, as if their acks had been lost in a crash: each becomes a job that runs the relay again
    // (a positive control that they ran: completed jobs), and the post records keep every alert at one.
    await Promise.all(running.map((r) => r.stop()));
    running = [];
    const before = (await events().getJobs(['completed'])).length;
    for (let n = 0; n < 6; n++) {
      const again = { kind: 'event', key: `custom.CDEAD:lane-CDEAD-${n}==`, event: customEvent(n, 'CDEAD'), source: 'webhook', receivedAt: Date.now(), shards: 1 };
      await services().redis.xadd(lane(), '*', 'evt', `evt-again-${n}`, 'data', JSON.stringify(again));
    }
    expect(await readByDeadConsumer(6)).toHaveLength(6);
    startRelay();
    startReclaimer();
    await until('six more completed jobs', async () => (await events().getJobs(['completed'])).length >= before + 6 || undefined, 15_000, 50);
    expect(postedIds('CDEAD')).toEqual(['0', '1', '2', '3', '4', '5']);
  }, 40_000);

  it('keeps a slow run’s entry claimed: another process reclaims a dead consumer’s entry but not one still being relayed', async () => {
    await watch('CGONE');
    await watch('CSLOW');
    expect((await postWebhook(fixture.bot().url, customEvent(1, 'CGONE'))).status).toBe(200);
    const [gone] = await queuedEvents(services());
    expect(await readByDeadConsumer(1)).toHaveLength(1);
    expect((await postWebhook(fixture.bot().url, customEvent(2, 'CSLOW'))).status).toBe(200);
    const slow = (await queuedEvents(services())).find((e) => e.id !== gone!.id);
    expect(slow).toBeDefined();
    // Slack answers after 1.5 s: five times the idle time after which entries are reclaimed here.
    fixture.slack().answerDelayMs = 1_500;
    try {
      // This process reclaims nothing after its first look (its own reclaim would also touch its entries).
      running.push(startEventLanes(services(), relayProcessor.lane!, 4, { claimEveryMs: 60_000, claimMinIdleMs: 300 }));
      await until('the slow run under way', async () => (await pendingEvents()).includes(slow!.id) || undefined, 3_000, 10);
      startReclaimer();
      // The control: the dead consumer's entry is reclaimed and handed over while the slow run goes on.
      await until('the dead consumer’s entry handed over', () => events().getJob(gone!.id), 3_000, 20);
      await until('the slow alert', () => posts('CSLOW').length > 0 || undefined, 8_000, 20);
      await until('the slow entry acknowledged', async () => (await pendingCount()) === 0 || undefined, 3_000, 20);
    } finally {
      fixture.slack().answerDelayMs = 0;
    }
    // Relayed once, from the lane: never handed over as a job to run a second time beside the first.
    expect(await events().getJob(slow!.id)).toBeUndefined();
    expect(posts('CSLOW')).toHaveLength(1);
  }, 20_000);

  it('removes the consumers of processes that stopped with nothing pending, and keeps one that has entries pending', async () => {
    await watch('CCONS');
    expect((await postWebhook(fixture.bot().url, customEvent(1, 'CCONS'))).status).toBe(200);
    expect(await readByDeadConsumer(1)).toHaveLength(1);
    await services().redis.xgroup('CREATECONSUMER', lane(), 'relay', 'stopped-consumer');
    const consumers = async () => ((await services().redis.xinfo('CONSUMERS', lane(), 'relay')) as string[][]).map((c) => c[c.indexOf('name') + 1]!);
    expect(await consumers()).toEqual(expect.arrayContaining(['dead-consumer', 'stopped-consumer']));
    // Entries are not reclaimed within the test: the dead consumer's entry stays pending under its name.
    running.push(startEventLanes(services(), relayProcessor.lane!, 4, { claimEveryMs: 100, claimMinIdleMs: 60_000, consumerGoneMs: 200 }));
    await until('the stopped consumer removed', async () => !(await consumers()).includes('stopped-consumer') || undefined, 3_000, 20);
    expect(await consumers()).toContain('dead-consumer');
    expect(await pendingEvents()).toHaveLength(1);
  });

  it('stops with every entry it read relayed and acknowledged, the rest left for the next worker: nothing lost, nothing twice', async () => {
    // More events than the relay runs at once (32 in role web), one channel each so a channel's pace never folds them.
    const channels = Array.from({ length: 40 }, (_, n) => `CSTOP${n}`);
    for (const channel of channels) await watch(channel);
    const alerts = () => channels.flatMap((channel) => postedIds(channel));
    for (const [n, channel] of channels.entries()) expect((await postWebhook(fixture.bot().url, customEvent(n, channel))).status).toBe(200);
    // A slow Slack: the posts are in flight when the stop comes.
    fixture.slack().answerDelayMs = 500;
    try {
      const relay = startRelay();
      await until('posts under way', () => alerts().length >= 1 || undefined, 8_000, 10);
      await relay.stop();
      running = running.filter((r) => r !== relay);
      // Every run under way finished and was acknowledged before stop() returned; the rest were never read.
      const posted = alerts().length;
      expect(posted).toBeGreaterThan(0);
      expect(posted).toBeLessThan(40);
      expect(await pendingCount()).toBe(0);
      expect(await services().redis.xlen(lane())).toBe(40 - posted);
      startRelay();
      await until('all forty posted', () => alerts().length >= 40 || undefined, 20_000, 50);
      await eventsSettled(services(), 10_000);
      expect(alerts().sort()).toEqual(channels.map((_, n) => String(n)).sort());
    } finally {
      fixture.slack().answerDelayMs = 0;
    }
  }, 60_000);

  it('counts events in the lane as waiting in the queue gauge and the doctor, which calls a lane no worker reads stuck', async () => {
    expect((await postWebhook(fixture.bot().url, customEvent(1, 'CGAUGE'))).status).toBe(200);
    expect(await metricsText(services().jobs)).toContain('zoomops_queue_jobs{queue="events",state="waiting"} 1');
    const fresh = (await runtimeChecks(services())).find((l) => l.what.startsWith('Queue `events`:'));
    expect(fresh).toMatchObject({ ok: true, what: expect.stringMatching(/^Queue `events`: no failed jobs, 1 waiting, the oldest for 0 min\.$/) });
    // An entry accepted 20 minutes ago and still there (a stream's IDs only grow, so it is alone): no worker reads the lane.
    await clearEvents(services());
    await services().redis.xadd(lane(), `${Date.now() - 20 * 60_000}-0`, 'evt', 'evt-old-1', 'data', '{}');
    const stuck = (await runtimeChecks(services())).find((l) => l.what.startsWith('Queue `events`:'));
    expect(stuck).toMatchObject({ ok: false, what: expect.stringMatching(/the oldest for 20 min/) });
  });
});
