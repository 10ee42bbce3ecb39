// The recording download job ('downloads' queue): one meeting instance's files (all, some types, or one) streamed to
// ZOOMOPS_RECORDINGS_DIR, resumable at any point, with one progress message in the admin's DM and a summary that
// says where each file is (shared into the channel with --share, else a Share to Slack button). This is the outline;
// each step is a module of its own: the plan (plan.ts), one file (file-step.ts), the sharing (share-step.ts), and
// the run's progress, stop and summary (run.ts). Queueing a job is enqueue.ts.
import type { Job } from 'bullmq';
import { formatSize } from '../../views/recordings.js';
import type { JobContext, JobProcessor } from '../workers.js';
import { bearerSource } from './bearer.js';
import { DownloadJobData, type PlannedFile } from './data.js';
import { downloadOneFile, type FileSource } from './file-step.js';
import { downloadHosts } from './hosts.js';
import { planDownload } from './plan.js';
import { DownloadRun } from './run.js';
import { shareSavedFiles } from './share-step.js';
import { bytesStillNeeded, existingParent, freeBytes } from './space.js';
import { httpClient } from './transfer.js';

export const recordingDownloads: JobProcessor<DownloadJobData> = {
  queue: 'downloads',
  data: DownloadJobData,
  concurrency: (config) => config.recordings.downloadConcurrency,
  process: (job, data, ctx) => runDownloadJob(job, data, ctx),
};

/**
 * Plans the files on the first run (saved, so a resumed run takes the same ones), refuses up front what the disk cannot
 * take, downloads the files not settled yet one by one, shares them with --share, and ends with the summary.
 */
async function runDownloadJob(job: Job, data: DownloadJobData, ctx: JobContext): Promise<{ saved: number; failed: number }> {
  const { services } = ctx;
  const plan = data.plan ?? (await planDownload(services, data));
  if (!data.plan) await job.updateData({ ...data, plan } satisfies DownloadJobData);
  const run = new DownloadRun(job, data, plan, ctx);

  if (plan.files.length === 0) {
    run.progress.failures.push({ id: '', name: `meeting ${data.meetingId}`, reason: 'no file to download matches (still processing, or none of that type)' });
    return run.finish();
  }
  const todo = run.filesToDo();
  const noSpace = await diskTooSmall(run, todo);
  if (noSpace) {
    for (const file of todo) run.progress.failures.push({ id: file.id, name: file.name, reason: noSpace });
    return run.finish();
  }

  const source: FileSource = {
    hosts: downloadHosts(services.config),
    token: bearerSource(services, data.downloadToken),
    client: httpClient(services.config.recordings.downloadClient),
  };
  for (const file of todo) {
    if (await run.cancelRequested()) break;
    await run.stopIfShuttingDown();
    if ((await downloadOneFile(run, file, source)) === 'cancelled') break;
  }
  if (!run.cancelledBy && data.share) await shareSavedFiles(run, data.share.channel);
  return run.finish();
}

/**
 * Why the whole job is refused up front when the disk cannot take what is left (each file is checked again before it
 * starts); undefined when it can.
 */
async function diskTooSmall(run: DownloadRun, todo: readonly PlannedFile[]): Promise<string | undefined> {
  const needed = await bytesStillNeeded(run.folder, todo);
  const free = await freeBytes(await existingParent(run.folder));
  if (free >= needed) return undefined;
  return `not enough disk space in ${run.dir}: ${formatSize(needed)} needed, ${formatSize(free)} free; free some space or point ZOOMOPS_RECORDINGS_DIR elsewhere`;
}
