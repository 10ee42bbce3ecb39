// Requests signed the way Slack signs them (v0 HMAC-SHA256 over timestamp and raw body).
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';

export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(url: string, body: string, contentType: string, secret = SIGNING_SECRET): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(body, timestamp, secret),
    },
    body,
  });
}

export interface SlashCommand {
  text: string;
  userId: string;
  responseUrl: string;
  channelId?: string;
  triggerId?: string;
  command?: string;
}

export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'test',
    channel_id: c.channelId ?? 'C1',
    channel_name: 'general',
    user_id: c.userId,
    user_name: c.userId.toLowerCase(),
    command: c.command ?? '/zoom',
    text: c.text,
    api_app_id: 'A1',
    response_url: c.responseUrl,
    trigger_id: c.triggerId ?? 'trigger-1',
  }).toString();
}

/** A Block Kit interaction (button click or modal submission), sent as Slack does: `payload=<json>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A click; with `message`, the button sat in a channel message (an alert) rather than an ephemeral answer. */
export function buttonClick(opts: {
  userId: string;
  actionId: string;
  value: string;
  responseUrl: string;
  channelId?: string;
  message?: { ts: string; blocks: unknown[] };
}) {
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: opts.userId, username: opts.userId.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: 'trigger-2',
    channel: { id: opts.channelId ?? 'C1', name: 'general' },
    container: { type: 'message', message_ts: opts.message?.ts ?? '1.1', channel_id: opts.channelId ?? 'C1', is_ephemeral: !opts.message },
    ...(opts.message ? { message: { type: 'message', user: 'UBOT', ts: opts.message.ts, text: 'alert', blocks: opts.message.blocks } } : {}),
    response_url: opts.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: opts.actionId,
        block_id: 'b1',
        value: opts.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1.2',
      },
    ],
  };
}

export function viewSubmission(opts: { userId: string; callbackId: string; privateMetadata: string; values: Record<string, Record<string, unknown>>; viewId?: string }) {
  return {
    type: 'view_submission',
    team: { id: 'T1', domain: 'test' },
    user: { id: opts.userId, username: opts.userId.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: 'trigger-3',
    view: {
      id: opts.viewId ?? 'V1',
      team_id: 'T1',
      type: 'modal',
      callback_id: opts.callbackId,
      private_metadata: opts.privateMetadata,
      hash: 'h1',
      blocks: [],
      state: { values: opts.values },
    },
  };
}
