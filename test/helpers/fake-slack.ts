// A local stand-in for Slack's Web API (reached through SLACK_API_URL) and for response_url, recording every
// call so tests can assert what the admin would have seen. Strict: a message or modal over Slack's Block Kit limits
// is refused as Slack refuses it (src/sandbox/slack/block-kit-limits.ts, which the sandbox uses too), and a refusal nobody expected fails the test.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackRefusal, type SlackRefusal } from '../../src/sandbox/slack/block-kit-limits.js';

export interface SlackCall {
  method: string;
  /** Parsed JSON or form body; JSON-looking form fields (blocks, view) are parsed too. */
  body: Record<string, any>;
}

export interface FakeSlackUser {
  id: string;
  email?: string;
  tz?: string;
  isAdmin?: boolean;
  /** The user's own workspace; T1 (the installing one, as auth.test says) unless a Slack Connect guest's. */
  teamId?: string;
  /** The user's Enterprise Grid organisation, if any. */
  enterpriseId?: string;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly users = new Map<string, FakeSlackUser>();
  readonly groups = new Map<string, string[]>();
  /** conversations.info answers: a channel not listed here is `channel_not_found`, as for a private one. */
  readonly channels = new Map<string, Record<string, unknown>>();
  /**
   * Canned refusals, each used once by the next call of its method (e.g. a 429 with Retry-After), or by the next one
   * `match` accepts (a post into one channel, or into a thread).
   */
  readonly failures: Array<{
    method: string;
    status: number;
    headers?: Record<string, string>;
    body: Record<string, unknown>;
    match?: (call: SlackCall) => boolean;
  }> = [];
  /**
   * Calls refused for breaking Slack's Block Kit limits. Each one fails the test (`assertNoRefusals`, run after each
   * test of useBotFixture and by `stop`); a test that provokes one on purpose takes it out with `takeRefusals`.
   */
  private refusals: Array<{ call: SlackCall; answer: SlackRefusal }> = [];
  /**
   * Calls Slack carries out but whose answer never arrives in time, each used once by the next call of its method
   * that `match` accepts: `drop` closes the connection instead of answering, `delayMs` answers that much later.
   */
  readonly interruptions: Array<{ method: string; match?: (call: SlackCall) => boolean; drop?: boolean; delayMs?: number }> = [];
  /** Every answer waits this long (a slow Slack): posts are still in flight when a test kills their process. */
  answerDelayMs = 0;
  /** The token's scopes, as Slack lists them in every answer's x-oauth-scopes header. */
  scopes = ['chat:write', 'chat:write.public', 'im:write', 'channels:history', 'groups:history', 'im:history', 'channels:join'];
  /** Messages posted per channel, for conversations.history / replies (with metadata when asked for). */
  readonly history = new Map<string, Array<{ ts: string; text?: string; thread_ts?: string; metadata?: unknown; files?: unknown[] }>>();
  /** Where apps.connections.open sends a Socket Mode client (a test's own WebSocket server). */
  socketModeUrl = '';
  private lastTs = 0;
  private server?: Server;
  private waiters: Array<{ match: (c: SlackCall) => boolean; resolve: (c: SlackCall) => void }> = [];
  private viewCounter = 0;
  private fileCounter = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const method = (req.url ?? '').replace(/^\/(api\/)?/, '').replace(/\?.*$/, '');
        const call = { method, body };
        this.calls.push(call);
        const failure = this.failures.findIndex((f) => f.method === method && (f.match?.(call) ?? true));
        const canned = failure >= 0 ? this.failures.splice(failure, 1)[0] : undefined;
        const refused = canned ? undefined : slackRefusal(method, body);
        if (refused) this.refusals.push({ call, answer: refused });
        const answer = canned ? canned.body : (refused ?? this.answer(call));
        const cut = canned || refused ? -1 : this.interruptions.findIndex((i) => i.method === method && (i.match?.(call) ?? true));
        const interruption = cut >= 0 ? this.interruptions.splice(cut, 1)[0] : undefined;
        const send = () => {
          if (interruption?.drop) {
            req.socket.destroy();
            return;
          }
          // A response_url refuses with an HTTP error, the Web API with ok: false.
          const status = canned?.status ?? (refused && method.startsWith('response/') ? 400 : 200);
          res.writeHead(status, { 'content-type': 'application/json', 'x-oauth-scopes': this.scopes.join(','), ...canned?.headers });
          res.end(JSON.stringify(answer));
        };
        const delayMs = (interruption?.delayMs ?? 0) + this.answerDelayMs;
        if (delayMs > 0) setTimeout(send, delayMs);
        else send();
        for (const waiter of [...this.waiters]) {
          if (waiter.match(call)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(call);
          }
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.assertNoRefusals();
  }

  /** Throws, naming each call and Slack's reason, when the bot sent anything Slack would have refused. */
  assertNoRefusals(): void {
    const refused = this.takeRefusals();
    if (refused.length === 0) return;
    const lines = refused.map(({ call, answer }) => {
      const reasons = (answer.response_metadata as { messages: string[] }).messages.join('; ');
      return `  ${call.method} → ${answer.error}: ${reasons}`;
    });
    throw new Error(`Slack would have refused ${refused.length} call(s) from the bot:\n${lines.join('\n')}`);
  }

