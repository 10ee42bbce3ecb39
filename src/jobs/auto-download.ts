// Automatic downloads of `/zoom watch recordings --download`: once the relay has put a recording alert into a channel
// that watches with --download, one download job per event (however many channels watch), its progress message in
// the thread of one channel's alert and a line naming the job in the others'. No admin asked in person, so the job
// belongs to the admin who set the watch up, and its progress shows where the alert is, not in anyone's DM. When an
// admin is already downloading the same files by hand, the event joins that job and every channel gets a line naming
// it and who started it (its progress is in that admin's DM).
import type { RelayJobData } from '../ingress/accept.js';
import type { Services } from '../services.js';
import { MAX_PACE_WAIT_MS } from '../slack/pacing.js';
import { channelGoneReason, removeGoneChannel } from '../slack/gone-channels.js';
import { TryUnderWay, outcomeUnknown, postOnce, singleTryClient, tsOnly, type DeliveryMetadata } from '../slack/post-once.js';
import { WatchStore, type Watch } from '../slack/watches.js';
import { autoDownloadNote } from '../views/recordings.js';
import { EventRecording } from '../zoom/event-objects.js';
import { meetingInstanceOf } from '../zoom/events.js';
import type { DownloadType } from './downloads/data.js';
import { describeDownload, enqueueRecordingDownload, queuedDownload, type DownloadRequest, type QueuedDownload } from './downloads/enqueue.js';
import { derivedJobId } from './queues.js';
import { RelayState, type RecordedDownload } from './relay-state.js';

/**
 * The events that start a download, and which files. `recording.completed` takes every file, as
 * `/zoom recordings download` and the alert's Download button do (so a click on that button joins the automatic job
 * rather than fetching twice). Zoom makes the audio transcript after the recording and announces it with
 * `recording.transcript_completed`, whose download (and its alert's Download button) takes the transcript files only
 * (any already saved are not fetched again).
 */
export const AUTO_DOWNLOAD_EVENTS: Readonly<Record<string, DownloadType>> = {
  'recording.completed': 'all',
  'recording.transcript_completed': 'transcript',
};

/** Posts one message into a channel (the relay's poster, which honours 429s for every process); resolves with its ts. */
type Post = (channel: string, message: { text: string; blocks?: unknown[]; thread_ts?: string; metadata?: DeliveryMetadata }) => Promise<string>;

interface Ready {
  channel: string;
  watch: Watch;
  /** The thread the download's messages go into: the meeting instance's, else the alert itself. */
  thread: string;
}

/** What the relay does next: `later` moves its job to delayed (no attempt counted) and runs it again. */
export interface AutoDownloadOutcome {
  later: boolean;
  /** Another try of a message is under way for this long (its lease): the job comes back then, not sooner. */
  tryEndsInMs?: number;
}

interface Run {
  data: RelayJobData;
  services: Services;
  state: RelayState;
  /** Channels found gone in this run: their watches are removed, and nothing more is posted there. */
  gone: Set<string>;
}

/**
 * Starts the event's download if a channel that shows its alert asked for one, and tells each such channel. Called
 * after every delivery attempt with the channels the event goes to: channels whose alert is not in Slack yet are
 * served by a later attempt. A channel's saturated pace is never waited out inside the relay's slot: the outcome says
 * to come back later, and what is recorded (the job, each line posted) makes that run pick up where this one stopped.
 */
export async function startAutoDownloads(data: RelayJobData, channels: readonly string[], services: Services, post: Post): Promise<AutoDownloadOutcome> {
  const type = AUTO_DOWNLOAD_EVENTS[data.event.event];
  if (!type || channels.length === 0) return { later: false };
  const recording = EventRecording.safeParse(data.event.payload.object);
  // The instance (UUID) first: a meeting ID would mean its newest instance, which may be a later one by then.
  const meetingId = recording.success ? (recording.data.uuid ?? recording.data.id) : undefined;
  if (!recording.success || !meetingId) return { later: false };
  const run: Run = { data, services, state: new RelayState(services.redis, services.keyPrefix, data.shards ?? services.config.eventShards), gone: new Set() };
  const ready = await readyChannels(data, channels, services, run.state);
  if (ready.length === 0) return { later: false };

  const download = await startOnce(run, ready, {
    meetingId,
    type,
    description: `${describeDownload({ meetingId: recording.data.id ?? meetingId, type })} (automatic: recordings watch)`,
  });
  if (!download || 'tryEndsInMs' in download) return { later: true, ...(download ? download : {}) };
  if (!download.jobId) return { later: false };
  const { jobId, startedBy, shownIn } = download;
  const progressChannel = Object.entries(shownIn).find(([, ts]) => ts === 'progress')?.[0];
  // A job an admin started by hand shows its progress in their DM: the channels are told whose job it is, not where.
  const note = autoDownloadNote({ jobId, command: services.config.slack.command, ...(startedBy ? { startedBy } : progressChannel ? { progressChannel } : {}) });
  let later = false;
  let tryEndsInMs = 0;
  for (const { channel, thread } of ready) {
    if (shownIn[channel] || run.gone.has(channel)) continue;
    // A line Slack refused (or whose pace could not be read) is not worth repeating the relay job for: the download
    // runs either way.
    let posting = false;
    try {
      if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) {
        later = true;
        continue;
      }
      // Once, as an alert is: a try whose answer was lost is looked for in the thread before the line is posted again.
      posting = true;
      await postOnce(singleTryClient(services), services.log, {
        slot: run.state.downloadLineSlot(data.key, channel),
        deliveryKey: `auto-download:${data.key}:${channel}`,
        channel,
        threadTs: thread,
        send: async (metadata) => ({ channel, ts: await post(channel, { ...note, thread_ts: thread, metadata }) }),
        codec: tsOnly(channel),
      });
    } catch (error) {
      // A line that may be in Slack (or another run's try of it under way) is settled when the job comes back: found
      // in the thread, or posted.
      if (error instanceof TryUnderWay) tryEndsInMs = Math.max(tryEndsInMs, error.retryInMs);
      if (error instanceof TryUnderWay || (posting && outcomeUnknown(error))) later = true;
      else if (!(await removeIfGone(run, channel, error))) {
        services.log.warn({ err: error, channel, jobId }, 'could not tell a watching channel about its automatic download');
      }
    }
  }
  return { later, ...(tryEndsInMs > 0 ? { tryEndsInMs } : {}) };
}

