// End to end with the events spread over shards (ZOOMOPS_EVENT_SHARDS=4) on real Redis: events an earlier version
// queued on `events` are still relayed after the upgrade, a meeting's later events thread under its first one
// whatever shard the instance has, and a burst folded into a digest from several shards is marked delivered.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventQueueName, shardOf } from '../../src/jobs/event-shards.js';
import { relayProcessor } from '../../src/jobs/relay.js';
import { RelayState } from '../../src/jobs/relay-state.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { WatchStore, eventsOfTopic } from '../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../src/zoom/events.js';
import { useBotFixture } from '../helpers/bot.js';
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
    // …the instance's shard, not `events`.
    const onShard = await services().jobs.queue(eventQueueName(shardOf(uuid, SHARDS))).getJobs(['active', 'completed']);
    expect(onShard.map((j) => (j.data as { event: { event: string } }).event.event)).toEqual(['meeting.ended']);
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
});