  /** The refused calls so far (a test that expects one asserts on them); they no longer fail the test. */
  takeRefusals(): Array<{ call: SlackCall; answer: SlackRefusal }> {
    return this.refusals.splice(0);
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url for one interaction; answers posted there are recorded as method `response/<id>`. */
  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /** Resolves with the first call (already made or future) that matches. */
  waitFor(match: (c: SlackCall) => boolean, timeoutMs = 5_000): Promise<SlackCall> {
    const done = this.calls.find(match);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching Slack call within ${timeoutMs} ms; saw: ${this.calls.map((c) => c.method).join(', ')}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  /** The text of the first file the bot uploaded (already or from now on): the upload URL gets only the file. */
  async uploadedFile(timeoutMs?: number): Promise<string> {
    const upload = await this.waitFor((c) => c.method.startsWith('upload/'), timeoutMs);
    return String(Object.values(upload.body)[0]);
  }

  /** The next answer posted to the given response_url. */
  response(id: string, timeoutMs?: number): Promise<SlackCall> {
    return this.waitFor((c) => c.method === `response/${id}`, timeoutMs);
  }

  private answer(call: SlackCall): Record<string, unknown> {
    switch (call.method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', team: 'Test' };
      case 'apps.connections.open':
        return this.socketModeUrl ? { ok: true, url: this.socketModeUrl } : { ok: false, error: 'invalid_auth' };
      case 'users.info': {
        const user = this.users.get(String(call.body.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: user.id,
            team_id: user.teamId ?? 'T1',
            ...(user.enterpriseId ? { enterprise_user: { id: user.id, enterprise_id: user.enterpriseId } } : {}),
            name: user.id.toLowerCase(),
            tz: user.tz ?? 'UTC',
            is_admin: Boolean(user.isAdmin),
            is_owner: false,
            profile: { email: user.email, display_name: user.id },
          },
        };
      }
      case 'usergroups.users.list':
        return { ok: true, users: this.groups.get(String(call.body.usergroup)) ?? [] };
      case 'chat.postMessage': {
        // Unique and increasing, as Slack's are: threads are found by ts.
        this.lastTs = Math.max(Date.now() * 1000, this.lastTs + 1);
        const ts = `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
        const { text, thread_ts, metadata } = call.body;
        const channel = String(call.body.channel);
        // A post to a user goes into their DM with the bot, whose history is read under the DM's ID (conversations.open).
        const conversation = /^[UW]/.test(channel) ? `D${channel}` : channel;
        this.history.set(conversation, [...(this.history.get(conversation) ?? []), { ts, text, ...(thread_ts ? { thread_ts } : {}), ...(metadata ? { metadata } : {}) }]);
        return { ok: true, channel, ts };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        const oldest = Number(call.body.oldest ?? 0);
        const withMetadata = String(call.body.include_all_metadata) === 'true';
        const inThread = (m: { ts: string; thread_ts?: string }) => (call.method === 'conversations.replies' ? m.ts === call.body.ts || m.thread_ts === call.body.ts : !m.thread_ts);
        const messages = (this.history.get(String(call.body.channel)) ?? [])
          .filter((m) => Number(m.ts) >= oldest && inThread(m))
          .map(({ metadata, ...m }) => ({ type: 'message', ...m, ...(withMetadata && metadata ? { metadata } : {}) }))
          .reverse();
        return { ok: true, messages, has_more: false, response_metadata: { next_cursor: '' } };
      }
      case 'conversations.info': {
        const channel = this.channels.get(String(call.body.channel));
        return channel ? { ok: true, channel: { id: call.body.channel, ...channel } } : { ok: false, error: 'channel_not_found' };
      }
      case 'views.open':
      case 'views.update':
        return { ok: true, view: { id: call.body.view_id ?? `V${++this.viewCounter}` } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(call.body.users)}` } };
      // The external upload pair: the upload URL points back here, so the file's bytes are recorded as `upload/<id>`.
      case 'files.getUploadURLExternal': {
        const fileId = `F${++this.fileCounter}`;
        return { ok: true, file_id: fileId, upload_url: `${this.url}/upload/${fileId}` };
      }
      case 'files.completeUploadExternal': {
        const files = (call.body.files ?? []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title }));
        // Shared into a channel: the message that carries the files is in its history.
        if (call.body.channel_id) {
          this.lastTs = Math.max(Date.now() * 1000, this.lastTs + 1);
          const ts = `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
          const channel = String(call.body.channel_id);
          this.history.set(channel, [...(this.history.get(channel) ?? []), { ts, files }]);
        }
        return { ok: true, files };
      }
      default:
        return { ok: true };
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text);
  // A raw upload to upload_url (recording files are streamed as bytes, not sent as a form): byte for byte, as latin1.
  if ((req.headers['content-type'] ?? '').includes('application/octet-stream')) return { content: Buffer.concat(chunks).toString('latin1') };
  if ((req.headers['content-type'] ?? '').includes('multipart/form-data')) {
    // An upload to upload_url: each part as text (the file's content under its field name).
    const parts = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type']! } }).formData();
    const form: Record<string, any> = {};
    for (const [key, value] of parts) form[key] = typeof value === 'string' ? value : await value.text();
    return form;
  }
  const form: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    form[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return form;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
