// The last step of a download job with --share: every saved file (up to Slack's 1 GB) uploaded into the channel,
// each upload recorded in job.progress as soon as Slack took it, which a resumed or retried run restores: a crash or
// shutdown mid-way never posts a file twice.
import { singleTryClient } from '../../slack/post-once.js';
import { SLACK_FILE_MAX_BYTES } from '../../views/recordings.js';
import type { DownloadRun } from './run.js';
import { shareFileInChannel } from './share.js';

/** Uploads every saved file not shared yet; a file Slack did not take is a failure of the job, the others go on. */
export async function shareSavedFiles(run: DownloadRun, channel: string): Promise<void> {
  const { services, progress } = run;
  for (const file of progress.saved) {
    if (file.sharedIn || file.bytes > SLACK_FILE_MAX_BYTES) continue;
    if (progress.failures.some((f) => f.id === `share:${file.id}`)) continue;
    // Between two uploads (each up to 1 GB) a shutdown puts the job back; what was shared is saved and not sent again.
    await run.stopIfShuttingDown();
    try {
      // One try per call: the SDK retrying a completion whose answer was lost could share the file twice.
      await shareFileInChannel(
        singleTryClient(services),
        channel,
        { path: file.path, filename: file.name, title: `${run.plan.folder}/${file.name}` },
        {
          log: services.log,
          ...(file.upload ? { earlier: file.upload } : {}),
          recordUpload: async (upload) => {
            file.upload = upload;
            await run.save();
          },
        },
      );
      file.sharedIn = channel;
      delete file.upload;
      await run.save();
    } catch (error) {
      services.log.warn({ err: error, channel }, 'could not share a recording file');
      progress.failures.push({ id: `share:${file.id}`, name: file.name, reason: `saved, but Slack did not take the upload (${error instanceof Error ? error.message : String(error)})` });
    }
  }
}
