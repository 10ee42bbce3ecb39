// The automatic download of `watch recordings --download` on real Redis and BullMQ (no worker: the job stays queued)
// and a fake Slack: two runs of one event's relay job at once (a stalled job run again while the first still goes)
// start one download with one progress message, not two; a channel whose line cannot be posted costs no retry.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RelayJobData } from '../../../src/ingress/accept.js';
import { startAutoDownloads } from '../../../src/jobs/auto-download.js';
import { derivedJobId } from '../../../src/jobs/queues.js';
import { RelayState } from '../../../src/jobs/relay-state.js';
import type { Services } from '../../../src/services.js';
import { POST_LEASE_MS, singleTryClient } from '../../../src/slack/post-once.js';
import { WatchStore, eventsOfTopic } from '../../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../../src/zoom/events.js';
import { useJobFixture } from '../../helpers/jobs.js';
import { until } from '../../helpers/wait.js';
import { zoomEvent } from '../../helpers/zoom-events.js';

const fixture = useJobFixture('auto-download');

/** Channels that watch recordings with --download and already show the event's alert (each its own ts). */
async function watchedEvent(services: Services, channels: readonly string[]): Promise<RelayJobData> {
  const event = zoomEvent('recording.completed') as unknown as ZoomEvent;
  const data: RelayJobData = { kind: 'event', key: eventIdentity(event), event, source: 'webhook', receivedAt: Date.now() };
  for (const [i, channel] of channels.entries()) {
    await new WatchStore(services.redis, services.keyPrefix).add(channel, {
      topic: 'recordings',
      events: eventsOfTopic('recordings'),
      narrowed: false,
      download: true,
      createdBy: 'UADMIN',
      zone: 'UTC',
      createdAt: new Date().toISOString(),
    });
    await new RelayState(services.redis, services.keyPrefix).recordPost(data.key, channel, `1773500000.00010${i}`);
  }
  return data;
}

/** The relay's poster, straight to the fake Slack. */
function poster(services: Services) {
  return async (channel: string, message: { text: string; thread_ts?: string }) => String((await singleTryClient(services).chat.postMessage({ channel, ...message })).ts);
}

