// The Zoom REST client: auth, rate budgets, retries, error mapping, response parsing and pagination.
// Area modules (users, meetings, …) only describe requests; this file decides how they travel.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { silentLogger, type Logger } from '../log.js';
import { proxiedFetch } from '../outbound-proxy.js';
import {
  ZoomApiError,
  ZoomRateLimitError,
  ZoomResponseError,
  ZoomUnavailableError,
  describeIssue,
  parseZoomErrorBody,
} from './errors.js';
import { countZoomRateLimited, countZoomRequest } from '../metrics.js';
import type { RateLabel, RateLimiter, RateTable } from './rate-limit.js';
import type { ZoomTokenProvider } from './token.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface ZoomRequest<T = void> {
  method: HttpMethod;
  /** From zoomPath, so every value in it is encoded; starts with '/'. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  label: RateLabel;
  table?: RateTable;
  /** Parses the answer; without it the answer is ignored (204s). */
  schema?: z.ZodType<T>;
}

/** A list endpoint: the items under `itemsKey`, plus Zoom's `next_page_token` and `total_records`. */
export interface ZoomListRequest<Item> extends Omit<ZoomRequest, 'schema'> {
  itemsKey: string;
  item: z.ZodType<Item>;
}

export interface ResultPage<Item> {
  items: Item[];
  /** Absent on the last page. Zoom lets it live 15 minutes. */
  nextPageToken?: string;
  totalRecords?: number;
}

/** Keeps page_size within the endpoint's documented maximum (300 for most lists, 2000 for users). */
export function clampPageSize(requested: number | undefined, max: number): number | undefined {
  return requested === undefined ? undefined : Math.min(Math.max(1, Math.floor(requested)), max);
}

export interface ZoomClientOptions {
  /** e.g. `https://api.zoom.us/v2`; any base works, including a path prefix or a local sandbox. */
  apiUrl: string;
  tokens: Pick<ZoomTokenProvider, 'getToken' | 'invalidate'>;
  limiter: Pick<RateLimiter, 'acquire' | 'penalize' | 'markExhausted'>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Retries after a per-second 429, and after 5xx or network failures of idempotent calls. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); jitters the backoff. */
  random?: () => number;
  now?: () => number;
  logger?: Logger;
}

const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
// Zoom's per-second budgets refill each second; after a 429 every process sits out at least that long.
const PER_SECOND_PAUSE_MS = 1_000;
const INVALID_TOKEN_CODE = 124;

interface AttemptState {
  retries: number;
  tokenRenewed: boolean;
}

/** A successful answer as Zoom sent it (`/zoom api`). */
export interface RawZoomAnswer {
  status: number;
  /** `x-zm-trackingid`, which Zoom support asks for. */
  trackingId?: string;
  text: string;
}

type ReadAnswer<T> = (status: number, text: string, trackingId: string | undefined) => T | undefined;

/** After one exchange: the answer, try again at once (fresh token), or try again after a backoff. */
type Next<T> = { kind: 'done'; value: T | undefined } | { kind: 'again' } | { kind: 'back-off' };

type RateLimitKind =
  | { kind: 'daily'; resetsAt: Date; accountWide: boolean }
  | { kind: 'per-second'; pauseMs: number }
  | { kind: 'concurrency' };

export class ZoomClient {
  private readonly apiUrl: string;
  private readonly tokens: ZoomClientOptions['tokens'];
  private readonly limiter: ZoomClientOptions['limiter'];
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(options: ZoomClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.tokens = options.tokens;
    this.limiter = options.limiter;
    this.fetch = options.fetch ?? proxiedFetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.logger = (options.logger ?? silentLogger).child({ component: 'zoom' });
  }

  /** Sends one request (retrying where safe) and returns the parsed answer. */
  request<T>(req: ZoomRequest<T> & { schema: z.ZodType<T> }): Promise<T>;
  request(req: ZoomRequest): Promise<void>;
  async request<T>(req: ZoomRequest<T>): Promise<T | undefined> {
    return this.exchange(req, (status, text, trackingId) => parseAnswer(req, status, text, trackingId));
  }

  /**
   * `/zoom api`: one request with the same auth, budgets, retries and error mapping as every other, whose successful
   * answer comes back as Zoom sent it (status, tracking ID, body text) instead of parsed by a schema.
   */
  async requestRaw(req: Omit<ZoomRequest, 'schema'>): Promise<RawZoomAnswer> {
    const answer = await this.exchange<RawZoomAnswer>(req, (status, text, trackingId) => ({ status, text, trackingId }));
    return answer!;
  }

  private async exchange<T>(req: ZoomRequest<unknown>, read: ReadAnswer<T>): Promise<T | undefined> {
    if (!req.path.startsWith('/')) throw new Error(`Zoom request path must start with "/": ${req.path}`);
    const attempts: AttemptState = { retries: 0, tokenRenewed: false };
    for (;;) {
      await this.limiter.acquire(req.label, req.table ?? 'default', { method: req.method, path: req.path });
      const next = await this.attempt(req, await this.tokens.getToken(), attempts, read);
      if (next.kind === 'done') return next.value;
      if (next.kind === 'back-off') await this.backoff(++attempts.retries);
    }
  }

