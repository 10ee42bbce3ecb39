// One file of a download job: taken under the file's lock (two jobs never write one `.part`), transferred
// (transfer.ts) with progress reported while the bytes flow, and settled in the run's progress as saved or failed. A
// stop (shutdown, a lost lock) puts the job back; a cancel ends the loop; anything unexpected fails the job as it is.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { comeBackIn } from '../workers.js';
import { observeDownloadedFile } from '../../metrics.js';
import type { PlannedFile } from './data.js';
import { DownloadRefusedError, DownloadStoppedError } from './errors.js';
import { downloadLockKey, pathLockHolder, takePathLock } from './path-lock.js';
import type { DownloadRun } from './run.js';
import { downloadFile, type TransferOptions } from './transfer.js';

/** How the job reaches Zoom's files: the same for every file of a run. */
export type FileSource = Pick<TransferOptions, 'hosts' | 'token' | 'client'>;

// How often the job reports: Slack's progress message paces itself; Redis (job.progress, cancel) this often.
const REPORT_EVERY_MS = 2_000;
// A job that finds a file being written by another job tries again this much later (delayed in BullMQ, no worker held).
const LOCKED_RETRY_MS = 3_000;

/** Downloads one file of the run; 'cancelled' when someone cancelled the job on the way (the file stays resumable). */
export async function downloadOneFile(run: DownloadRun, file: PlannedFile, source: FileSource): Promise<'settled' | 'cancelled'> {
  const { services, progress } = run;
  const destination = join(run.folder, file.name);
  // Two jobs must never write one `.part`: the file's lock, unless the file is already whole on disk (then nothing is written).
  const lockKey = downloadLockKey(services.keyPrefix, `${run.plan.folder}/${file.name}`);
  const lock = (await wholeOnDisk(destination, file.size)) ? undefined : await takePathLock(services.redis, lockKey, run.jobId, services.log);
  if (lock === undefined && !(await wholeOnDisk(destination, file.size))) await waitForWriter(run, lockKey, file.name);
  const reporter = new FileReporter(run, file);
  const started = Date.now();
  try {
    const result = await downloadFile({
      ...source,
      url: file.url,
      destination,
      root: run.dir,
      ...(file.size !== undefined ? { expectedSize: file.size } : {}),
      signal: AbortSignal.any([run.shutdown, run.cancel.signal, ...(lock ? [lock.lost] : [])]),
      // Before every write, no Redis round trip: a lock whose renewals did not get through in time is given up
      // (aborting lock.lost) and the bytes in hand are dropped, as another job may be appending to the `.part`.
      ...(lock ? { mayWrite: lock.held } : {}),
      onProgress: (onDisk, fetched) => reporter.progressed(onDisk, fetched),
    });
    run.clock(reporter.fetchedBefore + result.fetched);
    observeDownloadedFile(result.fetched, started);
    progress.done = reporter.doneBefore + (file.size ?? result.bytes);
    progress.saved.push({ id: file.id, name: file.name, path: destination, bytes: result.bytes });
  } catch (error) {
    run.clock(reporter.fetchedBefore + reporter.fetchedInFile);
    if (error instanceof DownloadStoppedError) {
      if (run.cancelledBy) return 'cancelled';
      if (lock?.lost.aborted) await waitForWriter(run, lockKey, file.name);
      await run.stopHere(reporter.doneBefore + error.bytesOnDisk);
    }
    if (!(error instanceof DownloadRefusedError)) {
      await run.save();
      throw error;
    }
    progress.failures.push({ id: file.id, name: file.name, reason: error.message });
    progress.done = reporter.doneBefore + (file.size ?? 0);
  } finally {
    await lock?.release();
  }
  await run.save();
  return 'settled';
}

/** Reports a file's progress at most every REPORT_EVERY_MS: job.progress, a look for a cancel, the progress message. */
class FileReporter {
  /** The run's bytes done and fetched before this file. */
  readonly doneBefore: number;
  readonly fetchedBefore: number;
  /** Bytes of this file received so far. */
  fetchedInFile = 0;
  private lastReport = 0;
  private readonly position: { index: number; count: number; name: string };

  constructor(
    private readonly run: DownloadRun,
    private readonly file: PlannedFile,
  ) {
    this.doneBefore = run.progress.done;
    this.fetchedBefore = run.progress.fetched;
    this.position = { index: run.plan.files.indexOf(file) + 1, count: run.plan.files.length, name: file.name };
  }

  /** Called for every chunk: cheap unless a report is due. */
  progressed(onDisk: number, fetched: number): void {
    this.fetchedInFile = fetched;
    const now = Date.now();
    if (now - this.lastReport < REPORT_EVERY_MS) return;
    this.lastReport = now;
    const { run } = this;
    run.clock(this.fetchedBefore + fetched);
    const done = this.doneBefore + onDisk;
    // Fire and forget: the bytes keep flowing while Redis and Slack are told.
    void run.save({ done, detail: this.file.name }).catch(() => undefined);
    run.watchForCancel();
    run.show({ state: 'running', done, total: run.total, rate: run.rate(now), file: this.position });
  }
}

/** Another job is writing this file: this one goes back to the queue, delayed, and resumes from its saved progress. */
async function waitForWriter(run: DownloadRun, lockKey: string, name: string): Promise<never> {
  const { job, services } = run;
  await run.save();
  services.log.info({ jobId: job.id, writer: await pathLockHolder(services.redis, lockKey), file: name }, 'download waits for the job writing its file');
  return comeBackIn(job, LOCKED_RETRY_MS);
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
