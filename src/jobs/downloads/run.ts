// One run of a download job: what it has done so far (job.progress in Redis, which a resumed run restores), the one
// progress message it keeps updated, and its two ways out: back to the queue at shutdown (stopHere), or the summary
// and the audit line once every file is settled (finish).
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { countDownloadBytes } from '../../metrics.js';
import type { Services } from '../../services.js';
import { downloadProgressMessage, downloadSummaryMessage } from '../../views/recordings.js';
import { ProgressMessage } from '../progress.js';
import { pathsShownTo } from '../shown-paths.js';
import type { JobContext } from '../workers.js';
import { Progress, type DownloadJobData, type DownloadPlan, type PlannedFile } from './data.js';

type ProgressView = Parameters<typeof downloadProgressMessage>[0];

export class DownloadRun {
  readonly services: Services;
  readonly jobId: string;
  /** ZOOMOPS_RECORDINGS_DIR, and the meeting's folder in it. */
  readonly dir: string;
  readonly folder: string;
  /** Bytes of every planned file (those Zoom gave a size for). */
  readonly total: number;
  readonly progress: Progress;
  /** Aborted when someone cancels the job while a file is on its way. */
  readonly cancel = new AbortController();
  cancelledBy: string | undefined;
  private readonly message: ProgressMessage | undefined;
  /** One intermediate update in flight at most, and awaited before the last word, which must never be overwritten. */
  private showing: Promise<void> | undefined;
  /** This run's start, and the seconds and network bytes of the runs before it (for the summary's speed). */
  private readonly started = Date.now();
  private readonly secondsBefore: number;
  private readonly fetchedBefore: number;

  constructor(
    readonly job: Job,
    readonly data: DownloadJobData,
    readonly plan: DownloadPlan,
    private readonly ctx: JobContext,
  ) {
    this.services = ctx.services;
    this.jobId = String(job.id);
    this.dir = this.services.config.recordings.dir;
    this.folder = join(this.dir, plan.folder);
    this.total = plan.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    const { progress } = data.owner;
    this.message = progress ? new ProgressMessage(this.services, progress) : undefined;
    const restored = Progress.safeParse(job.progress);
    this.progress = restored.success
      ? restored.data
      : { unit: 'bytes', done: 0, total: this.total, failed: 0, saved: [], failures: [], fetched: 0, seconds: 0 };
    this.secondsBefore = this.progress.seconds;
    this.fetchedBefore = this.progress.fetched;
  }

  /** Aborted when this process shuts down. */
  get shutdown(): AbortSignal {
    return this.ctx.shutdown;
  }

  get description(): string {
    return this.data.owner.description;
  }

  /** The planned files neither saved nor failed by an earlier run. */
  filesToDo(): PlannedFile[] {
    const settled = new Set([...this.progress.saved.map((s) => s.id), ...this.progress.failures.map((f) => f.id)]);
    return this.plan.files.filter((f) => !settled.has(f.id));
  }

  /** Saves job.progress (`over` for what is not in `progress` itself: the bytes of a file on its way). */
  save(over: Partial<Progress> = {}): Promise<unknown> {
    return this.job.updateProgress({ ...this.progress, ...over, failed: this.progress.failures.length });
  }

  /** Updates the progress message unless an update is still on its way (the next report brings it up to date). */
  show(view: Omit<ProgressView, 'jobId' | 'description'>): void {
    if (!this.message || this.showing) return;
    this.showing = this.message
      .update(downloadProgressMessage({ jobId: this.jobId, description: this.description, ...view }))
      .catch(() => undefined)
      .finally(() => (this.showing = undefined));
  }

  /** Network bytes over every run so far: counted in the metrics and the summary's speed. */
  clock(fetchedNow: number): void {
    countDownloadBytes(fetchedNow - this.progress.fetched);
    this.progress.fetched = fetchedNow;
    this.progress.seconds = this.secondsBefore + (Date.now() - this.started) / 1000;
  }

  /** Bytes a second this run has fetched. */
  rate(now: number): number {
    return (this.progress.fetched - this.fetchedBefore) / Math.max((now - this.started) / 1000, 0.001);
  }

  /** Asks Redis whether someone cancelled the job; remembers who. */
  async cancelRequested(): Promise<boolean> {
    this.cancelledBy = await this.ctx.cancelRequestedBy();
    return this.cancelledBy !== undefined;
  }

  /** The same question while a file is on its way, not awaited: a cancel aborts the transfer. */
  watchForCancel(): void {
    void this.ctx
      .cancelRequestedBy()
      .then((by) => {
        if (by && !this.cancel.signal.aborted) {
          this.cancelledBy = by;
          this.cancel.abort();
        }
      })
      .catch(() => undefined);
  }

  /** A safe point: at shutdown the job stops here (stopHere). */
  async stopIfShuttingDown(): Promise<void> {
    if (this.ctx.shutdown.aborted) await this.stopHere(this.progress.done);
  }

  /** Shutdown: the bytes on disk stay, the job goes back to the queue, and the admin is told it will resume. */
  async stopHere(done: number): Promise<never> {
    await this.save({ done });
    await this.showing;
    const view = { jobId: this.jobId, description: this.description, total: this.total, done, state: 'stopping' } as const;
    await this.message?.update(downloadProgressMessage(view), { final: true }).catch(() => undefined);
    return this.ctx.putBack();
  }

  /** The job's end: progress saved, the audit line, and the summary that says where each file is. */
  async finish(): Promise<{ saved: number; failed: number }> {
    const { progress, data, plan, cancelledBy } = this;
    await this.save();
    await this.showing;
    if (plan.files.length > 0) await this.audit();
    const shown = (text: string) => pathsShownTo(data.owner, this.dir, text);
    await this.message?.update(
      downloadSummaryMessage({
        jobId: this.jobId,
        description: this.description,
        saved: progress.saved.map((file) => ({ ...file, path: shown(file.path) })),
        failures: progress.failures.map((failure) => ({ ...failure, reason: shown(failure.reason) })),
        meetingUuid: plan.uuid,
        meeting: { ...(plan.number ? { number: plan.number } : {}), ...(plan.topic ? { topic: plan.topic } : {}) },
        ...(data.origin || data.share ? { shareChannel: (data.origin ?? data.share)!.channel } : {}),
        ...(data.origin?.threadTs ? { shareThread: data.origin.threadTs } : {}),
        ...(cancelledBy ? { cancelledBy } : {}),
        seconds: progress.seconds,
        fetched: progress.fetched,
      }),
      { final: true },
    );
    return { saved: progress.saved.length, failed: progress.failures.length };
  }

  private async audit(): Promise<void> {
    const { progress, data, cancelledBy } = this;
    const failed = progress.failures.length;
    await this.services.audit.record({
      userId: data.owner.userId,
      action: [
        `${data.owner.description} (job ${this.jobId}): ${progress.saved.length} saved${failed ? `, ${failed} failed` : ''}`,
        ...(cancelledBy ? [', cancelled by ', { user: cancelledBy }] : []),
      ],
      outcome: failed === 0 ? 'ok' : 'failed',
    });
  }
}
