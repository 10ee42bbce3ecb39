// What Slack sends the app when a person acts in the console: a slash command, a block action, a modal submission
// or close, each signed like Slack signs (v0 HMAC-SHA256 of `v0:<ts>:<body>` with the signing secret) and posted
// form-encoded to the bot's POST /slack/events; plus the response_urls the bot answers on, applied as Slack would.
import { createHmac, randomBytes } from 'node:crypto';
import { API_APP_ID, TEAM_ID, TEAM_NAME, BOT_USER_ID, type Message, type OpenView, type Workspace } from './workspace.js';
import { slackRefusal } from './block-kit-limits.js';

/** Slack gives an app 3 s to acknowledge; after that the person sees `operation_timeout`. */
export const ACK_TIMEOUT_MS = 3_000;
/** A response_url takes 5 answers within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface BotEndpoint {
  /** The bot's POST /slack/events. */
  url: string;
  signingSecret: string;
}

export interface BotAnswer {
  status: number;
  body: string;
}

/** Posts a signed, form-encoded request to the bot, with Slack's 3 s patience. */
export async function sendSigned(bot: BotEndpoint, form: Record<string, string>, now = Date.now()): Promise<BotAnswer> {
  const body = new URLSearchParams(form).toString();
  const timestamp = Math.floor(now / 1000);
  const res = await fetch(bot.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(bot.signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    body,
    signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text() };
}

/** Where a response_url's answers go: a new message for the person, or the message the button sat in. */
export interface ResponseTarget {
  user: string;
  channel: string;
  /** The message an interaction came from (replace_original / delete_original act on it). */
  messageTs?: string;
  uses: number;
  createdAt: number;
}

export class ResponseUrls {
  private readonly targets = new Map<string, ResponseTarget>();

  constructor(
    private readonly workspace: Workspace,
    private readonly baseUrl: () => string,
    private readonly clock: () => number = Date.now,
  ) {}

  issue(target: Omit<ResponseTarget, 'uses' | 'createdAt'>): string {
    const id = `${TEAM_ID}/${randomBytes(12).toString('hex')}`;
    this.targets.set(id, { ...target, uses: 0, createdAt: this.clock() });
    return `${this.baseUrl()}/response/${id}`;
  }

  /**
   * Applies one answer the way Slack does: `replace_original` rewrites the original message (ephemeral stays
   * ephemeral), `delete_original` removes it, otherwise `in_channel` posts publicly and anything else ephemerally.
   */
  answer(id: string, body: Record<string, any>): { status: number; error?: string } {
    const target = this.targets.get(id);
    if (!target || this.clock() - target.createdAt > RESPONSE_URL_LIFETIME_MS) return { status: 404, error: 'expired_url' };
    if (target.uses >= RESPONSE_URL_USES) return { status: 404, error: 'used_url' };
    const refused = slackRefusal(`response/${id}`, body);
    if (refused) return { status: 400, error: refused.error };
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const original = target.messageTs ? this.workspace.find(target.channel, target.messageTs) : undefined;
    if (isTrue(body.delete_original)) {
      target.uses++;
      if (original) this.workspace.remove(original);
      return { status: 200 };
    }
    if (!text && !blocks?.length) return { status: 400, error: 'no_text' };
    target.uses++;
    if (isTrue(body.replace_original) && original) {
      this.workspace.replace(original, { text, ...(blocks ? { blocks } : {}) });
      return { status: 200 };
    }
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    this.workspace.post({
      channel: target.channel,
      user: BOT_USER_ID,
      text,
      ...(blocks ? { blocks } : {}),
      ...(threadTs ? { threadTs } : {}),
      ...(body.response_type === 'in_channel' ? {} : { visibleTo: target.user }),
    });
    return { status: 200 };
  }
}

const isTrue = (v: unknown) => v === true || v === 'true';

function userRef(workspace: Workspace, userId: string) {
  const user = workspace.users.get(userId);
  return { id: userId, username: user?.name ?? userId, name: user?.name ?? userId, team_id: TEAM_ID };
}

function channelRef(workspace: Workspace, channelId: string) {
  const channel = workspace.channels.get(channelId);
  return { id: channelId, name: channel?.kind === 'im' ? 'directmessage' : (channel?.name ?? channelId) };
}

/**
 * A command's text as Slack sends it with `should_escape` on (manifest.yml): `&`, `<`, `>` as entities, a typed
 * `#channel` as `<#C…|name>` and `@handle` as `<@U…|handle>` for the channels and people Slack knows.
 */
export function escapeCommandText(workspace: Workspace, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped
    .replace(/(^|\s)#([a-z0-9_-]+)/g, (whole, before: string, name: string) => {
      const channel = [...workspace.channels.values()].find((c) => c.kind === 'channel' && c.name === name);
      return channel ? `${before}<#${channel.id}|${name}>` : whole;
    })
    .replace(/(^|\s)@([a-z0-9._-]+)/g, (whole, before: string, handle: string) => {
      const user = [...workspace.users.values()].find((u) => u.name === handle);
      return user ? `${before}<@${user.id}|${handle}>` : whole;
    });
}

