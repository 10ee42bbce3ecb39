// The recording download job ('downloads' queue): one meeting instance's files (all, some types, or one) streamed to
// ZOOMOPS_RECORDINGS_DIR, resumable at any point, with one progress message in the admin's DM and a summary that
// says where each file is (shared into the channel with --share, else a Share to Slack button).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Services } from '../../services.js';
import type { SlackMessage } from '../../views/blocks.js';
import { formatMeetingId } from '../../views/format.js';
import {
  SLACK_FILE_MAX_BYTES,
  autoDownloadNote,
  downloadProgressMessage,
  downloadSummaryMessage,
  formatSize,
} from '../../views/recordings.js';
import { pathsShownTo } from '../shown-paths.js';
import { downloadableFiles, getRecording, type RecordingFile } from '../../zoom/recordings.js';
import { postProgressMessage, ProgressMessage, type MessageRef } from '../progress.js';
import { KEEP_FINISHED, newJobId, type JobOwner } from '../queues.js';
import type { JobContext, JobProcessor } from '../workers.js';
import { downloadHosts } from './hosts.js';
import { recordingFileName, recordingFolderName } from './names.js';
import { downloadLockKey, pathLockHolder, takePathLock } from './path-lock.js';
import { shareFileInChannel } from './share.js';
import { singleTryClient } from '../../slack/post-once.js';
import { DownloadRefusedError, DownloadStoppedError, downloadFile, freeBytes, httpClient, type BearerSource } from './transfer.js';
import { countDownloadBytes, observeDownloadedFile } from '../../metrics.js';

export const DOWNLOAD_TYPES = ['mp4', 'm4a', 'transcript', 'chat', 'all'] as const;
export type DownloadType = (typeof DOWNLOAD_TYPES)[number];

const FILE_TYPES: Record<Exclude<DownloadType, 'all'>, readonly string[]> = {
  mp4: ['MP4'],
  m4a: ['M4A'],
  transcript: ['TRANSCRIPT', 'CC'],
  chat: ['CHAT', 'CHAT_MESSAGE'],
};

const PlannedFile = z.object({
  id: z.string(),
  /** File name inside the meeting's folder. */
  name: z.string(),
  url: z.string(),
  size: z.number().optional(),
});
type PlannedFile = z.infer<typeof PlannedFile>;

const DownloadJobData = z.object({
  owner: z.object({
    userId: z.string(),
    description: z.string(),
    progress: z.object({ channel: z.string(), ts: z.string() }).optional(),
    inChannel: z.boolean().optional(),
  }),
  /** Meeting ID (newest instance) or instance UUID. */
  meetingId: z.string().min(1),
  fileId: z.string().optional(),
  type: z.enum(DOWNLOAD_TYPES).default('all'),
  /** --share: upload each file (≤ 1 GB) into this channel. */
  share: z.object({ channel: z.string() }).optional(),
  /** Where a Share to Slack button posts (the channel the download was asked in). */
  origin: z.object({ channel: z.string(), threadTs: z.string().optional() }).optional(),
  /** The recording.completed webhook's `download_token` (24 h); the account's token takes over once it expires. */
  downloadToken: z.string().optional(),
  /** Written on the first run, so a resumed run uses the same files and folder. */
  plan: z
    .object({
      uuid: z.string(),
      folder: z.string(),
      files: z.array(PlannedFile),
      /** The meeting's number and topic, for the summary's Share to Slack buttons to name it. */
      number: z.string().optional(),
      topic: z.string().optional(),
    })
    .optional(),
});
export type DownloadJobData = z.infer<typeof DownloadJobData>;

/** Saved as job.progress (what `/zoom jobs status` shows) and read back by a resumed run. */
const Progress = z.object({
  unit: z.literal('bytes').default('bytes'),
  done: z.number(),
  total: z.number(),
  failed: z.number().default(0),
  detail: z.string().optional(),
  saved: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        path: z.string(),
        bytes: z.number(),
        sharedIn: z.string().optional(),
        // --share: the Slack file ID of an upload being completed, recorded first (see shareFileInChannel).
        upload: z.object({ fileId: z.string(), since: z.number() }).optional(),
      }),
    )
    .default([]),
  /** `id` is empty for a failure of the whole job. */
  failures: z.array(z.object({ id: z.string(), name: z.string(), reason: z.string() })).default([]),
  /** Network bytes and seconds over every run, for the summary's speed. */
  fetched: z.number().default(0),
  seconds: z.number().default(0),
});
type Progress = z.infer<typeof Progress>;

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
 * runDownloadJob) and then shares what the other job saved, fetching nothing twice.
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

