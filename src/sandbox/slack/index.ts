// Entry point of the Slack console: one node:http server on 127.0.0.1 that is Slack to the bot (Web API under
// /api/, response_urls, the upload URL) and a Slack-like channel page to a person (static files, the page's JSON
// routes under /console/, live updates by server-sent events, file downloads).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { MANIFEST_BOT_SCOPES } from '../../doctor/slack.js';
import { RECOVERY_SCOPES } from '../../slack/post-once.js';
import { FaultChange, type SandboxFaults } from '../faults.js';
import { silentLogger } from '../../log.js';
import { refuseForeign } from '../local-only.js';
import { ConsoleActions, ConsoleError } from './actions.js';
import { FAVICON } from './favicon.js';
import { ResponseUrls, type BotEndpoint } from './interactions.js';
import { pageState } from './page-state.js';
import { callMethod, type ApiArgs } from './web-api.js';
import { DEFAULT_USERS, Workspace, type ConsoleUser } from './workspace.js';

export type { ConsoleUser } from './workspace.js';

/**
 * The bot token's scopes, which Slack lists in `x-oauth-scopes` on every Web API answer: all of manifest.yml's, the
 * optional exactly-once ones included (the console answers conversations.history/replies/join), so the doctor and
 * the start-up scope warning see a fully installed app.
 */
const BOT_SCOPES = [...MANIFEST_BOT_SCOPES, ...RECOVERY_SCOPES].join(',');

export interface SlackConsoleOptions {
  /** 0 / undefined: any free port. Always 127.0.0.1. */
  port?: number;
  /** The bot token the bot is configured with; Web API calls with any other token get `invalid_auth`. */
  botToken: string;
  /** Signs what the console sends to the bot (SLACK_SIGNING_SECRET). */
  signingSecret: string;
  /** The slash command the bot answers (ZOOMOPS_COMMAND). */
  command?: string;
  /** The bot's base URL (its POST /slack/events); may be set later with setBotUrl. */
  botUrl?: string;
  /** The Zoom sandbox's base URL, for the simulate panel. */
  zoomSandboxUrl?: string;
  /** The install faults the page can switch on (a missing Zoom scope, a silent webhook), for the doctor. */
  faults?: Pick<SandboxFaults, 'state' | 'apply'>;
  users?: ConsoleUser[];
  logger?: Logger;
}

export interface SlackConsole {
  /** http://127.0.0.1:PORT, the page. */
  url: string;
  /** `${url}/api/`, for SLACK_API_URL. */
  apiUrl: string;
  workspace: Workspace;
  actions: ConsoleActions;
  setBotUrl(url: string): void;
  stop(): Promise<void>;
}

/** The page's static files live in src/ (no build step); found from both src/ and dist/ layouts. */
export function publicDir(): string {
  const candidates = [new URL('./public/', import.meta.url), new URL('../../../src/sandbox/slack/public/', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(`${path}index.html`)) return path;
  }
  throw new Error('The Slack console page (src/sandbox/slack/public/) is missing from this installation.');
}

const STATIC_TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

// The page's requests, checked at the edge like every other boundary.
const elementState = z.looseObject({ type: z.string(), action_id: z.string().optional() });
const viewValues = z.record(z.string(), z.record(z.string(), elementState));
const pageRequests = {
  type: z.object({ user: z.string(), channel: z.string(), text: z.string().max(40_000) }),
  act: z.object({ user: z.string(), channel: z.string(), ts: z.string(), blockId: z.string(), action: elementState }),
  actInView: z.object({ user: z.string(), viewId: z.string(), blockId: z.string(), action: elementState, values: viewValues }),
  submit: z.object({ user: z.string(), viewId: z.string(), values: viewValues }),
  close: z.object({ user: z.string(), viewId: z.string() }),
};