/** The `slash_command` form Slack posts. */
export function slashCommandForm(workspace: Workspace, opts: { user: string; channel: string; command: string; text: string; responseUrl: string; triggerId: string }): Record<string, string> {
  const user = workspace.users.get(opts.user);
  return {
    token: 'sandbox-verification-token',
    team_id: TEAM_ID,
    team_domain: 'zoomops-sandbox',
    channel_id: opts.channel,
    channel_name: channelRef(workspace, opts.channel).name,
    user_id: opts.user,
    user_name: user?.name ?? opts.user,
    command: opts.command,
    text: escapeCommandText(workspace, opts.text),
    api_app_id: API_APP_ID,
    is_enterprise_install: 'false',
    response_url: opts.responseUrl,
    trigger_id: opts.triggerId,
  };
}

/** One element's state as the page reports it (what Slack puts in `actions[]` and `state.values`). */
export type ElementState = Record<string, unknown> & { type: string; action_id?: string };

/** The `block_actions` payload for an element in a message. */
export function messageActionPayload(workspace: Workspace, opts: {
  user: string;
  message: Message;
  blockId: string;
  action: ElementState;
  responseUrl: string;
  triggerId: string;
}): Record<string, unknown> {
  const { message } = opts;
  return {
    type: 'block_actions',
    user: userRef(workspace, opts.user),
    api_app_id: API_APP_ID,
    token: 'sandbox-verification-token',
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: message.channel,
      is_ephemeral: Boolean(message.visibleTo),
    },
    trigger_id: opts.triggerId,
    team: { id: TEAM_ID, domain: 'zoomops-sandbox', name: TEAM_NAME },
    enterprise: null,
    is_enterprise_install: false,
    channel: channelRef(workspace, message.channel),
    // Slack leaves the message out of the payload for an ephemeral one.
    ...(message.visibleTo
      ? {}
      : { message: { type: 'message', ts: message.ts, user: message.user, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) } }),
    state: { values: {} },
    response_url: opts.responseUrl,
    actions: [{ ...opts.action, block_id: opts.blockId, action_ts: workspace.nextTs() }],
  };
}

/** The view object Slack includes in view payloads, with the person's input as `state.values`. */
export function viewPayload(open: OpenView, values: Record<string, Record<string, ElementState>>): Record<string, unknown> {
  return {
    id: open.id,
    team_id: TEAM_ID,
    type: 'modal',
    title: open.view.title,
    ...(open.view.submit ? { submit: open.view.submit } : {}),
    ...(open.view.close ? { close: open.view.close } : {}),
    blocks: open.view.blocks ?? [],
    private_metadata: open.view.private_metadata ?? '',
    callback_id: open.view.callback_id ?? '',
    external_id: open.view.external_id ?? '',
    state: { values },
    hash: open.hash,
    clear_on_close: Boolean(open.view.clear_on_close),
    notify_on_close: Boolean(open.view.notify_on_close),
    root_view_id: open.id,
    previous_view_id: null,
    app_id: API_APP_ID,
    bot_id: 'B0SBZOOMOPS',
  };
}

export function viewActionPayload(workspace: Workspace, opts: {
  user: string;
  open: OpenView;
  blockId: string;
  action: ElementState;
  values: Record<string, Record<string, ElementState>>;
  triggerId: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: userRef(workspace, opts.user),
    api_app_id: API_APP_ID,
    token: 'sandbox-verification-token',
    container: { type: 'view', view_id: opts.open.id },
    trigger_id: opts.triggerId,
    team: { id: TEAM_ID, domain: 'zoomops-sandbox', name: TEAM_NAME },
    is_enterprise_install: false,
    view: viewPayload(opts.open, opts.values),
    actions: [{ ...opts.action, block_id: opts.blockId, action_ts: workspace.nextTs() }],
  };
}

export function viewSubmissionPayload(workspace: Workspace, opts: {
  user: string;
  open: OpenView;
  values: Record<string, Record<string, ElementState>>;
  triggerId: string;
  responseUrls: Array<{ block_id: string; action_id: string; channel_id: string; response_url: string }>;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'zoomops-sandbox' },
    user: userRef(workspace, opts.user),
    api_app_id: API_APP_ID,
    token: 'sandbox-verification-token',
    trigger_id: opts.triggerId,
    view: viewPayload(opts.open, opts.values),
    response_urls: opts.responseUrls,
    is_enterprise_install: false,
  };
}

export function viewClosedPayload(workspace: Workspace, opts: { user: string; open: OpenView }): Record<string, unknown> {
  return {
    type: 'view_closed',
    team: { id: TEAM_ID, domain: 'zoomops-sandbox' },
    user: userRef(workspace, opts.user),
    api_app_id: API_APP_ID,
    token: 'sandbox-verification-token',
    view: viewPayload(opts.open, {}),
    is_cleared: false,
    is_enterprise_install: false,
  };
}