export const recordingDownloads: JobProcessor<DownloadJobData> = {
  queue: 'downloads',
  data: DownloadJobData,
  concurrency: (config) => config.recordings.downloadConcurrency,
  process: (job, data, ctx) => runDownloadJob(job, data, ctx),
};

/** The webhook's download token first; once Zoom rejects it, the account's own token, renewed as needed. */
export function bearerSource(services: Services, downloadToken?: string): BearerSource {
  let webhookToken = downloadToken;
  return {
    current: async () => webhookToken ?? services.zoom.accessToken(),
    renew: async (rejected) => {
      if (rejected === webhookToken) {
        webhookToken = undefined;
        return services.zoom.accessToken();
      }
      return services.zoom.renewAccessToken(rejected);
    },
  };
}

async function plan(services: Services, data: DownloadJobData): Promise<NonNullable<DownloadJobData['plan']>> {
  const recording = await getRecording(services.zoom, data.meetingId);
  const files = downloadableFiles(recording).filter((f) => wanted(f, data));
  return {
    uuid: recording.uuid,
    ...(recording.id !== undefined ? { number: String(recording.id) } : {}),
    ...(recording.topic ? { topic: recording.topic } : {}),
    folder: recordingFolderName(recording),
    files: files.map((f) => ({ id: f.id!, name: recordingFileName(f), url: f.download_url!, ...(f.file_size !== undefined ? { size: f.file_size } : {}) })),
  };
}

function wanted(file: RecordingFile, data: DownloadJobData): boolean {
  if (data.fileId) return file.id === data.fileId;
  if (data.type === 'all') return true;
  return FILE_TYPES[data.type].includes((file.file_type ?? '').toUpperCase());
}

// How often the job reports: Slack's progress message paces itself; Redis (job.progress, cancel) this often.
const REPORT_EVERY_MS = 2_000;
// A job that finds a file being written by another job tries again this much later (delayed in BullMQ, no worker held).
const LOCKED_RETRY_MS = 3_000;