  /** One exchange with Zoom: its answer, a decision to try again, or a thrown error. */
  private async attempt<T>(
    req: ZoomRequest<unknown>,
    token: string,
    attempts: AttemptState,
    read: ReadAnswer<T>,
  ): Promise<Next<T>> {
    const started = this.now();
    let exchange: { response: Response; text: string };
    try {
      exchange = await this.send(req, token);
    } catch (error) {
      return this.afterTransportFailure(req, error, this.now() - started, attempts);
    }
    const { response, text } = exchange;
    const { status } = response;
    const trackingId = response.headers.get('x-zm-trackingid') ?? undefined;
    const ms = this.now() - started;
    this.logger.debug({ method: req.method, path: req.path, status, ms, trackingId }, 'zoom call');
    countZoomRequest(req.label, status);
    if (response.ok) return { kind: 'done', value: read(status, text, trackingId) };

    const body = parseZoomErrorBody(text);
    const { method, path } = req;
    const zoomMessage = body.message ?? '';
    const refusal = new ZoomApiError({ status, zoomCode: body.code, zoomMessage, trackingId, method, path });
    if (status === 401 && body.code === INVALID_TOKEN_CODE && !attempts.tokenRenewed) {
      // Expired early, or replaced by a newer token: mint (or pick up) a fresh one and try once more.
      attempts.tokenRenewed = true;
      await this.tokens.invalidate(token);
      return { kind: 'again' };
    }
    if (status === 429) return this.afterRateLimit(req, response.headers, refusal, attempts);
    if (status >= 500) {
      if (this.mayResend(req, attempts)) return { kind: 'back-off' };
      const said = body.message ? `: ${body.message}` : '';
      throw new ZoomUnavailableError({
        method,
        path,
        reason: attemptsSuffix(`HTTP ${status}${said}`, attempts.retries),
        status,
        trackingId,
        inDoubt: !IDEMPOTENT.has(method),
        cause: refusal,
      });
    }
    throw refusal;
  }

  private afterTransportFailure(
    req: ZoomRequest<unknown>,
    error: unknown,
    ms: number,
    attempts: AttemptState,
  ): Next<never> {
    const reason = transportFailure(error, this.timeoutMs);
    this.logger.warn({ method: req.method, path: req.path, ms, reason }, 'zoom unreachable');
    countZoomRequest(req.label, 'network');
    if (this.mayResend(req, attempts)) return { kind: 'back-off' };
    throw new ZoomUnavailableError({
      method: req.method,
      path: req.path,
      reason: attemptsSuffix(reason, attempts.retries),
      inDoubt: !IDEMPOTENT.has(req.method),
      cause: error,
    });
  }

  private async afterRateLimit(
    req: ZoomRequest<unknown>,
    headers: Headers,
    refusal: ZoomApiError,
    attempts: AttemptState,
  ): Promise<Next<never>> {
    const table = req.table ?? 'default';
    const limit = classifyRateLimit(headers, refusal.zoomMessage, this.now());
    countZoomRateLimited(req.label, limit.kind);
    if (limit.kind === 'daily') {
      // A per-user cap (100 meeting creates per host …) must not stop calls for everybody else. The quota spent is
      // the one Zoom names: a guessed label (`/zoom api`) must not close another label's budget for the day.
      const label = reportedLabel(headers) ?? req.label;
      if (limit.accountWide) await this.limiter.markExhausted(label, table, limit.resetsAt);
      const { resetsAt, accountWide } = limit;
      throw new ZoomRateLimitError({ ...refusalInit(refusal), resetsAt, accountWide });
    }
    // Zoom did not process a request it refused with 429, so resending is safe for any method.
    if (attempts.retries >= this.maxRetries) throw refusal;
    if (limit.kind === 'per-second') await this.limiter.penalize(req.label, table, limit.pauseMs);
    const { trackingId } = refusal;
    this.logger.warn({ method: req.method, path: req.path, trackingId, kind: limit.kind }, 'zoom rate limited');
    return { kind: 'back-off' };
  }

  // After an unclear failure only idempotent calls go again: a repeated POST could create a second meeting.
  private mayResend(req: ZoomRequest<unknown>, attempts: AttemptState): boolean {
    return IDEMPOTENT.has(req.method) && attempts.retries < this.maxRetries;
  }

  /** The account's access token, for what is fetched outside the REST API (recording files at `download_url`). */
  accessToken(): Promise<string> {
    return this.tokens.getToken();
  }

  /** After Zoom answered 401 to `rejected`: a fresh token (minted, or the one another process minted meanwhile). */
  async renewAccessToken(rejected: string): Promise<string> {
    await this.tokens.invalidate(rejected);
    return this.tokens.getToken();
  }