describe('startAutoDownloads', () => {
  it('two runs of one event at once queue one job and open one progress message; the other run comes back later', async () => {
    const services = fixture.services();
    // Both runs find the alert in Slack already.
    const data = await watchedEvent(services, ['CDL']);
    const post = poster(services);

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

  it('a Redis error while pacing the line for another channel is logged, not a failed relay run: the download is under way', async () => {
    const real = fixture.services();
    const data = await watchedEvent(real, ['CDL1', 'CDL2']);
    // The second channel's pace cannot be read (Redis went away for a moment).
    const pacing = Object.create(real.pacing) as Services['pacing'];
    pacing.channel = (channel) => {
      const window = real.pacing.channel(channel);
      if (channel === 'CDL2') window.takeWithin = () => Promise.reject(new Error('Connection is closed.'));
      return window;
    };
    const warnings: Array<{ msg: string; channel?: string }> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    const services: Services = { ...real, pacing, log };

    expect(await startAutoDownloads(data, ['CDL1', 'CDL2'], services, poster(services))).toEqual({ later: false });

    const posted = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage');
    expect(posted.map((c) => c.body.channel)).toEqual(['CDL1']);
    expect(String(posted[0]!.body.text)).toMatch(/^Download the recordings of meeting .*: waiting for a worker$/);
    expect(await services.jobs.queue('downloads').getJobCountByTypes('waiting')).toBe(1);
    expect(warnings).toMatchObject([{ channel: 'CDL2', msg: 'could not tell a watching channel about its automatic download' }]);
  });

  it('never takes over a job of other files that holds the event’s derived ID: the event gets a download of its own', async () => {
    const services = fixture.services();
    const data = await watchedEvent(services, ['CDL']);
    // Another event's download, kept for weeks, whose ID the derivation happens to give this event too.
    const taken = derivedJobId('downloads', `auto-download:${data.key}`);
    const other = {
      owner: { userId: 'UOTHER', description: 'Download the recordings of meeting 899 9999 9999', progress: { channel: 'UOTHER', ts: '1773400000.000100' } },
      meetingId: '89999999999',
      type: 'all',
    };
    await services.jobs.queue('downloads').add('download', other, { jobId: taken });

    expect(await startAutoDownloads(data, ['CDL'], services, poster(services))).toEqual({ later: false });

    const [progress, ...more] = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage');
    expect(more).toEqual([]);
    expect(progress!.body).toMatchObject({ channel: 'CDL', thread_ts: '1773500000.000100' });
    const jobId = /job `(dl-[0-9a-f]+)`/.exec(JSON.stringify(progress!.body.blocks))![1]!;
    // Twice as long as the IDs of downloads asked for by hand (dl- and 8 hex digits), so it is never one of theirs.
    expect(jobId).toMatch(/^dl-[0-9a-f]{16}$/);
    expect(jobId).not.toBe(taken);
    const event = data.event.payload.object as { uuid: string };
    expect((await services.jobs.find(jobId))!.data).toMatchObject({ meetingId: event.uuid, type: 'all', owner: { userId: 'UADMIN' } });
    expect((await services.jobs.find(taken))!.data).toEqual(other);
    // A later run of the relay job finds the event's own download, not the other one.
    expect(await new RelayState(services.redis, services.keyPrefix).download(data.key)).toEqual({ jobId, shownIn: { CDL: 'progress' } });
  });

  it('a run whose claim ran out while Slack held the progress post comes back later instead of posting a second one', async () => {
    const services = fixture.services();
    const data = await watchedEvent(services, ['CDL']);
    // Slack takes the first run's progress post at once but answers 2 s later.
    fixture.slack().interruptions.push({ method: 'chat.postMessage', match: (c) => c.body.channel === 'CDL', delayMs: 2_000 });
    const first = startAutoDownloads(data, ['CDL'], services, poster(services));
    await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL');
    await services.redis.del(`{${services.keyPrefix}:relay}:download:${data.key}:claim`);
    // The relay job runs again meanwhile: it takes the expired claim, but the progress post is still under way: the
    // job comes back once that try's lease is over, not every few seconds before.
    const again = await startAutoDownloads(data, ['CDL'], services, poster(services));
    expect(again).toEqual({ later: true, tryEndsInMs: expect.any(Number) });
    expect(again.tryEndsInMs).toBeGreaterThan(POST_LEASE_MS - 3_000);
    expect(again.tryEndsInMs).toBeLessThanOrEqual(POST_LEASE_MS);
    expect(await first).toEqual({ later: false });

    const posts = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL');
    expect(posts).toHaveLength(1);
    const jobs = await services.jobs.queue('downloads').getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data.owner.progress).toEqual({ channel: 'CDL', ts: fixture.slack().history.get('CDL')!.at(-1)!.ts });
    expect(fixture.slack().calls.filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(await new RelayState(services.redis, services.keyPrefix).download(data.key)).toEqual({ jobId: jobs[0]!.id, shownIn: { CDL: 'progress' } });
  });

  it('Slack takes the progress post but the connection drops before its answer: the run looks in the thread, one message', async () => {
    const services = fixture.services();
    const data = await watchedEvent(services, ['CDL']);
    fixture.slack().interruptions.push({ method: 'chat.postMessage', match: (c) => c.body.channel === 'CDL', drop: true });

    // The try's lease (15 s) is waited out, then the thread is searched for the post's metadata.
    expect(await startAutoDownloads(data, ['CDL'], services, poster(services))).toEqual({ later: false });

    expect(fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL')).toHaveLength(1);
    expect(fixture.slack().calls.filter((c) => c.method === 'conversations.replies' && c.body.channel === 'CDL' && c.body.ts === '1773500000.000100')).toHaveLength(1);
    const jobs = await services.jobs.queue('downloads').getJobs(['waiting']);
    expect(jobs.map((j) => j.data.owner.progress)).toEqual([{ channel: 'CDL', ts: fixture.slack().history.get('CDL')!.at(-1)!.ts }]);
  }, 30_000);

  it('a line naming the download whose answer was lost is looked for in the thread when the relay job comes back: one line', async () => {
    const services = fixture.services();
    const data = await watchedEvent(services, ['CDL1', 'CDL2']);
    // The second channel's line is taken by Slack, but the connection drops before its answer.
    fixture.slack().interruptions.push({ method: 'chat.postMessage', match: (c) => c.body.channel === 'CDL2', drop: true });
    const post = poster(services);
    // The line is in doubt: the relay job comes back for it (a run within the try's lease waits too).
    expect(await startAutoDownloads(data, ['CDL1', 'CDL2'], services, post)).toEqual({ later: true });
    // The run within the lease says when the try is over, so the relay job comes back then (not every 1–3 s).
    const within = await startAutoDownloads(data, ['CDL1', 'CDL2'], services, post);
    expect(within).toEqual({ later: true, tryEndsInMs: expect.any(Number) });
    expect(within.tryEndsInMs).toBeGreaterThan(POST_LEASE_MS - 3_000);
    expect(within.tryEndsInMs).toBeLessThanOrEqual(POST_LEASE_MS);
    await until('the line found in the thread', async () => (await startAutoDownloads(data, ['CDL1', 'CDL2'], services, post)).later === false, 25_000, 1_000);

    const lines = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL2');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.body).toMatchObject({ thread_ts: '1773500000.000101', metadata: { event_type: 'zoomops_delivery' } });
    expect(fixture.slack().calls.filter((c) => c.method === 'conversations.replies' && c.body.channel === 'CDL2')).toHaveLength(1);
    const recorded = await new RelayState(services.redis, services.keyPrefix).download(data.key);
    expect(recorded.shownIn).toEqual({ CDL1: 'progress', CDL2: fixture.slack().history.get('CDL2')!.at(-1)!.ts });
  }, 40_000);
});
