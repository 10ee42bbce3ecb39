// End to end with the events spread over shards (ZOOMOPS_EVENT_SHARDS=4) on real Redis: events an earlier version
// queued on `events` are still relayed after the upgrade, a meeting's later events thread under its first one
// whatever shard the instance has, a burst folded into a digest from several shards is marked delivered, and events
// accepted under 4 shards are relayed once each by workers that run with 1 (no lane stranded, no state moved).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardOf } from '../../src/jobs/event-shards.js';
import { laneKey } from '../../src/jobs/event-lane-keys.js';
import { createServices } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { relayProcessor } from '../../src/jobs/relay.js';
import { RelayState } from '../../src/jobs/relay-state.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { WatchStore, eventsOfTopic } from '../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../src/zoom/events.js';
import { testConfig, useBotFixture } from '../helpers/bot.js';
import { clearEvents } from '../helpers/jobs.js';
import { until } from '../helpers/wait.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

const SHARDS = 4;
const fixture = useBotFixture({
  name: 'e2e-event-shards',
  users: [],
  env: { ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET, ZOOMOPS_ROLE: 'web', ZOOMOPS_EVENT_SHARDS: String(SHARDS) },
});
const services = () => fixture.bot().bot.services;
let workers: RunningWorkers | undefined;

const posts = (channel: string) => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
/** A meeting instance whose events the bot routes to a shard other than 0 (the only queue of earlier versions). */
const instanceOffShard0 = (tag: string) => Array.from({ length: 64 }, (_, i) => `${tag}-${i}==`).find((u) => shardOf(u, SHARDS) !== 0)!;
const meeting = (name: string, uuid: string) => zoomEvent(name, (e) => (e.payload.object.uuid = uuid));

beforeEach(async () => {
  await new WatchStore(services().redis, services().keyPrefix).add('CSHARD', {
    topic: 'meetings',
    events: eventsOfTopic('meetings'),
    narrowed: false,
    createdBy: 'UADMIN',
    zone: 'UTC',
    createdAt: '2026-01-01T00:00:00Z',
  });
});
afterEach(async () => {
  await workers?.stop();
  workers = undefined;
  await clearEvents(services());
});

