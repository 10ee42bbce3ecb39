// The CSV export job: reads a whole list from Zoom (thousands of calls, users, recordings can take minutes under
// Zoom's rate limits), then sends it as a file in the admin's DM. The admin gets the job ID at once and one message
// that counts the rows read; a shutdown puts the job back, to start over on another worker.
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { CodedError } from '../../errors.js';
import type { Services } from '../../services.js';
import { sendFileToDirectMessage } from '../../slack/files.js';
import { section } from '../../views/blocks.js';
import { asTitle, csvFileComment, csvSentLine, toCsv } from '../../views/csv.js';
import { escapeMrkdwn } from '../../views/format.js';
import { isTransient } from '../../zoom/errors.js';
import { postProgressMessage, ProgressMessage } from '../progress.js';
import { KEEP_FINISHED, newJobId, type JobOwner } from '../queues.js';
import type { JobContext, JobProcessor } from '../workers.js';
import { EXPORTERS, type ExportKind, type ExportQuery } from './index.js';

const ExportJobData = z.object({
  owner: z.object({
    userId: z.string(),
    description: z.string(),
    progress: z.object({ channel: z.string(), ts: z.string() }).optional(),
  }),
  kind: z.enum(Object.keys(EXPORTERS) as [ExportKind, ...ExportKind[]]),
  query: z.unknown(),
  /** The admin's zone: times in the file are shown in it. */
  zone: z.string(),
  /** The day in that zone, for the file name. */
  day: z.string(),
});
type ExportJobData = z.infer<typeof ExportJobData>;

class ExportCancelled extends CodedError<'export_cancelled'> {
  constructor(readonly by: string) {
    super('export_cancelled', `cancelled by ${by}`, { expected: true });
  }
}

export const csvExports: JobProcessor<ExportJobData> = {
  queue: 'exports',
  data: ExportJobData,
  concurrency: () => 2,
  process: (job, data, ctx) => runExport(job, data, ctx),
};

export interface ExportRequester {
  userId: string;
  zone: string;
  /** `yyyy-MM-dd` in the requester's zone. */
  day: string;
}

export async function enqueueExport<K extends ExportKind>(
  services: Services,
  who: ExportRequester,
  kind: K,
  query: ExportQuery<K>,
  description: string,
): Promise<string> {
  const jobId = newJobId('exports');
  const progress = await postProgressMessage(services, jobId, who.userId, exportMessage(jobId, description, ':hourglass_flowing_sand: Queued.'));
  const owner: JobOwner = { userId: who.userId, description, progress };
  await services.jobs.queue('exports').add('csv', { owner, kind, query, zone: who.zone, day: who.day } satisfies ExportJobData, {
    jobId,
    attempts: 3,
    backoff: { type: 'exponential', delay: 10_000 },
    ...KEEP_FINISHED,
  });
  return jobId;
}

async function runExport(job: Job, data: ExportJobData, ctx: JobContext): Promise<{ rows: number; truncated: boolean } | { cancelledBy: string }> {
  const { services } = ctx;
  const jobId = String(job.id);
  const exporter = EXPORTERS[data.kind];
  const parsed = exporter.query.safeParse(data.query);
  if (!parsed.success) throw new UnrecoverableError(`the export's query does not match: ${parsed.error.message}`);
  const query = parsed.data as never;
  const message = data.owner.progress ? new ProgressMessage(services, data.owner.progress) : undefined;
  const show = (line: string, final = false) =>
    message?.update(exportMessage(jobId, data.owner.description, line), { final }) ?? Promise.resolve();

  let result;
  try {
    const before = await ctx.cancelRequestedBy();
    if (before) throw new ExportCancelled(before);
    result = await exporter.collect(services.zoom, query, data.zone, async (rows) => {
      // Between pages is the safe point: nothing is half-written, and a restart simply reads the list again.
      if (ctx.shutdown.aborted) await ctx.putBack();
      const by = await ctx.cancelRequestedBy();
      if (by) throw new ExportCancelled(by);
      await show(`:arrows_counterclockwise: Reading from Zoom: ${rows.toLocaleString('en-US')} ${exporter.noun(query)} so far.`);
    });
    // The last chance to stop: a one-page export never reaches the page callback's check after its page.
    const after = await ctx.cancelRequestedBy();
    if (after) throw new ExportCancelled(after);
  } catch (error) {
    if (error instanceof ExportCancelled) {
      await show(`:no_entry_sign: Cancelled by <@${error.by}>; no file was sent.`, true);
      return { cancelledBy: error.by };
    }
    // Zoom down or per-second limits: worth another attempt. A daily quota, a missing user or scope: not today.
    throw isTransient(error) ? error : new UnrecoverableError((error as Error).message);
  }
  const filename = `${exporter.filename(query)}-${data.day}.csv`;
  const counted = { count: result.rows.length, noun: exporter.noun(query), truncated: result.truncated };
  const line = csvSentLine({ ...counted, filename });
  const comment = csvFileComment({ ...counted, title: asTitle(data.owner.description) });
  await sendFileToDirectMessage(services.slack, data.owner.userId, { filename, content: toCsv([result.header, ...result.rows]), comment });
  // The file is sent: from here nothing may fail the job, or a retry would send it again.
  await show(line, true).catch((error: unknown) => services.log.warn({ err: error, jobId }, 'could not update an export message'));
  return { rows: result.rows.length, truncated: result.truncated };
}

function exportMessage(jobId: string, description: string, line: string) {
  const title = asTitle(description);
  const text = `*${escapeMrkdwn(title)}* · job \`${jobId}\`\n${line}`;
  return { text: `${title}: ${line.replace(/:[a-z_]+: /g, '')}`, blocks: [section(text)] };
}
