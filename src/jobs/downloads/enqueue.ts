// Asking for a recording download (from a command, a button or a watch's automatic download): the job is queued with
// its progress message opened, and the same files asked for twice join one job.
import type { z } from 'zod';
import type { Services } from '../../services.js';
import type { SlackMessage } from '../../views/blocks.js';
import { formatMeetingId } from '../../views/format.js';
import { autoDownloadNote, downloadProgressMessage } from '../../views/recordings.js';
import { postProgressMessage, type MessageRef } from '../progress.js';
import { KEEP_FINISHED, newJobId, type JobOwner } from '../queues.js';
import { DownloadJobData, type DownloadType } from './data.js';

export interface DownloadRequest {
  /** The Slack user who owns the job (audit, `/zoom jobs`) and, unless `progressIn` says otherwise, sees progress in a DM. */
  userId: string;
  /** A channel's thread for the progress message instead of the owner's DM (a watch's automatic download). */
  progressIn?: { channel: string; threadTs?: string };
  meetingId: string;
  fileId?: string;
  type?: DownloadType;
  /** Channel to upload the files into (--share). */
  shareChannel?: string;
  /** Channel a Share to Slack button posts into. */
  originChannel?: string;
  /** The alert whose Download button started it: Share to Slack offers its thread first. */
  originThreadTs?: string;
  /** recording.completed's `download_token`. */
  downloadToken?: string;
  /** One line for `/zoom jobs`; a sensible one is made when absent. */
  description?: string;
  /** The job's ID when it must be this one (derivedJobId: an event's automatic download); a new one otherwise. */
  jobId?: string;
}

export interface EnqueuedDownload {
  jobId: string;
  /** The same files were already queued or running as another job (`jobId`), which this request joined. */
  joined: boolean;
  /** Who started the joined job by hand: its progress is in their DM. */
  startedBy?: string;
  /** The joined job is a watch's automatic download: its progress is in a thread of this channel. */
  progressChannel?: string;
  /** The message this request opened: its progress message, or, when joined, the line naming the other job. */
  message: MessageRef;
}

/**
 * Enqueues a download and opens its progress message (in the owner's DM, or `progressIn`); returns the job ID at once.
 * The same files asked for again while a job for them is queued or running (Download clicked twice) join that job:
 * that ID is returned with `joined`, and the second progress message then says which job has it (in a channel, who
 * started it, or which channel's thread has its progress when it is a watch's automatic download). So does a request
 * given a `jobId` another call queued first (two runs of an event's relay job). A request with --share joins only a
 * job that shares into the same channel: otherwise it is a job of its own, which waits for the file's lock (see
 * file-step.ts) and then shares what the other job saved, fetching nothing twice.
 */
export async function enqueueRecordingDownload(services: Services, request: DownloadRequest): Promise<EnqueuedDownload> {
  const jobId = request.jobId ?? newJobId('downloads');
  const description = request.description ?? describeDownload(request);
  const progress = await postProgressMessage(services, jobId, request.progressIn ?? request.userId, downloadProgressMessage({ jobId, description, state: 'queued' }));
  const owner: JobOwner = { userId: request.userId, description, progress, ...(request.progressIn ? { inChannel: true } : {}) };
  const data: DownloadJobData = {
    owner,
    meetingId: request.meetingId,
    type: request.type ?? 'all',
    ...(request.fileId ? { fileId: request.fileId } : {}),
    ...(request.shareChannel ? { share: { channel: request.shareChannel } } : {}),
    ...(request.originChannel ? { origin: { channel: request.originChannel, ...(request.originThreadTs ? { threadTs: request.originThreadTs } : {}) } } : {}),
    ...(request.downloadToken ? { downloadToken: request.downloadToken } : {}),
  };
  const job = await services.jobs.queue('downloads').add('download', data, {
    jobId,
    // Without a ttl BullMQ keeps the key until the job completes or fails, i.e. exactly while it may write.
    deduplication: { id: downloadKey(request) },
    attempts: 5,
    backoff: { type: 'exponential', delay: 30_000 },
    ...KEEP_FINISHED,
  });
  // BullMQ answers with the job already under the ID (a given ID another call queued first, or the job holding the
  // same files' dedupe key) and says nothing more: the job is this call's only if it carries this call's message.
  const runningId = String(job.id);
  const running = (await queuedDownload(services, runningId)) ?? undefined;
  const ours = !running?.owner.progress || (running.owner.progress.channel === progress.channel && running.owner.progress.ts === progress.ts);
  if (runningId === jobId && ours) return { jobId, joined: false, message: progress };
  const joined = joinedJob(running?.owner);
  const told: SlackMessage = request.progressIn
    ? autoDownloadNote({ jobId: runningId, command: services.config.slack.command, ...joined })
    : { text: `This download is already queued or running as job ${runningId}; its own progress message shows where it is, and nothing is fetched twice.` };
  await services.slack.chat
    .update({ ...progress, text: told.text, blocks: told.blocks ?? [] })
    .catch((error: unknown) => services.log.warn({ err: error }, 'could not retire a duplicate progress message'));
  return { jobId: runningId, joined: true, ...joined, message: progress };
}

/** Where the progress of a joined job shows: a watch's automatic download in a channel's thread, else its owner's DM. */
function joinedJob(owner: DownloadJobData['owner'] | undefined): Pick<EnqueuedDownload, 'startedBy' | 'progressChannel'> {
  if (!owner) return {};
  return owner.inChannel && owner.progress ? { progressChannel: owner.progress.channel } : { startedBy: owner.userId };
}

const QueuedDownload = DownloadJobData.pick({ owner: true, meetingId: true, fileId: true, type: true });
export type QueuedDownload = z.infer<typeof QueuedDownload>;

/**
 * Whose download job this is, where its progress shows, and which files it takes; undefined when there is no job with
 * this ID, null when the job under it is not a download's.
 */
export async function queuedDownload(services: Services, jobId: string): Promise<QueuedDownload | null | undefined> {
  const job = await services.jobs.queue('downloads').getJob(jobId);
  if (!job) return undefined;
  const queued = QueuedDownload.safeParse(job.data);
  return queued.success ? queued.data : null;
}

/** The files a request writes: one file of a meeting, or one type (or all) of its files. */
function downloadKey(request: Pick<DownloadRequest, 'meetingId' | 'fileId' | 'type' | 'shareChannel'>): string {
  const files = request.fileId ? `file-${request.meetingId}-${request.fileId}` : `type-${request.meetingId}-${request.type ?? 'all'}`;
  return request.shareChannel ? `${files}-share-${request.shareChannel}` : files;
}

export function describeDownload(
  request: Pick<DownloadRequest, 'meetingId' | 'fileId' | 'type' | 'shareChannel'>,
  meeting: { number?: string; topic?: string } = {},
): string {
  const what = request.fileId ? 'one recording file' : request.type && request.type !== 'all' ? `the ${request.type} recordings` : 'the recordings';
  // A button names the meeting by topic and number; a UUID alone (an instance) is no name for a person to read.
  const id = formatMeetingId(meeting.number ?? request.meetingId);
  const of = meeting.topic ? `${meeting.topic} (${id})` : `meeting ${id}`;
  return `Download ${what} of ${of}${request.shareChannel ? ' and share them' : ''}`;
}