describe('event shards', () => {
  it('relays events an earlier version queued on `events`, and threads the instance’s later events under them', async () => {
    const uuid = instanceOffShard0('upgrade');
    const started = meeting('meeting.started', uuid);
    // As the one-queue version stored it: on `events`, whatever shard the instance has now.
    await services().jobs.queue('events').add('Zoom event meeting.started', {
      kind: 'event',
      key: eventIdentity(started as ZoomEvent),
      event: started,
      source: 'webhook',
      receivedAt: Date.now(),
    }, { jobId: 'evt-0123456789ab-1' });
    workers = startWorkers([relayProcessor], services());
    const first = await until('the queued alert in Slack', () => posts('CSHARD')[0], 10_000);
    expect(first.body.text).toMatch(/^:large_green_circle: Meeting started: My Meeting/);
    expect(first.body.thread_ts).toBeUndefined();

    expect((await postWebhook(fixture.bot().url, meeting('meeting.ended', uuid))).status).toBe(200);
    const ended = await until('the ended alert in Slack', () => posts('CSHARD')[1], 10_000);
    expect(ended.body.text).toMatch(/Meeting ended: My Meeting/);
    // The later event came through its own shard and still found the instance's thread.
    expect(ended.body.thread_ts).toBe((await until('the first post’s answer', () => fixture.slack().history.get('CSHARD')?.[0]))!.ts);
    expect(await services().jobs.find('evt-0123456789ab-1')).toMatchObject({ queueName: 'events' });
    // …through the instance's shard's lane, not `events`: that lane's group has read one entry, and it is gone (acked).
    const lane = laneKey(services().keyPrefix, shardOf(uuid, SHARDS));
    const [group] = (await services().redis.xinfo('GROUPS', lane)) as unknown[][];
    expect(group![group!.indexOf('entries-read') + 1]).toBe(1);
    await until('the lane entry acknowledged and deleted', async () => (await services().redis.xlen(lane)) === 0, 5_000, 50);
  });

  it('marks a burst folded from several shards delivered once its digest is in Slack', async () => {
    // Someone else is posting into the channel: each alert waits longer than the relay does, so they fold.
    await services().pacing.channel('CSHARD').pause(4_000);
    const uuids = Array.from({ length: 8 }, (_, i) => `burst-${i}==`);
    expect(new Set(uuids.map((u) => shardOf(u, SHARDS))).size).toBeGreaterThan(1);
    workers = startWorkers([relayProcessor], services());
    for (const uuid of uuids) expect((await postWebhook(fixture.bot().url, meeting('meeting.started', uuid))).status).toBe(200);
    const state = new RelayState(services().redis, services().keyPrefix, SHARDS);
    const keys = uuids.map((uuid) => eventIdentity(meeting('meeting.started', uuid) as ZoomEvent));
    // Delivered: each event's record names a message's ts (the digest's), none is left `folded:` only.
    await until('every event recorded under a message', async () => (await Promise.all(keys.map((k) => state.postedIn(k, 'CSHARD')))).every((ts) => ts && /^\d+\.\d+$/.test(ts)), 20_000, 100);
    const digest = fixture.slack().calls.filter((c) => ['chat.postMessage', 'chat.update'].includes(c.method) && c.body.channel === 'CSHARD' && /^8 Zoom events/.test(String(c.body.text)));
    expect(digest.length).toBeGreaterThan(0);
  });

  it('shows an event marked folded whose digest never got it (a run stopped between the two writes)', async () => {
    const state = new RelayState(services().redis, services().keyPrefix, SHARDS);
    const other = meeting('meeting.started', 'stopped-other==');
    const event = meeting('meeting.started', 'stopped-mid-fold==');
    const key = eventIdentity(event as ZoomEvent);
    // A digest open in the channel with one event; this event only marked as folded into it, as a stop leaves it.
    const id = await state.fold('CSHARD', eventIdentity(other as ZoomEvent), 'meeting.started', 'other', Date.now());
    await services().redis.hset(`{${services().keyPrefix}:relay${shardOf(key, SHARDS) ? `-${shardOf(key, SHARDS)}` : ''}}:posted:${key}`, 'CSHARD', `folded:${id}`);
    expect(await state.postedIn(key, 'CSHARD')).toBe(`folded:${id}`);
    expect((await state.digest('CSHARD', id)).unshown).toEqual([eventIdentity(other as ZoomEvent)]);
    workers = startWorkers([relayProcessor], services());
    expect((await postWebhook(fixture.bot().url, event)).status).toBe(200);
    // Folded again into that digest, which goes to Slack showing both, and the event is recorded under its message.
    const ts = await until('the event recorded under the digest’s message', async () => {
      const posted = await state.postedIn(key, 'CSHARD');
      return posted && /^\d+\.\d+$/.test(posted) ? posted : undefined;
    }, 12_000, 100);
    expect((await state.digest('CSHARD', id)).ts).toBe(ts);
    expect(posts('CSHARD').filter((c) => !/^\d+ Zoom events/.test(String(c.body.text)))).toEqual([]);
  });

  it('relays events accepted under 4 shards once each when the workers run with 1, their relay state where it was', async () => {
    // Three instances on three shards (posted a second apart at the channel's pace, so none folds into a digest), two of
    // them on shards a 1-shard worker would not read on its own.
    // A channel of its own: the tests before leave CSHARD's pace spent and a digest open there, where alerts would fold.
    const watches = new WatchStore(services().redis, services().keyPrefix);
    await watches.remove('CSHARD', 'meetings');
    await watches.add('CSHRINK', { topic: 'meetings', events: eventsOfTopic('meetings'), narrowed: false, createdBy: 'UADMIN', zone: 'UTC', createdAt: '2026-01-01T00:00:00Z' });
    const candidates = Array.from({ length: 64 }, (_, i) => `shrink-${i}==`);
    const uuids = [0, 1, 2].map((shard) => candidates.find((u) => shardOf(u, SHARDS) === shard)!);
    expect(uuids.every(Boolean)).toBe(true);
    // Each alert names its instance; Slack refuses the first post of the one on shard 2 once (a 5xx).
    const named = (uuid: string) => zoomEvent('meeting.started', (e) => Object.assign(e.payload.object, { uuid, topic: `Topic ${uuid}` }));
    fixture.slack().failures.push({ method: 'chat.postMessage', status: 500, body: { ok: false, error: 'internal_error' }, match: (c) => String(c.body.text).includes(uuids[2]!) });
    for (const uuid of uuids) expect((await postWebhook(fixture.bot().url, named(uuid))).status).toBe(200);
    // The 4-shard web keeps taking events; the workers were redeployed with ZOOMOPS_EVENT_SHARDS=1.
    const shrunk = createServices({ config: testConfig(fixture.slack().apiUrl, { ZOOMOPS_EVENT_SHARDS: '1' }), redis: services().redis, log: silentLogger, keyPrefix: services().keyPrefix });
    expect(shrunk.config.eventShards).toBe(1);
    workers = startWorkers([relayProcessor], shrunk);
    try {
      const keys = uuids.map((uuid) => eventIdentity(named(uuid) as ZoomEvent));
      // The refused one is retried as a job of `events`, the one queue a 1-shard worker runs (not of `events-2`).
      const retried = await until('the retry job completed', async () => (await shrunk.jobs.queue('events').getJobs(['completed'])).find((j) => j.data.key === keys[2]), 15_000, 50);
      expect(retried.data.shards).toBe(SHARDS);
      await until('an alert per event', () => (fixture.slack().history.get('CSHRINK')?.length ?? 0) >= uuids.length || undefined, 10_000, 50);
      // Recorded on the slots of the count the events were accepted under, where a second run would look.
      const state = new RelayState(services().redis, services().keyPrefix, SHARDS);
      expect((await Promise.all(keys.map((k) => state.postedIn(k, 'CSHRINK')))).every((ts) => ts && /^\d+\.\d+$/.test(ts))).toBe(true);
      await until('every lane empty', async () => (await Promise.all(Array.from({ length: SHARDS }, (_, s) => services().redis.xlen(laneKey(services().keyPrefix, s))))).every((n) => n === 0), 5_000, 50);
      expect(posts('CSHRINK').filter((c) => String(c.body.text).includes(uuids[2]!))).toHaveLength(2);
      expect(fixture.slack().history.get('CSHRINK')).toHaveLength(uuids.length);
    } finally {
      await workers.stop();
      workers = undefined;
      await shrunk.jobs.close();
    }
  });
});
