// The Slack console's in-memory workspace: its people, channels (#general, #zoom-alerts, #registrations, each person's DM with
// the bot), messages (public and ephemeral), open modals, uploaded files and triggers. Every change is announced
// on `change` so the page's server-sent events can tell the browser to redraw.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

export const TEAM_ID = 'T0SANDBOX';
export const TEAM_NAME = 'ZoomOps Sandbox';
export const BOT_USER_ID = 'U0SBZOOMOPS';
export const BOT_ID = 'B0SBZOOMOPS';
export const API_APP_ID = 'A0SBZOOMOPS';
/** A user group holding the admin, so ZOOMOPS_ADMINS=S… can be tried in the sandbox too. */
export const ADMINS_GROUP_ID = 'S0SBZOOMADM';

export interface ConsoleUser {
  id: string;
  /** Slack handle. */
  name: string;
  realName: string;
  email: string;
  tz: string;
  isAdmin: boolean;
}

export interface Channel {
  id: string;
  name: string;
  kind: 'channel' | 'im';
  /** For a DM: the person the bot talks to. */
  user?: string;
  members: Set<string>;
  botIsMember: boolean;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  bytes?: Buffer;
  mimetype: string;
}

export interface Message {
  channel: string;
  ts: string;
  threadTs?: string;
  /** A person's ID, the bot's user ID, or 'USLACKBOT' for the console's own notices. */
  user: string;
  text: string;
  blocks?: unknown[];
  files?: string[];
  /** Set for an ephemeral message: the only person who sees it. */
  visibleTo?: string;
  /** The app's message metadata (`event_type`, `event_payload`), returned by history with include_all_metadata. */
  metadata?: unknown;
  edited?: boolean;
}

/** A modal as Slack keeps it: the view the app sent plus the ids and hash Slack adds. */
export interface OpenView {
  id: string;
  user: string;
  hash: string;
  view: Record<string, any>;
  /** Inline errors from the last `response_action: errors`, by block_id. */
  errors?: Record<string, string>;
  /** A failure Slack shows at the top of the modal (the app did not answer the submission). */
  problem?: string;
  /** The message or channel the modal was opened from, for the view_submission's response_urls. */
  origin: { channel: string };
}

export interface Trigger {
  user: string;
  channel: string;
  at: number;
  used: boolean;
}

export type Change = { channel?: string; user?: string };

/** Slack lets an app use a trigger_id for 3 s; the console allows a little more so a busy laptop still opens the modal. */
export const TRIGGER_LIFETIME_MS = 10_000;

export const DEFAULT_USERS = (tz: string): ConsoleUser[] => [
  { id: 'U0SBADMIN', name: 'alex.admin', realName: 'Alex Admin', email: 'admin@sandbox.zoomops.test', tz, isAdmin: true },
  { id: 'U0SBMEMBER', name: 'morgan.member', realName: 'Morgan Member', email: 'member@sandbox.zoomops.test', tz, isAdmin: false },
];

const MAX_MESSAGES_PER_CHANNEL = 300;

export class Workspace extends EventEmitter<{ change: [Change] }> {
  readonly users = new Map<string, ConsoleUser>();
  readonly channels = new Map<string, Channel>();
  readonly messages = new Map<string, Message[]>();
  readonly files = new Map<string, StoredFile>();
  /** Each person's modal stack (views.push adds on top). */
  readonly views = new Map<string, OpenView[]>();
  readonly triggers = new Map<string, Trigger>();
  readonly groups = new Map<string, string[]>();
  private lastTs = 0;
  private counter = 0;

  constructor(users: ConsoleUser[], private readonly clock: () => number = Date.now) {
    super();
    for (const user of users) this.users.set(user.id, user);
    const everyone = new Set(users.map((u) => u.id));
    this.addChannel({ id: 'C0SBGENERAL', name: 'general', kind: 'channel', members: new Set(everyone), botIsMember: true });
    this.addChannel({ id: 'C0SBALERTS', name: 'zoom-alerts', kind: 'channel', members: new Set(everyone), botIsMember: false });
    // Where help's `/zoom rules set … --channel #registrations` example sends its reports, so the example works here.
    this.addChannel({ id: 'C0SBREGISTR', name: 'registrations', kind: 'channel', members: new Set(everyone), botIsMember: false });
    for (const user of users) {
      this.addChannel({ id: `D${user.id.slice(1)}`, name: user.name, kind: 'im', user: user.id, members: new Set([user.id]), botIsMember: true });
    }
    this.groups.set(ADMINS_GROUP_ID, users.filter((u) => u.isAdmin).map((u) => u.id));
  }

