// Files the bot hands to an admin (CSV exports, long API answers): uploaded into their direct message with the bot
// through Slack's external upload pair (files.upload is gone).
import type { WebClient } from '@slack/web-api';

export interface OutgoingFile {
  filename: string;
  content: string;
  title?: string;
  /** The message the file arrives with. */
  comment?: string;
}

/**
 * Opens (or finds) the DM and uploads the file there: `filesUploadV2` runs files.getUploadURLExternal, the POST to
 * the upload URL and files.completeUploadExternal. completeUploadExternal wants a conversation ID, not a user ID.
 */
export async function sendFileToDirectMessage(slack: WebClient, userId: string, file: OutgoingFile): Promise<void> {
  const opened = await slack.conversations.open({ users: userId });
  const channelId = opened.channel?.id;
  if (!channelId) throw new Error('conversations.open answered without a channel ID');
  await slack.filesUploadV2({
    channel_id: channelId,
    filename: file.filename,
    content: file.content,
    title: file.title ?? file.filename,
    ...(file.comment ? { initial_comment: file.comment } : {}),
  });
}
