// The "Share to Slack" modal of a downloaded recording file: which channel (the one the download was asked in
// first), and, when the download came from an alert, whether to reply in the alert's thread.
import type { KnownBlock, ModalView } from '@slack/types';
import { section } from './blocks.js';
import { escapeMrkdwn } from './format.js';

export const SHARE_RECORDING_CALLBACK = 'recordings_share.form';
export const SHARE_FIELDS = {
  channel: { block: 'share_channel', action: 'channel' },
  thread: { block: 'share_thread', action: 'thread' },
} as const;
/** The value of the "in the alert's thread" checkbox. */
export const IN_THREAD = 'thread';

export function shareRecordingModal(input: {
  fileName: string;
  /** The channel picked at first: where the download was asked for. */
  channel?: string;
  /** The alert the download came from: its thread is offered, ticked. */
  alertThread?: { channel: string; ts: string };
  /** What the submission needs back (views' private_metadata, at most 3,000 characters). */
  metadata: string;
}): ModalView {
  const blocks: KnownBlock[] = [
    section(`Share \`${escapeMrkdwn(input.fileName)}\` from the bot's storage; nothing is downloaded again.`),
    {
      type: 'input',
      block_id: SHARE_FIELDS.channel.block,
      label: { type: 'plain_text', text: 'Channel' },
      element: {
        type: 'conversations_select',
        action_id: SHARE_FIELDS.channel.action,
        ...(input.channel ? { initial_conversation: input.channel } : {}),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
      },
    },
  ];
  if (input.alertThread) {
    blocks.push({
      type: 'input',
      block_id: SHARE_FIELDS.thread.block,
      optional: true,
      label: { type: 'plain_text', text: 'Thread' },
      element: {
        type: 'checkboxes',
        action_id: SHARE_FIELDS.thread.action,
        options: [threadOption(input.alertThread.channel)],
        initial_options: [threadOption(input.alertThread.channel)],
      },
      hint: { type: 'plain_text', text: 'Only when the channel above is the alert’s; another channel gets it as a new message.' },
    });
  }
  return {
    type: 'modal',
    callback_id: SHARE_RECORDING_CALLBACK,
    title: { type: 'plain_text', text: 'Share to Slack' },
    submit: { type: 'plain_text', text: 'Share' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: input.metadata,
    blocks,
  };
}

function threadOption(channel: string) {
  return { text: { type: 'mrkdwn' as const, text: `In the thread of the alert in <#${channel}>` }, value: IN_THREAD };
}