  private addChannel(channel: Channel): void {
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
  }

  /** A channel by ID, `#name`, `name`, or a person's ID (their DM with the bot), as chat.postMessage accepts. */
  resolveChannel(ref: string): Channel | undefined {
    const direct = this.channels.get(ref);
    if (direct) return direct;
    if (this.users.has(ref)) return this.dmOf(ref);
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.kind === 'channel' && c.name === name);
  }

  dmOf(userId: string): Channel | undefined {
    return [...this.channels.values()].find((c) => c.kind === 'im' && c.user === userId);
  }

  /** Strictly increasing Slack-style timestamps (`seconds.micros`), so messages sort and never collide. */
  nextTs(): string {
    const micros = Math.max(this.clock() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  newId(prefix: string): string {
    return `${prefix}0SB${(++this.counter).toString(36).toUpperCase().padStart(4, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
  }

  post(message: Omit<Message, 'ts'> & { ts?: string }): Message {
    const stored: Message = { ...message, ts: message.ts ?? this.nextTs() };
    const list = this.messages.get(stored.channel);
    if (!list) throw new Error(`no channel ${stored.channel}`);
    list.push(stored);
    if (list.length > MAX_MESSAGES_PER_CHANNEL) list.splice(0, list.length - MAX_MESSAGES_PER_CHANNEL);
    this.changed({ channel: stored.channel });
    return stored;
  }

  find(channel: string, ts: string): Message | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  replace(message: Message, content: Pick<Message, 'text' | 'blocks'>, opts: { edited?: boolean } = {}): void {
    message.text = content.text;
    message.blocks = content.blocks;
    if (opts.edited) message.edited = true;
    this.changed({ channel: message.channel });
  }

  remove(message: Message): void {
    const list = this.messages.get(message.channel) ?? [];
    const index = list.indexOf(message);
    if (index >= 0) list.splice(index, 1);
    this.changed({ channel: message.channel });
  }

  /** What one person sees in a channel: every public message and the ephemeral ones meant for them. */
  visible(channel: string, userId: string): Message[] {
    return (this.messages.get(channel) ?? []).filter((m) => !m.visibleTo || m.visibleTo === userId);
  }

  issueTrigger(user: string, channel: string): string {
    const id = `${Math.floor(this.clock() / 1000)}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { user, channel, at: this.clock(), used: false });
    return id;
  }

  /** A trigger is good once, for a short while (Slack: `invalid_trigger_id`, `expired_trigger_id`). */
  useTrigger(id: string): { trigger: Trigger } | { error: 'invalid_trigger_id' | 'expired_trigger_id' } {
    const trigger = this.triggers.get(id);
    if (!trigger || trigger.used) return { error: 'invalid_trigger_id' };
    if (this.clock() - trigger.at > TRIGGER_LIFETIME_MS) return { error: 'expired_trigger_id' };
    trigger.used = true;
    return { trigger };
  }

  topView(userId: string): OpenView | undefined {
    return this.views.get(userId)?.at(-1);
  }

  findView(viewId: string): OpenView | undefined {
    for (const stack of this.views.values()) {
      const found = stack.find((v) => v.id === viewId || v.view.external_id === viewId);
      if (found) return found;
    }
    return undefined;
  }

  pushView(user: string, view: Record<string, any>, origin: { channel: string }): OpenView {
    const open: OpenView = { id: this.newId('V'), user, hash: newHash(), view, origin };
    const stack = this.views.get(user) ?? [];
    stack.push(open);
    this.views.set(user, stack);
    this.changed({ user });
    return open;
  }

  updateView(open: OpenView, view: Record<string, any>): void {
    open.view = view;
    open.hash = newHash();
    delete open.errors;
    delete open.problem;
    this.changed({ user: open.user });
  }

  closeView(open: OpenView, opts: { all?: boolean } = {}): void {
    const stack = this.views.get(open.user) ?? [];
    if (opts.all) stack.length = 0;
    else stack.splice(stack.indexOf(open), 1);
    this.changed({ user: open.user });
  }

  changed(change: Change): void {
    this.emit('change', change);
  }
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('hex')}`;
}
