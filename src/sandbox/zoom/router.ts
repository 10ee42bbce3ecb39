// The sandbox's request router: matches `METHOD /path/:param` routes, checks the bearer token, charges the rate label,
// and turns thrown ZoomErrors into Zoom's answers. Path parameters are decoded until no %XX is left, so double-encoded
// meeting UUIDs (Zoom's rule for UUIDs with "/" in them) resolve like any other ID.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log.js';
import type { TokenIssuer } from './auth.js';
import { ZoomError, queryOf, readBody, send, type Query, type Reply } from './http.js';
import type { RateLabel, RateLimiter } from './rate-limit.js';
import type { SandboxState } from './store.js';
import type { WebhookSender } from './webhooks.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What every handler may use: the account, its clock, where the sandbox is reachable, and the webhook sender. */
export interface SandboxContext {
  state: SandboxState;
  now: () => Date;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  baseUrl: () => string;
  webhooks: WebhookSender;
  tokens: TokenIssuer;
  /** Signs the short-lived storage URLs recording downloads redirect to. */
  fileSecret: string;
}

export interface RouteRequest {
  params: Record<string, string>;
  query: Query;
  body: string;
  req: IncomingMessage;
  res: ServerResponse;
}

export type Handler = (ctx: SandboxContext, request: RouteRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface Route {
  method: HttpMethod;
  /** e.g. `/v2/meetings/:meetingId/registrants`. */
  path: string;
  /** REST calls: the Zoom rate label charged, and a bearer token is required. */
  label?: RateLabel;
  handle: Handler;
}

/** Builds a REST route under /v2 (bearer token required, charged to `label`). */
export function api(method: HttpMethod, path: string, label: RateLabel, handle: Handler): Route {
  return { method, path: `/v2${path}`, label, handle };
}

/** Builds a route outside the REST API (OAuth, downloads, the console's endpoints): no bearer, no rate label. */
export function open(method: HttpMethod, path: string, handle: Handler): Route {
  return { method, path, handle };
}

export function decodeParam(raw: string): string {
  let value = raw;
  // Meeting UUIDs are base64 and never contain "%", so a "%XX" left after one decoding is a second encoding.
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(value); i++) {
    try {
      value = decodeURIComponent(value);
    } catch {
      break;
    }
  }
  return value;
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const actual = got[i] ?? '';
    if (part.startsWith(':')) {
      if (actual === '') return undefined;
      params[part.slice(1)] = decodeParam(actual);
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}

export class Router {
  constructor(
    private readonly routes: Route[],
    private readonly ctx: SandboxContext,
    private readonly limiter: RateLimiter,
    private readonly logger?: Logger,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rateHeaders: Record<string, string> = {};
    // Zoom tags every answer with a request ID that its support asks for; `/zoom api` shows it.
    res.setHeader('x-zm-trackingid', `v=2.0;clid=sbx;rid=WEB_${randomBytes(16).toString('hex')}`);
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      // The raw (still encoded) path, so an encoded "/" inside a UUID stays inside its segment.
      const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
      const method = (req.method ?? 'GET').toUpperCase();
      let found: { route: Route; params: Record<string, string> } | undefined;
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const params = match(route.path, rawPath.replace(/\/+$/, '') || '/');
        if (params) {
          found = { route, params };
          break;
        }
      }
      if (!found) throw new ZoomError(404, 2300, 'This API endpoint is not recognized.');
      const { route, params } = found;
      if (route.label) {
        this.ctx.tokens.requireBearer(req);
        rateHeaders = this.limiter.take(route.label);
      }
      const body = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
      const reply = await route.handle(this.ctx, { params, query: queryOf(url), body, req, res });
      if (reply) send(res, { ...reply, headers: { ...rateHeaders, ...reply.headers } });
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ZoomError) {
        send(res, { status: error.status, body: error.body(), headers: { ...rateHeaders, ...error.headers } });
        return;
      }
      this.logger?.error({ err: error, method: req.method, url: req.url }, 'zoom sandbox handler failed');
      send(res, { status: 500, body: { code: 500, message: 'The Zoom sandbox failed to answer this request.' } });
    }
  }
}
