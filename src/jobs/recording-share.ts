// Share to Slack of a file a download job already saved: the worker (which holds the recordings folder) uploads it
// from disk into the channel, or the alert's thread, the admin picked. No Zoom call and no new download: a file no
// longer whole on disk is not shared, and the admin is told how to fetch it again.
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Services } from '../services.js';
import { directMessage } from '../slack/respond.js';
import { singleTryClient } from '../slack/post-once.js';
import { textMessage } from '../views/blocks.js';
import { escapeMrkdwn } from '../views/format.js';
import { shareFileInChannel } from './downloads/share.js';
import { KEEP_FINISHED, newJobId } from './queues.js';
import type { JobProcessor } from './workers.js';

const ShareJobData = z.object({
  owner: z.object({ userId: z.string(), description: z.string() }),
  /** The download job that saved the file, and the meeting, for the sentence when the file is gone. */
  download: z.object({ jobId: z.string(), meetingId: z.string() }),
  file: z.object({ name: z.string(), path: z.string(), bytes: z.number().int().min(0), title: z.string() }),
  channel: z.string().min(1),
  threadTs: z.string().optional(),
});
type ShareJobData = z.infer<typeof ShareJobData>;

/** An upload Slack may have completed before a crash: recorded first, looked for before uploading again. */
const ShareProgress = z.object({ upload: z.object({ fileId: z.string(), since: z.number() }).optional() });

export type RecordingShareRequest = Omit<ShareJobData, 'owner'> & { userId: string };

export async function enqueueRecordingShare(services: Services, request: RecordingShareRequest): Promise<string> {
  const jobId = newJobId('shares');
  const { userId, ...rest } = request;
  const description = `Share ${request.file.name} in #${request.channel}${request.threadTs ? ' (in the alert’s thread)' : ''}`;
  const job = await services.jobs.queue('shares').add('share', { owner: { userId, description }, ...rest } satisfies ShareJobData, {
    jobId,
    // A second click on Share while the first upload runs joins it instead of posting the file twice.
    deduplication: { id: `${request.download.jobId}-${request.file.path}-${request.channel}-${request.threadTs ?? ''}` },
    attempts: 1,
    ...KEEP_FINISHED,
  });
  return String(job.id);
}

export const recordingShares: JobProcessor<ShareJobData> = {
  queue: 'shares',
  data: ShareJobData,
  concurrency: () => 2,
  process: async (job, data, { services }) => {
    const tell = (text: string) => directMessage(services.slack, data.owner.userId)(textMessage(text));
    const name = `\`${escapeMrkdwn(data.file.name)}\``;
    const onDisk = await stat(data.file.path).then((s) => s.size, () => undefined);
    if (onDisk !== data.file.bytes) {
      await tell(
        `:warning: ${name} is no longer whole in the bot's storage, so it was not shared. \`${services.config.slack.command} recordings download ${data.download.meetingId} --share\` fetches it again and shares it.`,
      );
      return { shared: false };
    }
    const earlier = ShareProgress.safeParse(job.progress).data?.upload;
    const where = `<#${data.channel}>${data.threadTs ? ', in the alert’s thread' : ''}`;
    try {
      // One try per call: the SDK retrying a completion whose answer was lost could share the file twice.
      await shareFileInChannel(
        singleTryClient(services),
        data.channel,
        { path: data.file.path, filename: data.file.name, title: data.file.title, ...(data.threadTs ? { threadTs: data.threadTs } : {}) },
        { log: services.log, ...(earlier ? { earlier } : {}), recordUpload: (upload) => job.updateProgress({ upload }) },
      );
    } catch (error) {
      services.log.warn({ err: error, channel: data.channel }, 'could not share a saved recording file');
      await tell(`:x: Slack did not take ${name} for ${where} (${escapeMrkdwn(error instanceof Error ? error.message : String(error))}); the file stays saved, and Share to Slack can try again.`);
      return { shared: false };
    }
    await services.audit.record({ userId: data.owner.userId, action: `shared recording file ${data.file.name} (saved by job ${data.download.jobId}) in <#${data.channel}>`, outcome: 'ok' });
    await tell(`:white_check_mark: Shared ${name} in ${where}.`);
    return { shared: true };
  },
};

/** The file a download job saved, from its progress (in Redis, so any process may read it). */
export async function savedRecordingFile(services: Pick<Services, 'jobs'>, downloadJobId: string, fileId: string) {
  const job = await services.jobs.find(downloadJobId);
  const saved = z.object({ saved: z.array(z.object({ id: z.string(), name: z.string(), path: z.string(), bytes: z.number() })) }).safeParse(job?.progress);
  return saved.success ? saved.data.saved.find((f) => f.id === fileId) : undefined;
}