async function runDownloadJob(job: Job, data: DownloadJobData, ctx: JobContext): Promise<{ saved: number; failed: number }> {
  const { services } = ctx;
  const jobId = String(job.id);
  const description = data.owner.description;
  const message = data.owner.progress ? new ProgressMessage(services, data.owner.progress) : undefined;
  // One intermediate update in flight at most, and awaited before the last word, which must never be overwritten.
  let showing: Promise<void> | undefined;
  const show = (view: Parameters<typeof downloadProgressMessage>[0]) => {
    if (!message || showing) return;
    showing = message.update(downloadProgressMessage(view)).catch(() => undefined).finally(() => (showing = undefined));
  };

  const planned = data.plan ?? (await plan(services, data));
  if (!data.plan) await job.updateData({ ...data, plan: planned } satisfies DownloadJobData);
  const dir = services.config.recordings.dir;
  const folder = join(dir, planned.folder);
  const total = planned.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  const restored = Progress.safeParse(job.progress);
  const progress: Progress = restored.success
    ? restored.data
    : { unit: 'bytes', done: 0, total, failed: 0, saved: [], failures: [], fetched: 0, seconds: 0 };
  const settled = new Set([...progress.saved.map((s) => s.id), ...progress.failures.map((f) => f.id)]);
  const todo = planned.files.filter((f) => !settled.has(f.id));
  const save = (over: Partial<Progress> = {}) => job.updateProgress({ ...progress, ...over, failed: progress.failures.length });
  const finish = async (cancelledBy?: string) => {
    await save();
    await showing;
    if (planned.files.length > 0) await audit(services, data, jobId, progress, cancelledBy);
    const shown = (text: string) => pathsShownTo(data.owner, dir, text);
    await message?.update(
      downloadSummaryMessage({
        jobId,
        description,
        saved: progress.saved.map((file) => ({ ...file, path: shown(file.path) })),
        failures: progress.failures.map((failure) => ({ ...failure, reason: shown(failure.reason) })),
        meetingUuid: planned.uuid,
        meeting: { ...(planned.number ? { number: planned.number } : {}), ...(planned.topic ? { topic: planned.topic } : {}) },
        ...(data.origin || data.share ? { shareChannel: (data.origin ?? data.share)!.channel } : {}),
        ...(data.origin?.threadTs ? { shareThread: data.origin.threadTs } : {}),
        ...(cancelledBy ? { cancelledBy } : {}),
        seconds: progress.seconds,
        fetched: progress.fetched,
      }),
      { final: true },
    );
    return { saved: progress.saved.length, failed: progress.failures.length };
  };

  if (planned.files.length === 0) {
    progress.failures.push({ id: '', name: `meeting ${data.meetingId}`, reason: 'no file to download matches (still processing, or none of that type)' });
    return finish();
  }

  // Refuse the whole job up front when the disk cannot take what is left (each file is checked again before it starts).
  const needed = await bytesStillNeeded(folder, todo);
  const free = await freeBytes(await existingParent(folder));
  if (free < needed) {
    const reason = `not enough disk space in ${dir}: ${formatSize(needed)} needed, ${formatSize(free)} free; free some space or point ZOOMOPS_RECORDINGS_DIR elsewhere`;
    for (const file of todo) progress.failures.push({ id: file.id, name: file.name, reason });
    return finish();
  }

  const hosts = downloadHosts(services.config);
  const token = bearerSource(services, data.downloadToken);
  const cancel = new AbortController();
  let cancelledBy: string | undefined;
  const run = { started: Date.now(), seconds: progress.seconds, fetched: progress.fetched };
  const clock = (fetchedNow: number) => {
    countDownloadBytes(fetchedNow - progress.fetched);
    progress.fetched = fetchedNow;
    progress.seconds = run.seconds + (Date.now() - run.started) / 1000;
  };

  for (const file of todo) {
    cancelledBy = await ctx.cancelRequestedBy();
    if (cancelledBy) break;
    if (ctx.shutdown.aborted) await stopHere(ctx, save, message, { jobId, description, total, done: progress.done }, showing);
    const destination = join(folder, file.name);
    // Two jobs must never write one `.part`: the file's lock, unless the file is already whole on disk (then nothing is written).
    const lockKey = downloadLockKey(services.keyPrefix, `${planned.folder}/${file.name}`);
    const lock = (await wholeOnDisk(destination, file.size)) ? undefined : await takePathLock(services.redis, lockKey, jobId, services.log);
    if (lock === undefined && !(await wholeOnDisk(destination, file.size))) await waitForWriter(job, save, services, lockKey, file.name);
    const doneBefore = progress.done;
    const fetchedBefore = progress.fetched;
    const position = { index: planned.files.indexOf(file) + 1, count: planned.files.length, name: file.name };
    let lastReport = 0;
    const report = (onDisk: number, fetched: number) => {
      const now = Date.now();
      if (now - lastReport < REPORT_EVERY_MS) return;
      lastReport = now;
      clock(fetchedBefore + fetched);
      const done = doneBefore + onDisk;
      const rate = (progress.fetched - run.fetched) / Math.max((now - run.started) / 1000, 0.001);
      // Fire and forget: the bytes keep flowing while Redis and Slack are told.
      void save({ done, detail: file.name }).catch(() => undefined);
      void ctx
        .cancelRequestedBy()
        .then((by) => {
          if (by && !cancel.signal.aborted) {
            cancelledBy = by;
            cancel.abort();
          }
        })
        .catch(() => undefined);
      show({ jobId, description, state: 'running', done, total, rate, file: position });
    };
    let fetchedInFile = 0;
    const fileStarted = Date.now();
    try {
      const result = await downloadFile({
        url: file.url,
        destination,
        root: dir,
        client: httpClient(services.config.recordings.downloadClient),
        ...(file.size !== undefined ? { expectedSize: file.size } : {}),
        hosts,
        token,
        signal: AbortSignal.any([ctx.shutdown, cancel.signal, ...(lock ? [lock.lost] : [])]),
        // Before every write, no Redis round trip: a lock whose renewals did not get through in time is given up
        // (aborting lock.lost) and the bytes in hand are dropped, as another job may be appending to the `.part`.
        ...(lock ? { mayWrite: lock.held } : {}),
        onProgress: (onDisk, fetched) => {
          fetchedInFile = fetched;
          report(onDisk, fetched);
        },
      });
      clock(fetchedBefore + result.fetched);
      observeDownloadedFile(result.fetched, fileStarted);
      progress.done = doneBefore + (file.size ?? result.bytes);
      progress.saved.push({ id: file.id, name: file.name, path: destination, bytes: result.bytes });
    } catch (error) {
      clock(fetchedBefore + fetchedInFile);
      if (error instanceof DownloadStoppedError) {
        if (cancelledBy) break;
        if (lock?.lost.aborted) await waitForWriter(job, save, services, lockKey, file.name);
        await stopHere(ctx, save, message, { jobId, description, total, done: doneBefore + error.bytesOnDisk }, showing);
      }
      if (!(error instanceof DownloadRefusedError)) {
        await save();
        throw error;
      }
      progress.failures.push({ id: file.id, name: file.name, reason: error.message });
      progress.done = doneBefore + (file.size ?? 0);
    } finally {
      await lock?.release();
    }
    await save();
  }

  if (!cancelledBy && data.share) {
    // Between two uploads (each up to 1 GB) a shutdown puts the job back; what was shared is saved and not sent again.
    const safePoint = async () => {
      if (ctx.shutdown.aborted) await stopHere(ctx, save, message, { jobId, description, total, done: progress.done }, showing);
    };
    await shareAll(services, data.share.channel, progress, planned.folder, save, safePoint);
  }
  return finish(cancelledBy);
}