  /** One page of a list, e.g. for a "Next page" button that carries the token. */
  async page<Item>(req: ZoomListRequest<Item>, nextPageToken?: string): Promise<ResultPage<Item>> {
    const query = nextPageToken ? { ...req.query, next_page_token: nextPageToken } : req.query;
    return this.request({ ...req, query, schema: pageSchema(req.itemsKey, req.item) });
  }

  /** Every page of a list, in order, each requested with the same query plus Zoom's `next_page_token`. */
  async *paginate<Item>(req: ZoomListRequest<Item>): AsyncGenerator<ResultPage<Item>, void, undefined> {
    let token: string | undefined;
    do {
      const current = await this.page(req, token);
      yield current;
      // A token that repeats would loop forever; Zoom has had such bugs.
      if (current.nextPageToken === token) return;
      token = current.nextPageToken;
    } while (token);
  }

  private async send(req: ZoomRequest<unknown>, token: string): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetch(this.url(req), {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      // Covers reading the body too: a stalled download of the answer times out like a stalled connect.
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { response, text: await response.text() };
  }

  private url(req: ZoomRequest<unknown>): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) query.set(name, String(value));
    }
    const search = query.toString();
    return `${this.apiUrl}${req.path}${search ? `?${search}` : ''}`;
  }

  // Exponential backoff with full jitter, so processes that failed together do not retry together.
  private async backoff(retry: number): Promise<void> {
    const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (retry - 1));
    await this.sleep(Math.round(this.random() * ceiling));
  }
}

function parseAnswer<T>(req: ZoomRequest<T>, status: number, text: string, trackingId?: string): T | undefined {
  if (!req.schema) return undefined;
  const fail = (issue: string) =>
    new ZoomResponseError({ method: req.method, path: req.path, status, trackingId, issue });
  let json: unknown;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw fail('the body is not JSON');
    }
  }
  const parsed = req.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw fail(describeIssue(parsed.error.issues[0]));
}

function pageSchema<Item>(itemsKey: string, item: z.ZodType<Item>): z.ZodType<ResultPage<Item>> {
  return z
    .looseObject({
      [itemsKey]: z.array(item).nullish(),
      next_page_token: z.string().nullish(),
      total_records: z.number().nullish(),
    })
    .transform((page) => ({
      // Zoom omits the array, or sends null, when a list is empty.
      items: (page[itemsKey] ?? []) as Item[],
      nextPageToken: (page.next_page_token as string | null | undefined) || undefined,
      totalRecords: (page.total_records as number | null | undefined) ?? undefined,
    }));
}

/**
 * Tells the three kinds of 429 apart (docs/platform-facts.md, rate limits): the account's daily quota (`x-ratelimit-type: Daily-limit`,
 * `Retry-After` as a date), a per-user daily cap (no headers, "daily" in the message; resets at 00:00 UTC), and
 * the per-second limit. "Too many concurrent requests" locks one user, not the label, so it pauses nobody.
 */
function classifyRateLimit(headers: Headers, message: string, now: number): RateLimitKind {
  const type = headers.get('x-ratelimit-type')?.trim().toLowerCase();
  const retryAfter = headers.get('retry-after')?.trim() ?? '';
  const retrySeconds = /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const retryDate = retrySeconds === undefined && retryAfter !== '' ? new Date(retryAfter) : undefined;
  const retryAt = retryDate && !Number.isNaN(retryDate.getTime()) ? retryDate : undefined;

  if (type !== 'qps' && (type === 'daily-limit' || retryAt || /daily/i.test(message))) {
    const accountWide = type === 'daily-limit' || retryAt !== undefined;
    return { kind: 'daily', resetsAt: retryAt ?? nextUtcMidnight(now), accountWide };
  }
  if (/concurrent/i.test(message)) return { kind: 'concurrency' };
  return { kind: 'per-second', pauseMs: Math.max(PER_SECOND_PAUSE_MS, (retrySeconds ?? 0) * 1000) };
}

const RATE_LABELS: readonly RateLabel[] = ['light', 'medium', 'heavy', 'resource-intensive'];

/** `x-ratelimit-category` (Light | Medium | Heavy | Resource-intensive, any case) as a label; unknown → undefined. */
function reportedLabel(headers: Headers): RateLabel | undefined {
  const category = headers.get('x-ratelimit-category')?.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return RATE_LABELS.find((label) => label === category);
}

function nextUtcMidnight(now: number): Date {
  const date = new Date(now);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1));
}

function refusalInit(error: ZoomApiError) {
  const { status, zoomCode, zoomMessage, trackingId, method, path } = error;
  return { status, zoomCode, zoomMessage, trackingId, method, path };
}

function transportFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  // undici's "fetch failed" hides the useful part (ECONNREFUSED, ENOTFOUND …) in its cause.
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `network error${code}`;
}

function attemptsSuffix(reason: string, retries: number): string {
  return retries === 0 ? reason : `${reason}, after ${retries + 1} attempts`;
}
