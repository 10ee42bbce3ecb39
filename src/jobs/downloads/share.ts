// Puts a downloaded recording file into a Slack channel through the external upload pair, streaming it from disk:
// WebClient.filesUploadV2 reads a stream whole into memory first (web-api 8), which a 1 GB file must not do.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';
import { findSharedFile, outcomeUnknown } from '../../slack/post-once.js';

export interface SharedFile {
  path: string;
  filename: string;
  title: string;
  comment?: string;
  /** Posts the file as a reply in this thread of the channel. */
  threadTs?: string;
}

/** An upload whose completion may have reached Slack: its file ID, and when it was started. */
export interface UploadInDoubt {
  fileId: string;
  since: number;
}

export interface ShareOnce {
  log: Logger;
  /** An earlier run's upload that was never recorded as shared: looked for in the channel before uploading again. */
  earlier?: UploadInDoubt;
  /** Called with the file ID before the upload is completed, so a run that dies then leaves it recorded. */
  recordUpload(upload: UploadInDoubt): Promise<void>;
}

/**
 * files.getUploadURLExternal, the bytes POSTed to the upload URL, files.completeUploadExternal into the channel; with
 * `once`, the file is shared once even when a run dies or loses Slack's answer while completing: the file ID is
 * recorded first, and a completion whose outcome is unknown (or an earlier run's) is verified by finding the message
 * that shares that file in the channel (needs the history scopes; without them the file is uploaded again).
 */
export async function shareFileInChannel(slack: WebClient, channelId: string, file: SharedFile, once?: ShareOnce): Promise<string> {
  if (once?.earlier && (await findSharedFile(slack, once.log, { channel: channelId, ...once.earlier }))) return once.earlier.fileId;
  const { size } = await stat(file.path);
  const ticket = await slack.files.getUploadURLExternal({ filename: file.filename, length: size });
  if (!ticket.upload_url || !ticket.file_id) throw new Error('Slack gave no upload URL for the file');
  await postFile(ticket.upload_url, file.path, size);
  const upload = { fileId: ticket.file_id, since: Date.now() };
  await once?.recordUpload(upload);
  try {
    await slack.files.completeUploadExternal({
      files: [{ id: ticket.file_id, title: file.title }],
      channel_id: channelId,
      ...(file.comment ? { initial_comment: file.comment } : {}),
      ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
    });
  } catch (error) {
    if (once && outcomeUnknown(error) && (await findSharedFile(slack, once.log, { channel: channelId, ...upload }))) return ticket.file_id;
    throw error;
  }
  return ticket.file_id;
}

async function postFile(uploadUrl: string, path: string, size: number): Promise<void> {
  const url = new URL(uploadUrl);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const req = send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    timeout: 60_000,
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error('Slack stopped answering the upload')));
  });
  const sending = pipeline(createReadStream(path), req);
  // Slack's answer decides, not how this side's stream ended: the connection may close right after the answer and
  // before the request's own 'finish' (pipeline then says "Premature close" though every byte arrived). An error
  // before any answer (the file unreadable, the connection cut) still fails the upload.
  const res = await Promise.race([answered, sending.then(() => answered)]);
  sending.catch(() => undefined);
  res.resume();
  if (res.statusCode !== 200) throw new Error(`Slack refused the upload (HTTP ${res.statusCode})`);
}