/**
 * The event's one download, queued unless a run of this relay job already did. One run at a time (the event's claim)
 * reads, queues and records it, and the job's ID is derived from the event, so neither a stalled relay job run again
 * nor a crash between queueing and recording starts a second download. Its progress message goes into the thread of
 * the first ready channel that takes it: a channel Slack refuses (gone: its watches are removed) hands on to the next.
 * Undefined when this run must come back later (another run holds the claim, or the channel's pace is saturated), or
 * when a try of the progress message is under way; no job ID when every ready channel was gone.
 */
async function startOnce(run: Run, ready: readonly Ready[], what: Pick<DownloadRequest, 'meetingId' | 'type' | 'description'>): Promise<RecordedDownload | { tryEndsInMs: number } | undefined> {
  const { data, services, state } = run;
  const recorded = await state.download(data.key);
  if (recorded.jobId) return recorded;
  const claim = await state.claimDownload(data.key);
  if (!claim) return undefined;
  try {
    // Read again under the claim: the run that held it may have recorded the job just now.
    const now = await state.download(data.key);
    if (now.jobId) return now;
    const { jobId, queued } = await eventDownloadJob(run, what);
    if (queued?.owner.progress) {
      // Queued by a run that stopped before it could record the job.
      await state.recordDownload(data.key, { jobId }, { channel: queued.owner.progress.channel, ts: 'progress' });
      return state.download(data.key);
    }
    let refused: unknown;
    for (const { channel, watch, thread } of ready) {
      if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) return undefined;
      try {
        const started = await enqueueRecordingDownload(services, {
          ...what,
          jobId,
          userId: watch.createdBy,
          progressIn: { channel, threadTs: thread },
          originChannel: channel,
        });
        const job = { jobId: started.jobId, ...(started.startedBy ? { startedBy: started.startedBy } : {}) };
        await state.recordDownload(data.key, job, { channel, ts: started.joined ? started.message.ts : 'progress' });
        // Joined a watch's automatic download (another run of this relay job, or an event for the same files, queued
        // it first): that channel's thread has its progress.
        if (started.progressChannel) await state.recordDownload(data.key, job, { channel: started.progressChannel, ts: 'progress' });
        return state.download(data.key);
      } catch (error) {
        // A try of the progress message that may still be under way: this run comes back once it is over.
        if (error instanceof TryUnderWay) return { tryEndsInMs: error.retryInMs };
        // Only Slack refusing this channel's progress message hands on to the next; anything else fails the run.
        if (!isSlackRefusal(error)) throw error;
        if (!(await removeIfGone(run, channel, error))) {
          services.log.warn({ err: error, channel }, 'Slack refused the progress message of an automatic download; trying the next channel');
          refused = error;
        }
      }
    }
    // Every ready channel refused: the relay's retry tries them again (a gone one is no longer watching).
    if (refused) throw refused;
    return { shownIn: {} };
  } finally {
    await state.releaseDownloadClaim(data.key, claim);
  }
}

// Derivations tried before giving up: each is a fresh 64-bit ID, so a second one is already next to impossible.
const JOB_ID_DERIVATIONS = 3;

/**
 * The ID of the event's download job, derived from the event so that every run of its relay job finds the same one,
 * and the job already under it when that job downloads what this event asks for. An ID another job holds (a hash
 * collision with another event's, kept for weeks) is never taken over as this event's: the next derivation is used.
 */
async function eventDownloadJob(run: Run, what: Pick<DownloadRequest, 'meetingId' | 'type'>): Promise<{ jobId: string; queued?: QueuedDownload }> {
  for (let n = 0; n < JOB_ID_DERIVATIONS; n++) {
    const jobId = derivedJobId('downloads', `auto-download:${run.data.key}${n > 0 ? `#${n}` : ''}`);
    const queued = await queuedDownload(run.services, jobId);
    if (queued === undefined) return { jobId };
    if (queued && queued.meetingId === what.meetingId && queued.type === (what.type ?? 'all') && !queued.fileId) return { jobId, queued };
    run.services.log.warn({ jobId, eventKey: run.data.key }, 'the derived ID of an automatic download belongs to another job; deriving the next one');
  }
  throw new Error(`every derived ID of the automatic download of ${run.data.key} belongs to another job`);
}

/** A channel Slack says is gone loses its watches, as the relay does for an alert; true when it was gone. */
async function removeIfGone(run: Run, channel: string, error: unknown): Promise<boolean> {
  const reason = channelGoneReason(error);
  if (!reason) return false;
  run.gone.add(channel);
  await removeGoneChannel(run.services, channel, reason);
  return true;
}

function isSlackRefusal(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'slack_webapi_platform_error';
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
