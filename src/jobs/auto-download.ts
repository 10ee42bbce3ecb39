// Automatic downloads of `/zoom watch recordings --download`: once the relay has put a recording alert into a channel
// that watches with --download, one download job per event (however many channels watch), its progress message in
// the thread of one channel's alert and a line naming the job in the others'. No admin asked in person, so the job
// belongs to the admin who set the watch up, and its progress shows where the alert is, not in anyone's DM.
import type { RelayJobData } from '../ingress/accept.js';
import type { Services } from '../services.js';
import { WatchStore, type Watch } from '../slack/watches.js';
import { autoDownloadNote } from '../views/recordings.js';
import { EventRecording } from '../zoom/event-objects.js';
import { meetingInstanceOf } from '../zoom/events.js';
import { describeDownload, enqueueRecordingDownload, type DownloadType } from './downloads/job.js';
import { RelayState } from './relay-state.js';

/**
 * The events that start a download, and which files. `recording.completed` takes every file, as
 * `/zoom recordings download` and the alert's Download button do (so a click on that button joins the automatic job
 * rather than fetching twice). Zoom makes the audio transcript after the recording and announces it with
 * `recording.transcript_completed`, whose download takes the transcript files only (any already saved are not
 * fetched again).
 */
export const AUTO_DOWNLOAD_EVENTS: Readonly<Record<string, DownloadType>> = {
  'recording.completed': 'all',
  'recording.transcript_completed': 'transcript',
};

/** Posts one message into a channel (the relay's poster, which honours 429s for every process); resolves with its ts. */
type Post = (channel: string, message: { text: string; blocks?: unknown[]; thread_ts?: string }) => Promise<string>;

interface Ready {
  channel: string;
  watch: Watch;
  /** The thread the download's messages go into: the meeting instance's, else the alert itself. */
  thread: string;
}

/**
 * Starts the event's download if a channel that shows its alert asked for one, and tells each such channel. Called
 * after every delivery attempt with the channels the event goes to: channels whose alert is not in Slack yet are
 * served by a later attempt.
 */
export async function startAutoDownloads(data: RelayJobData, channels: readonly string[], services: Services, post: Post): Promise<void> {
  const type = AUTO_DOWNLOAD_EVENTS[data.event.event];
  if (!type || channels.length === 0) return;
  const recording = EventRecording.safeParse(data.event.payload.object);
  // The instance (UUID) first: a meeting ID would mean its newest instance, which may be a later one by then.
  const meetingId = recording.success ? (recording.data.uuid ?? recording.data.id) : undefined;
  if (!recording.success || !meetingId) return;
  const state = new RelayState(services.redis, services.keyPrefix);
  const ready = await readyChannels(data, channels, services, state);
  if (ready.length === 0) return;

  let { jobId, shownIn } = await state.download(data.key);
  if (!jobId) {
    const owner = ready[0]!;
    const shownId = recording.data.id ?? meetingId;
    await services.pacing.channel(owner.channel).take();
    jobId = await enqueueRecordingDownload(services, {
      userId: owner.watch.createdBy,
      meetingId,
      type,
      progressIn: { channel: owner.channel, threadTs: owner.thread },
      originChannel: owner.channel,
      description: `${describeDownload({ meetingId: shownId, type })} (automatic: recordings watch)`,
    });
    await state.recordDownload(data.key, jobId, { channel: owner.channel, ts: 'progress' });
    shownIn = { ...shownIn, [owner.channel]: 'progress' };
  }
  const progressChannel = Object.entries(shownIn).find(([, ts]) => ts === 'progress')?.[0];
  for (const { channel, thread } of ready) {
    if (shownIn[channel]) continue;
    const note = autoDownloadNote({ jobId, ...(progressChannel ? { progressChannel } : {}) });
    // A line that could not be posted is not worth repeating the relay job for: the download runs either way.
    try {
      await services.pacing.channel(channel).take();
      const ts = await post(channel, { ...note, thread_ts: thread });
      await state.recordDownload(data.key, jobId, { channel, ts });
    } catch (error) {
      services.log.warn({ err: error, channel, jobId }, 'could not tell a watching channel about its automatic download');
    }
  }
}

/** Channels that watch recordings with --download for this event and already show its alert, in the given order. */
async function readyChannels(data: RelayJobData, channels: readonly string[], services: Services, state: RelayState): Promise<Ready[]> {
  const watches = new WatchStore(services.redis, services.keyPrefix);
  const instance = meetingInstanceOf(data.event);
  const ready: Ready[] = [];
  for (const channel of channels) {
    const watch = await watches.ofTopic(channel, 'recordings');
    if (!watch?.download || !watch.events.includes(data.event.event)) continue;
    const posted = await state.postedIn(data.key, channel);
    // Not in Slack yet, or only inside a digest (an alert without buttons): nothing to reply under.
    if (!posted || !/^\d/.test(posted)) continue;
    ready.push({ channel, watch, thread: (instance ? await state.thread(channel, instance) : null) ?? posted });
  }
  return ready;
}
