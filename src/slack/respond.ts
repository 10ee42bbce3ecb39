// Answers through a response_url (valid 30 min, 5 uses): ephemeral by default, or replacing the message
// a button sat in. Used for commands, buttons and modal submissions alike; a DM where there is no URL.
import type { WebClient } from '@slack/web-api';
import { CodedError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SlackMessage } from '../views/blocks.js';

export interface ReplyOptions {
  public?: boolean;
  replaceOriginal?: boolean;
}

export type Reply = (message: SlackMessage, opts?: ReplyOptions) => Promise<void>;

export class ResponseUrlError extends CodedError<'slack_response_url_refused'> {
  constructor(readonly status: number) {
    super('slack_response_url_refused', `Slack refused the answer through response_url (HTTP ${status})`);
  }
}

export function replyVia(responseUrl: string, fetchImpl: typeof fetch = fetch): Reply {
  return async (message, opts = {}) => {
    const res = await fetchImpl(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: opts.public ? 'in_channel' : 'ephemeral',
        replace_original: Boolean(opts.replaceOriginal),
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new ResponseUrlError(res.status);
    await res.body?.cancel();
  };
}

/** A message in the admin's direct message with the bot (what outlives the command). */
export function directMessage(client: WebClient, userId: string): Reply {
  return async (message) => {
    await client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks, unfurl_links: false });
  };
}

/**
 * For what follows a write that already happened in Zoom: a failed answer must not make the write look
 * failed (and invite a second one), so it is logged and, where given, tried through a fallback.
 */
export async function tellAfterWrite(
  log: Logger,
  message: SlackMessage,
  replies: Array<Reply>,
  opts?: ReplyOptions,
): Promise<boolean> {
  for (const reply of replies) {
    try {
      await reply(message, opts);
      return true;
    } catch (error) {
      log.warn({ err: error }, 'could not deliver the result of a write; trying the next way');
    }
  }
  return false;
}
