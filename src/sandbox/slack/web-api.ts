// The Web API methods the bot calls (under /api/, reached through SLACK_API_URL), answered as Slack answers them:
// HTTP 200 with `{ok: true, …}` or `{ok: false, error}` using Slack's own error names, against the Workspace.
import type { ConsoleUser, Message, Workspace } from './workspace.js';
import { API_APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, TEAM_NAME } from './workspace.js';
import { slackRefusal } from './block-kit-limits.js';

export type ApiArgs = Record<string, any>;
export type ApiAnswer = Record<string, unknown> & { ok: boolean };

export interface WebApiContext {
  workspace: Workspace;
  /** http://127.0.0.1:PORT of the console (upload URLs, file links). */
  baseUrl: () => string;
}

const fail = (error: string, extra: Record<string, unknown> = {}): ApiAnswer => ({ ok: false, error, ...extra });

/** Slack form fields that carry JSON (blocks, view, files, attachments) arrive as strings; JSON bodies as values. */
export function jsonField<T>(value: unknown): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

function userJson(user: ConsoleUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: TEAM_ID,
    name: user.name,
    real_name: user.realName,
    deleted: false,
    tz: user.tz,
    is_admin: user.isAdmin,
    is_owner: false,
    is_primary_owner: false,
    is_bot: false,
    profile: { email: user.email, real_name: user.realName, display_name: user.realName },
  };
}

function messageJson(m: Message, withMetadata = false): Record<string, unknown> {
  return {
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    type: 'message',
    ts: m.ts,
    user: m.user,
    ...(m.user === BOT_USER_ID ? { bot_id: BOT_ID, app_id: API_APP_ID } : {}),
    text: m.text,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.files?.length ? { files: m.files.map((id) => ({ id })) } : {}),
  };
}

/** text or blocks, as chat.postMessage wants at least one of them. */
function content(args: ApiArgs): { text: string; blocks?: unknown[] } | undefined {
  const blocks = jsonField<unknown[]>(args.blocks);
  const text = typeof args.text === 'string' ? args.text : '';
  if (!text && !(blocks && blocks.length > 0)) return undefined;
  return { text, ...(blocks ? { blocks } : {}) };
}

type Method = (ctx: WebApiContext, args: ApiArgs) => ApiAnswer | Promise<ApiAnswer>;

function channelJson(ctx: WebApiContext, id: string): Record<string, unknown> | undefined {
  const channel = ctx.workspace.channels.get(id);
  if (!channel) return undefined;
  return channel.kind === 'im'
    ? { id, is_im: true, user: channel.user, is_open: true }
    : {
        id,
        name: channel.name,
        is_channel: true,
        is_private: false,
        is_archived: false,
        is_member: channel.botIsMember,
        num_members: channel.members.size + (channel.botIsMember ? 1 : 0),
      };
}

function viewJson(open: { id: string; hash: string; view: Record<string, any> }): Record<string, unknown> {
  return {
    ...open.view,
    id: open.id,
    team_id: TEAM_ID,
    app_id: API_APP_ID,
    bot_id: BOT_ID,
    hash: open.hash,
    state: { values: {} },
    private_metadata: open.view.private_metadata ?? '',
    callback_id: open.view.callback_id ?? '',
  };
}

function checkView(view: Record<string, any> | undefined): string | undefined {
  if (!view || typeof view !== 'object') return 'invalid_arguments';
  if (view.type !== 'modal' || !view.title || !Array.isArray(view.blocks)) return 'invalid_arguments';
  if (view.blocks.length > 100) return 'invalid_arguments';
  return undefined;
}