/** Another job is writing this file: this one goes back to the queue, delayed, and resumes from its saved progress. */
async function waitForWriter(
  job: Job,
  save: () => Promise<unknown>,
  services: Services,
  lockKey: string,
  name: string,
): Promise<never> {
  await save();
  services.log.info({ jobId: job.id, writer: await pathLockHolder(services.redis, lockKey), file: name }, 'download waits for the job writing its file');
  await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, job.token);
  throw new DelayedError();
}

/** The final file is there with Zoom's size (any size when Zoom gave none): nothing will be written to it. */
async function wholeOnDisk(path: string, size: number | undefined): Promise<boolean> {
  try {
    const onDisk = (await stat(path)).size;
    return size === undefined || onDisk === size;
  } catch {
    return false;
  }
}

/** Shutdown: the bytes on disk stay, the job goes back to the queue, and the admin is told it will resume. */
async function stopHere(
  ctx: JobContext,
  save: (over: Partial<Progress>) => Promise<unknown>,
  message: ProgressMessage | undefined,
  view: { jobId: string; description: string; total: number; done: number },
  showing: Promise<void> | undefined,
): Promise<never> {
  await save({ done: view.done });
  await showing;
  await message?.update(downloadProgressMessage({ ...view, state: 'stopping' }), { final: true }).catch(() => undefined);
  return ctx.putBack();
}

/**
 * Uploads every saved file not shared yet. Each upload is recorded in job.progress as soon as Slack took it, which a
 * resumed or retried run restores: a crash or shutdown mid-way never posts a file twice.
 */
async function shareAll(
  services: Services,
  channel: string,
  progress: Progress,
  folder: string,
  save: () => Promise<unknown>,
  safePoint: () => Promise<void>,
): Promise<void> {
  for (const file of progress.saved) {
    if (file.sharedIn || file.bytes > SLACK_FILE_MAX_BYTES) continue;
    if (progress.failures.some((f) => f.id === `share:${file.id}`)) continue;
    await safePoint();
    try {
      // One try per call: the SDK retrying a completion whose answer was lost could share the file twice.
      await shareFileInChannel(
        singleTryClient(services),
        channel,
        { path: file.path, filename: file.name, title: `${folder}/${file.name}` },
        {
          log: services.log,
          ...(file.upload ? { earlier: file.upload } : {}),
          recordUpload: async (upload) => {
            file.upload = upload;
            await save();
          },
        },
      );
      file.sharedIn = channel;
      delete file.upload;
      await save();
    } catch (error) {
      services.log.warn({ err: error, channel }, 'could not share a recording file');
      progress.failures.push({ id: `share:${file.id}`, name: file.name, reason: `saved, but Slack did not take the upload (${error instanceof Error ? error.message : String(error)})` });
    }
  }
}

async function audit(services: Services, data: DownloadJobData, jobId: string, progress: Progress, cancelledBy?: string): Promise<void> {
  const failed = progress.failures.length;
  await services.audit.record({
    userId: data.owner.userId,
    action: [
      `${data.owner.description} (job ${jobId}): ${progress.saved.length} saved${failed ? `, ${failed} failed` : ''}`,
      ...(cancelledBy ? [', cancelled by ', { user: cancelledBy }] : []),
    ],
    outcome: failed === 0 ? 'ok' : 'failed',
  });
}

async function bytesStillNeeded(folder: string, files: readonly PlannedFile[]): Promise<number> {
  let needed = 0;
  for (const file of files) {
    if (file.size === undefined) continue;
    const final = await sizeOrZero(join(folder, file.name));
    if (final === file.size) continue;
    needed += file.size - Math.min(file.size, await sizeOrZero(join(folder, `${file.name}.part`)));
  }
  return needed;
}

async function sizeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** statfs needs a path that exists; the meeting's folder may not yet. */
async function existingParent(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = join(current, '..');
      if (parent === current) return current;
      current = parent;
    }
  }
}
