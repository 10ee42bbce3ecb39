// WatchStore on real Redis: the per-channel list and the per-event index stay one truth even when two admins
// change one channel's watches at the same moment.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { WatchStore, eventsOfTopic, type Watch } from '../../../src/slack/watches.js';
import type { WatchTopic } from '../../../src/zoom/events.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('watches');
const store = new WatchStore(redis, prefix);
const watch = (topic: WatchTopic, zone = 'Europe/Berlin'): Watch => ({ topic, events: eventsOfTopic(topic), narrowed: false, createdBy: 'UADMIN', zone, createdAt: '2026-01-01T00:00:00Z' });

beforeEach(() => clearPrefix(redis, prefix));
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

describe('WatchStore', () => {
  it('keeps both of two watches added to one channel at the same moment, and a remove then clears its events', async () => {
    await Promise.all([store.add('C1', watch('meetings')), store.add('C1', watch('recordings'))]);
    expect((await store.ofChannel('C1')).map((w) => w.topic).sort()).toEqual(['meetings', 'recordings']);
    expect(await store.channelsFor('meeting.started')).toEqual([{ channel: 'C1', zone: 'Europe/Berlin' }]);
    expect(await store.channelsFor('recording.completed')).toEqual([{ channel: 'C1', zone: 'Europe/Berlin' }]);

    const [removed] = await Promise.all([store.remove('C1', 'meetings'), store.add('C1', watch('phone'))]);
    expect(removed?.topic).toBe('meetings');
    expect(await store.channelsFor('meeting.started')).toEqual([]);
    expect((await store.ofChannel('C1')).map((w) => w.topic).sort()).toEqual(['phone', 'recordings']);
    expect(await store.channelsFor('phone.callee_missed')).toEqual([{ channel: 'C1', zone: 'Europe/Berlin' }]);
  });

  it('returns the watch an add replaced, and keeps an event indexed while another watch still covers it', async () => {
    await store.add('C1', watch('meetings'));
    await store.add('C1', { ...watch('events'), events: ['meeting.started'] });
    const replaced = await store.add('C1', watch('meetings', 'Asia/Tokyo'));
    expect(replaced?.zone).toBe('Europe/Berlin');
    await store.remove('C1', 'meetings');
    expect(await store.channelsFor('meeting.ended')).toEqual([]);
    expect((await store.channelsFor('meeting.started')).map((c) => c.channel)).toEqual(['C1']);
    expect(await store.remove('C1', 'meetings')).toBeUndefined();
  });

  it('removes every watch of a channel even while another is being added elsewhere', async () => {
    await Promise.all([store.add('C1', watch('meetings')), store.add('C1', watch('recordings')), store.add('C2', watch('meetings'))]);
    expect(await store.removeChannel('C1')).toBe(2);
    expect(await store.channelsFor('recording.completed')).toEqual([]);
    expect(await store.channelsFor('meeting.started')).toEqual([{ channel: 'C2', zone: 'Europe/Berlin' }]);
    expect(await store.channels()).toEqual(['C2']);
    expect(await store.removeAll()).toBe(1);
    expect(await store.channels()).toEqual([]);
  });
});
