// Answers through a response_url (valid 30 min, 5 uses): ephemeral by default, or replacing the message
// a button sat in. Used for commands, buttons and modal submissions alike.
import type { SlackMessage } from '../views/blocks.js';

export interface ReplyOptions {
  public?: boolean;
  replaceOriginal?: boolean;
}

export type Reply = (message: SlackMessage, opts?: ReplyOptions) => Promise<void>;

export class ResponseUrlError extends Error {
  constructor(readonly status: number) {
    super(`Slack refused the answer through response_url (HTTP ${status})`);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
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
