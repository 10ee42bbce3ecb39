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
import { WatchStore, eventsOfTopic } from '../../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../../src/zoom/events.js';
import { useJobFixture } from '../../helpers/jobs.js';
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
  return async (channel: string, message: { text: string; thread_ts?: string }) => String((await services.slack.chat.postMessage({ channel, ...message })).ts);
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

  it('a run whose claim ran out while Slack held its progress post joins the job another run queued meanwhile, and says so', async () => {
    const real = fixture.services();
    const data = await watchedEvent(real, ['CDL']);
    // Slack keeps the first run's progress post waiting (429s, retried) for longer than the run's claim on the event.
    let reached!: () => void;
    const atPost = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstMessage: string | undefined;
    const chat: Services['slack']['chat'] = {
      ...real.slack.chat,
      postMessage: async (args) => {
        reached();
        await held;
        const posted = await real.slack.chat.postMessage(args);
        firstMessage = posted.ts;
        return posted;
      },
    };
    const slow = Object.create(real.slack, { chat: { value: chat } }) as Services['slack'];
    const first = startAutoDownloads(data, ['CDL'], { ...real, slack: slow }, poster(real));
    await atPost;
    await real.redis.del(`{${real.keyPrefix}:relay}:download:${data.key}:claim`);
    // The relay job runs again meanwhile: it takes the expired claim and queues the download with its own message.
    expect(await startAutoDownloads(data, ['CDL'], real, poster(real))).toEqual({ later: false });

    release();
    expect(await first).toEqual({ later: false });

    const jobs = await real.jobs.queue('downloads').getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    // The job's progress message is the second run's; the first run's own no longer says it waits for a worker.
    expect(job.data.owner.progress.ts).not.toBe(firstMessage);
    const updates = fixture.slack().calls.filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => [c.body.ts, c.body.text])).toEqual([
      [firstMessage, `:arrow_down: Downloading automatically as job \`${job.id}\`; its progress and where the files land are in the thread of this alert in <#CDL>.`],
    ]);
    expect(await new RelayState(real.redis, real.keyPrefix).download(data.key)).toEqual({ jobId: job.id, shownIn: { CDL: 'progress' } });
  });
});