export const METHODS: Record<string, Method> = {
  'auth.test': (ctx) => ({
    ok: true,
    url: `${ctx.baseUrl()}/`,
    team: TEAM_NAME,
    user: 'zoomops',
    team_id: TEAM_ID,
    user_id: BOT_USER_ID,
    bot_id: BOT_ID,
  }),

  'chat.postMessage': (ctx, args) => {
    const channel = ctx.workspace.resolveChannel(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    const body = content(args);
    if (!body) return fail('no_text');
    const threadTs = args.thread_ts ? String(args.thread_ts) : undefined;
    const metadata = jsonField<unknown>(args.metadata);
    const message = ctx.workspace.post({ channel: channel.id, user: BOT_USER_ID, ...body, ...(threadTs ? { threadTs } : {}), ...(metadata ? { metadata } : {}) });
    return { ok: true, channel: channel.id, ts: message.ts, message: messageJson(message) };
  },

  'chat.postEphemeral': (ctx, args) => {
    const channel = ctx.workspace.resolveChannel(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    const user = String(args.user ?? '');
    if (!ctx.workspace.users.has(user)) return fail('user_not_found');
    if (channel.kind === 'channel' && !channel.members.has(user)) return fail('user_not_in_channel');
    const body = content(args);
    if (!body) return fail('no_text');
    const message = ctx.workspace.post({ channel: channel.id, user: BOT_USER_ID, ...body, visibleTo: user });
    return { ok: true, message_ts: message.ts };
  },

  'chat.update': (ctx, args) => {
    const channel = ctx.workspace.resolveChannel(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    const message = ctx.workspace.find(channel.id, String(args.ts ?? ''));
    if (!message || message.visibleTo) return fail('message_not_found');
    if (message.user !== BOT_USER_ID) return fail('cant_update_message');
    const body = content(args);
    if (!body) return fail('no_text');
    ctx.workspace.replace(message, body, { edited: true });
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text, message: messageJson(message) };
  },

  'chat.delete': (ctx, args) => {
    const channel = ctx.workspace.resolveChannel(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    const message = ctx.workspace.find(channel.id, String(args.ts ?? ''));
    if (!message || message.visibleTo) return fail('message_not_found');
    if (message.user !== BOT_USER_ID) return fail('cant_delete_message');
    ctx.workspace.remove(message);
    return { ok: true, channel: channel.id, ts: message.ts };
  },

  'views.open': (ctx, args) => {
    const used = ctx.workspace.useTrigger(String(args.trigger_id ?? ''));
    if ('error' in used) return fail(used.error);
    const view = jsonField<Record<string, any>>(args.view);
    const problem = checkView(view);
    if (problem) return fail(problem);
    // Slack opens a new modal on top only through views.push; views.open replaces whatever was open.
    ctx.workspace.views.set(used.trigger.user, []);
    const open = ctx.workspace.pushView(used.trigger.user, view!, { channel: used.trigger.channel });
    return { ok: true, view: viewJson(open) };
  },

  'views.push': (ctx, args) => {
    const used = ctx.workspace.useTrigger(String(args.trigger_id ?? ''));
    if ('error' in used) return fail(used.error);
    if (!ctx.workspace.topView(used.trigger.user)) return fail('not_found');
    const view = jsonField<Record<string, any>>(args.view);
    const problem = checkView(view);
    if (problem) return fail(problem);
    if ((ctx.workspace.views.get(used.trigger.user)?.length ?? 0) >= 3) return fail('push_limit_reached');
    const open = ctx.workspace.pushView(used.trigger.user, view!, { channel: used.trigger.channel });
    return { ok: true, view: viewJson(open) };
  },

  'views.update': (ctx, args) => {
    const id = String(args.view_id ?? args.external_id ?? '');
    const open = ctx.workspace.findView(id);
    if (!open) return fail('not_found');
    if (args.hash && args.hash !== open.hash) return fail('hash_conflict');
    const view = jsonField<Record<string, any>>(args.view);
    const problem = checkView(view);
    if (problem) return fail(problem);
    ctx.workspace.updateView(open, view!);
    return { ok: true, view: viewJson(open) };
  },

  'users.info': (ctx, args) => {
    const user = ctx.workspace.users.get(String(args.user ?? ''));
    if (!user) return fail('user_not_found');
    return { ok: true, user: userJson(user) };
  },

  'usergroups.users.list': (ctx, args) => {
    const members = ctx.workspace.groups.get(String(args.usergroup ?? ''));
    if (!members) return fail('no_such_subteam');
    return { ok: true, users: members };
  },

  'conversations.info': (ctx, args) => {
    const channel = channelJson(ctx, String(args.channel ?? ''));
    return channel ? { ok: true, channel } : fail('channel_not_found');
  },

  'conversations.members': (ctx, args) => {
    const channel = ctx.workspace.channels.get(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    const members = [...channel.members, ...(channel.botIsMember ? [BOT_USER_ID] : [])];
    return { ok: true, members, response_metadata: { next_cursor: '' } };
  },

  // What the bot reads after a crash to find a post whose outcome it lost (slack/post-once.ts): public messages since
  // `oldest`, newest first, the metadata with include_all_metadata, one page (a console channel keeps 300 at most).
  'conversations.history': (ctx, args) => {
    const found = readable(ctx, args);
    if ('error' in found) return fail(found.error);
    const list = found.messages.filter((m) => !m.threadTs || m.threadTs === m.ts);
    return historyPage([...list].reverse(), args);
  },

  'conversations.replies': (ctx, args) => {
    const found = readable(ctx, args);
    if ('error' in found) return fail(found.error);
    const ts = String(args.ts ?? '');
    const list = found.messages.filter((m) => m.ts === ts || m.threadTs === ts);
    if (!list.some((m) => m.ts === ts)) return fail('thread_not_found');
    return historyPage(list, args);
  },

  'conversations.join': (ctx, args) => {
    const channel = ctx.workspace.channels.get(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    if (channel.kind === 'im') return fail('method_not_supported_for_channel_type');
    const already = channel.botIsMember;
    channel.botIsMember = true;
    ctx.workspace.changed({ channel: channel.id });
    return { ok: true, channel: channelJson(ctx, channel.id), ...(already ? { warning: 'already_in_channel' } : {}) };
  },

  'conversations.open': (ctx, args) => {
    const ids = String(args.users ?? '').split(',').filter(Boolean);
    if (ids.length !== 1) return fail(ids.length === 0 ? 'users_list_not_supplied' : 'not_supported');
    const dm = ctx.workspace.dmOf(ids[0]!);
    if (!dm) return fail('user_not_found');
    return { ok: true, channel: { id: dm.id } };
  },

  'files.getUploadURLExternal': (ctx, args) => {
    const filename = String(args.filename ?? '');
    const length = Number(args.length);
    if (!filename || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
    const id = ctx.workspace.newId('F');
    ctx.workspace.files.set(id, { id, name: filename, title: filename, mimetype: mimetypeOf(filename) });
    return { ok: true, upload_url: `${ctx.baseUrl()}/upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (ctx, args) => {
    const wanted = jsonField<Array<{ id: string; title?: string }>>(args.files) ?? [];
    if (wanted.length === 0) return fail('invalid_arguments');
    const files = [];
    for (const { id, title } of wanted) {
      const file = ctx.workspace.files.get(id);
      // Slack refuses to complete a file whose bytes never arrived.
      if (!file || !file.bytes) return fail('file_not_found');
      if (title) file.title = title;
      files.push(file);
    }
    const channelRef = args.channel_id ?? args.channels;
    if (channelRef) {
      const channel = ctx.workspace.resolveChannel(String(channelRef).split(',')[0]!);
      if (!channel) return fail('channel_not_found');
      const threadTs = args.thread_ts ? String(args.thread_ts) : undefined;
      const comment = typeof args.initial_comment === 'string' ? args.initial_comment : '';
      ctx.workspace.post({ channel: channel.id, user: BOT_USER_ID, text: comment, files: files.map((f) => f.id), ...(threadTs ? { threadTs } : {}) });
    }
    return {
      ok: true,
      files: files.map((f) => ({ id: f.id, name: f.name, title: f.title, mimetype: f.mimetype, size: f.bytes!.length, url_private: fileUrl(ctx, f) })),
    };
  },
};

function readable(ctx: WebApiContext, args: ApiArgs): { messages: Message[] } | { error: string } {
  const channel = ctx.workspace.channels.get(String(args.channel ?? ''));
  if (!channel) return { error: 'channel_not_found' };
  if (!channel.botIsMember) return { error: 'not_in_channel' };
  const oldest = Number(args.oldest ?? 0);
  return { messages: (ctx.workspace.messages.get(channel.id) ?? []).filter((m) => !m.visibleTo && Number(m.ts) > oldest) };
}

/** One page of messages in the order given (history: newest first; replies: the parent, then oldest first). */
function historyPage(list: Message[], args: ApiArgs): ApiAnswer {
  const limit = Math.min(Math.max(Number(args.limit) || 100, 1), 999);
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
  return {
    ok: true,
    messages: list.slice(0, limit).map((m) => messageJson(m, withMetadata)),
    has_more: list.length > limit,
    response_metadata: { next_cursor: '' },
  };
}

export function fileUrl(ctx: { baseUrl: () => string }, file: { id: string; name: string }): string {
  return `${ctx.baseUrl()}/files/${file.id}/${encodeURIComponent(file.name)}`;
}

export function mimetypeOf(filename: string): string {
  const ext = filename.toLowerCase().split('.').pop() ?? '';
  return (
    { csv: 'text/csv', txt: 'text/plain', vtt: 'text/vtt', json: 'application/json', mp4: 'video/mp4', m4a: 'audio/mp4' } as Record<string, string>
  )[ext] ?? 'application/octet-stream';
}

/** Runs one method; unknown ones answer `unknown_method`, as Slack does, so a missing one shows up at once. */
export async function callMethod(ctx: WebApiContext, method: string, args: ApiArgs): Promise<ApiAnswer> {
  const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!handler) return fail('unknown_method', { req_method: method });
  // What Slack would refuse (Block Kit limits) is refused here too, so the sandbox shows the failure a real
  // workspace would give.
  const refused = slackRefusal(method, { ...args, blocks: jsonField(args.blocks) ?? args.blocks, view: jsonField(args.view) ?? args.view });
  if (refused) return refused;
  return handler(ctx, args);
}
