// Share to Slack, from a download's summary in the admin's DM: a modal asks where (the channel the download was asked
// in first, and the alert's thread when it came from an alert), then a worker shares the file already saved.
import { basename, dirname } from 'node:path';
import type { ViewOutput } from '@slack/bolt';
import { z } from 'zod';
import type { ActionInvocation, Invocation } from './context.js';
import { UsageError } from './errors.js';
import { enqueueRecordingShare, savedRecordingFile } from '../jobs/recording-share.js';
import { escapeMrkdwn } from '../views/format.js';
import { IN_THREAD, SHARE_FIELDS, shareRecordingModal } from '../views/share-recording.js';

/** What the modal carries to its submission: the download job, the file, the meeting, the alert's channel and thread. */
export const ShareFormMeta = z.object({
  j: z.string().regex(/^dl-[0-9a-f]+$/),
  f: z.string().min(1),
  m: z.string().min(1),
  c: z.string().optional(),
  th: z.string().optional(),
});
type ShareFormMeta = z.infer<typeof ShareFormMeta>;

async function savedFileOf(inv: Invocation, meta: ShareFormMeta) {
  const file = await savedRecordingFile(inv.services, meta.j, meta.f);
  if (!file) {
    throw new UsageError(
      `Job \`${meta.j}\` no longer lists that file (finished jobs are kept a week); \`${inv.services.config.slack.command} recordings download ${meta.m} --share\` fetches it again and shares it here.`,
    );
  }
  return file;
}

/** The Share to Slack click: opens the modal asking where, with the file the download saved. */
export async function openShareForm(inv: ActionInvocation, meta: ShareFormMeta): Promise<void> {
  const file = await savedFileOf(inv, meta);
  if (!inv.triggerId) throw new UsageError('Slack sent no form trigger with that click; click Share to Slack again.');
  await inv.services.slack.views.open({
    trigger_id: inv.triggerId,
    view: shareRecordingModal({
      fileName: file.name,
      ...(meta.c ? { channel: meta.c } : {}),
      ...(meta.c && meta.th ? { alertThread: { channel: meta.c, ts: meta.th } } : {}),
      metadata: JSON.stringify(meta),
    }),
  });
}

/** The channel picked, or an error for the modal to show under the field. */
export function shareFormChoice(view: ViewOutput): { meta: ShareFormMeta; channel: string; inThread: boolean } | { errors: Record<string, string> } {
  const values = view.state.values;
  const channel = values[SHARE_FIELDS.channel.block]?.[SHARE_FIELDS.channel.action]?.selected_conversation;
  const parsed = ShareFormMeta.safeParse(JSON.parse(view.private_metadata || 'null'));
  if (!parsed.success) return { errors: { [SHARE_FIELDS.channel.block]: 'This form is out of date; click Share to Slack again.' } };
  if (!channel) return { errors: { [SHARE_FIELDS.channel.block]: 'Pick a channel to share the file in.' } };
  const ticked = values[SHARE_FIELDS.thread.block]?.[SHARE_FIELDS.thread.action]?.selected_options ?? [];
  return { meta: parsed.data, channel, inThread: ticked.some((o) => o.value === IN_THREAD) };
}

/** After the modal closed: the worker shares the saved file; threaded under the alert only in the alert's channel. */
export async function submitShareForm(inv: Invocation, choice: { meta: ShareFormMeta; channel: string; inThread: boolean }): Promise<string> {
  const { meta, channel } = choice;
  const file = await savedFileOf(inv, meta);
  const threadTs = choice.inThread && meta.th && channel === meta.c ? meta.th : undefined;
  const jobId = await enqueueRecordingShare(inv.services, {
    userId: inv.person.id,
    download: { jobId: meta.j, meetingId: meta.m },
    file: { name: file.name, path: file.path, bytes: file.bytes, title: `${basename(dirname(file.path))}/${file.name}` },
    channel,
    ...(threadTs ? { threadTs } : {}),
  });
  return `:hourglass_flowing_sand: Sharing \`${escapeMrkdwn(file.name)}\` in <#${channel}>${threadTs ? ', in the alert’s thread' : ''} as job \`${jobId}\`; I say here when it is there.`;
}