export async function startSlackConsole(opts: SlackConsoleOptions): Promise<SlackConsole> {
  const log = opts.logger ?? silentLogger;
  const command = opts.command ?? '/zoom';
  const workspace = new Workspace(opts.users ?? DEFAULT_USERS(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'));
  let baseUrl = '';
  let botUrl = opts.botUrl;
  const responseUrls = new ResponseUrls(workspace, () => baseUrl);
  const bot = (): BotEndpoint | undefined => (botUrl ? { url: `${botUrl.replace(/\/+$/, '')}/slack/events`, signingSecret: opts.signingSecret } : undefined);
  const actions = new ConsoleActions(workspace, responseUrls, { command, bot, log });
  const staticRoot = publicDir();
  const streams = new Set<ServerResponse>();
  workspace.on('change', (change) => {
    const line = `event: change\ndata: ${JSON.stringify(change)}\n\n`;
    for (const res of streams) res.write(line);
  });
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  const apiCtx = { workspace, baseUrl: () => baseUrl };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path.startsWith('/api/')) {
      const args = parseArgs(req, await readBody(req));
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || String(args.token ?? '');
      const name = path.slice('/api/'.length);
      if (!token) return sendJson(res, 200, { ok: false, error: 'not_authed' });
      if (token !== opts.botToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
      const answer = await callMethod(apiCtx, name, args);
      if (!answer.ok) log.warn({ method: name, error: answer.error }, 'Slack console refused a Web API call');
      return sendJson(res, 200, answer, { 'x-oauth-scopes': BOT_SCOPES });
    }
    if (method === 'POST' && path.startsWith('/response/')) {
      const body = parseArgs(req, await readBody(req));
      const payload = typeof body.payload === 'string' ? (JSON.parse(body.payload) as ApiArgs) : body;
      const result = responseUrls.answer(decodeURIComponent(path.slice('/response/'.length)), payload);
      if (result.error) log.warn({ error: result.error }, 'Slack console refused an answer to a response_url');
      return sendJson(res, result.status, result.error ? { ok: false, error: result.error } : { ok: true });
    }
    if (method === 'POST' && path.startsWith('/upload/')) {
      const file = workspace.files.get(path.slice('/upload/'.length));
      if (!file) return sendText(res, 404, 'file_not_found');
      file.bytes = await uploadedBytes(req, await readBody(req));
      return sendText(res, 200, `OK - ${file.bytes.length}`);
    }
    if (method === 'GET' && path.startsWith('/files/')) {
      const file = workspace.files.get(path.split('/')[2] ?? '');
      if (!file?.bytes) return sendText(res, 404, 'file_not_found');
      res.writeHead(200, {
        'content-type': file.mimetype,
        'content-length': file.bytes.length,
        'content-disposition': `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`,
      });
      res.end(file.bytes);
      return;
    }
    if (method === 'GET' && (path === '/' || path === '/index.html')) return sendStatic(res, 'index.html');
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(200, { 'content-type': 'image/x-icon', 'content-length': FAVICON.length, 'cache-control': 'max-age=86400' });
      res.end(FAVICON);
      return;
    }
    if (method === 'GET' && path.startsWith('/static/')) {
      const name = path.slice('/static/'.length);
      if (!/^[a-z][a-z-]*\.(js|css)$/.test(name)) return sendText(res, 404, 'not found');
      return sendStatic(res, name);
    }
    if (path.startsWith('/console/')) return handlePage(req, res, path.slice('/console/'.length), url);
    sendText(res, 404, 'not found');
  }

  async function handlePage(req: IncomingMessage, res: ServerResponse, route: string, url: URL): Promise<void> {
    if (req.method === 'GET' && route === 'events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'GET' && route === 'state') {
      const state = pageState(workspace, { command, baseUrl: () => baseUrl, simulate: Boolean(opts.zoomSandboxUrl) }, url.searchParams.get('user') ?? '', url.searchParams.get('channel') ?? undefined);
      return state ? sendJson(res, 200, state) : sendJson(res, 404, { error: 'No such user in the sandbox.' });
    }
    if (req.method === 'GET' && route === 'zoom-state') return proxyZoom(res, 'GET', '/sandbox/state');
    if (req.method === 'GET' && route === 'faults') return opts.faults ? sendJson(res, 200, opts.faults.state()) : sendJson(res, 404, { error: 'This console has no faults to switch.' });
    if (req.method !== 'POST') return sendJson(res, 404, { error: 'not found' });
    // JSON only: a page on another origin cannot send it without a CORS preflight this server never grants.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, { error: 'Send JSON.' });
    const body = await readBody(req);
    if (route === 'simulate') return proxyZoom(res, 'POST', '/sandbox/simulate', body);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'The body is not JSON.' });
    }
    try {
      switch (route) {
        case 'type': {
          const r = pageRequests.type.parse(input);
          await actions.type(r.user, r.channel, r.text);
          return sendJson(res, 200, { ok: true });
        }
        case 'act': {
          const r = pageRequests.act.parse(input);
          await actions.act(r.user, r);
          return sendJson(res, 200, { ok: true });
        }
        case 'act-in-view': {
          const r = pageRequests.actInView.parse(input);
          await actions.actInView(r.user, r);
          return sendJson(res, 200, { ok: true });
        }
        case 'submit': {
          const r = pageRequests.submit.parse(input);
          return sendJson(res, 200, { ok: true, ...(await actions.submitView(r.user, r.viewId, r.values)) });
        }
        case 'close': {
          const r = pageRequests.close.parse(input);
          await actions.closeView(r.user, r.viewId);
          return sendJson(res, 200, { ok: true });
        }
        case 'faults': {
          if (!opts.faults) return sendJson(res, 404, { error: 'This console has no faults to switch.' });
          return sendJson(res, 200, await opts.faults.apply(FaultChange.parse(input)));
        }
        default:
          return sendJson(res, 404, { error: 'not found' });
      }
    } catch (error) {
      if (error instanceof ConsoleError) return sendJson(res, error.status, { error: error.message });
      if (error instanceof z.ZodError) return sendJson(res, 400, { error: `Bad request: ${error.issues[0]?.message ?? 'invalid'}` });
      throw error;
    }
  }

  async function proxyZoom(res: ServerResponse, method: string, path: string, body?: Buffer): Promise<void> {
    if (!opts.zoomSandboxUrl) return sendJson(res, 404, { error: 'No Zoom sandbox is attached to this console.' });
    try {
      const answer = await fetch(`${opts.zoomSandboxUrl}${path}`, {
        method,
        ...(body ? { body: new Uint8Array(body), headers: { 'content-type': 'application/json' } } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      sendJson(res, 502, { error: 'The Zoom sandbox is not answering.' });
    }
  }

  function sendStatic(res: ServerResponse, name: string): void {
    const path = `${staticRoot}${name}`;
    if (!existsSync(path)) return sendText(res, 404, 'not found');
    res.writeHead(200, { 'content-type': STATIC_TYPES[name.split('.').pop()!] ?? 'text/plain', 'cache-control': 'no-store' });
    res.end(readFileSync(path));
  }

  const server: Server = createServer((req, res) => {
    if (refuseForeign(req, res, (server.address() as AddressInfo).port)) return;
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'Slack console failed to answer');
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    workspace,
    actions,
    setBotUrl: (url) => {
      botUrl = url;
    },
    stop: async () => {
      clearInterval(heartbeat);
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Uploads are CSV exports and small sandbox files; anything this big is a mistake.
    if (size > 50 * 1024 * 1024) throw new ConsoleError('The body is too large.', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Web API arguments: JSON or form-encoded, as the SDK sends either. */
function parseArgs(req: IncomingMessage, body: Buffer): ApiArgs {
  const text = body.toString('utf8');
  const type = req.headers['content-type'] ?? '';
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if (!text) return query;
  if (type.includes('application/json')) {
    try {
      return { ...query, ...(JSON.parse(text) as ApiArgs) };
    } catch {
      return query;
    }
  }
  return { ...query, ...Object.fromEntries(new URLSearchParams(text)) };
}

/** The upload URL takes the raw bytes (what the SDK sends) or a multipart form with one file. */
async function uploadedBytes(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
  for (const [, value] of form) {
    return typeof value === 'string' ? Buffer.from(value) : Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
