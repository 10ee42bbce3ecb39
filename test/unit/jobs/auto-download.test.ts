// The automatic download of `watch recordings --download` on real Redis and BullMQ (no worker: the job stays queued)
// and a fake Slack: two runs of one event's relay job at once (a stalled job run again while the first still goes)
// start one download with one progress message, not two.
import { describe, expect, it } from 'vitest';
import type { RelayJobData } from '../../../src/ingress/accept.js';
import { startAutoDownloads } from '../../../src/jobs/auto-download.js';
import { RelayState } from '../../../src/jobs/relay-state.js';
import { WatchStore, eventsOfTopic } from '../../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../../src/zoom/events.js';
import { useJobFixture } from '../../helpers/jobs.js';
import { zoomEvent } from '../../helpers/zoom-events.js';

const fixture = useJobFixture('auto-download');

describe('startAutoDownloads', () => {
  it('two runs of one event at once queue one job and open one progress message; the other run comes back later', async () => {
    const services = fixture.services();
    await new WatchStore(services.redis, services.keyPrefix).add('CDL', {
      topic: 'recordings',
      events: eventsOfTopic('recordings'),
      narrowed: false,
      download: true,
      createdBy: 'UADMIN',
      zone: 'UTC',
      createdAt: new Date().toISOString(),
    });
    const event = zoomEvent('recording.completed') as unknown as ZoomEvent;
    const data: RelayJobData = { kind: 'event', key: eventIdentity(event), event, source: 'webhook', receivedAt: Date.now() };
    // Both runs find the alert in Slack already.
    await new RelayState(services.redis, services.keyPrefix).recordPost(data.key, 'CDL', '1773500000.000100');
    const post = async (channel: string, message: { text: string; thread_ts?: string }) => String((await services.slack.chat.postMessage({ channel, ...message })).ts);

    const outcomes = await Promise.all([startAutoDownloads(data, ['CDL'], services, post), startAutoDownloads(data, ['CDL'], services, post)]);

    const inThread = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL');
    expect(inThread).toHaveLength(1);
    expect(inThread[0]!.body.thread_ts).toBe('1773500000.000100');
    expect(fixture.slack().calls.filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(await services.jobs.queue('downloads').getJobCountByTypes('waiting', 'delayed', 'active')).toBe(1);
    expect(outcomes.map((o) => o.later).sort()).toEqual([false, true]);

    // The run that came back later finds the job recorded: nothing more is posted or queued.
    expect(await startAutoDownloads(data, ['CDL'], services, post)).toEqual({ later: false });
    expect(fixture.slack().calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });
});
