// POST /zoom/webhooks (docs/configuration.md, HTTP routes): 413 past 1 MiB without reading on, 401 for a bad signature or an old
// timestamp, 400 for a signed body that is not JSON; URL validation answered; an event is in Redis before 200.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { CodedError } from '../errors.js';
import { countWebhookAccepted, countWebhookRefused } from '../metrics.js';
import type { Services } from '../services.js';
import { URL_VALIDATION, UrlValidation, ZoomEvent } from '../zoom/events.js';
import { urlValidationAnswer, verifyZoomSignature } from '../zoom/webhook.js';
import { acceptEvent } from './accept.js';
import { noteAcceptedEvent } from '../doctor/last-event.js';

export const WEBHOOK_PATH = '/zoom/webhooks';
export const MAX_BODY_BYTES = 1024 * 1024;
// Zoom gives up after 3 s; a Redis that has not taken the event by then gets a 503 so Zoom retries.
const ENQUEUE_TIMEOUT_MS = 2_000;

class TooLarge extends CodedError<'webhook_too_large'> {
  constructor() {
    super('webhook_too_large', `the body is over ${MAX_BODY_BYTES} bytes`, { expected: true });
  }
}

export function zoomWebhookRoute(services: Services): CustomRoute {
  return { path: WEBHOOK_PATH, method: ['POST'], handler: zoomWebhookHandler(services) };
}

export function zoomWebhookHandler(services: Services): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(services, req, res).catch((error: unknown) => {
      services.log.error({ err: error }, 'Zoom webhook failed');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  };
}

/**
 * True for `POST /zoom/webhooks` exactly (query allowed): the server hands these to the handler before Bolt's
 * routing, which builds a URL and compiles each custom route's pattern per request (~8 % of an event's CPU).
 * Any other spelling (a trailing slash …) still reaches the same handler through Bolt's custom route.
 */
export function isZoomWebhookRequest(req: IncomingMessage): boolean {
  const url = req.url;
  return (
    req.method === 'POST' &&
    url !== undefined &&
    url.startsWith(WEBHOOK_PATH) &&
    (url.length === WEBHOOK_PATH.length || url.charCodeAt(WEBHOOK_PATH.length) === 63 /* ? */)
  );
}

async function handle(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { log } = services;
  const secrets = services.config.zoom.webhookSecrets;
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    // The rest of the body is never read: the connection closes after this answer.
    countWebhookRefused('size');
    reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` }, true);
    req.unpipe();
    req.pause();
    return;
  }
  if (secrets.length === 0) {
    countWebhookRefused('not_configured');
    reply(res, 404, { error: 'Zoom webhooks are not configured here (ZOOM_WEBHOOK_SECRET_TOKEN is unset)' });
    return;
  }
  const check = verifyZoomSignature({
    rawBody: raw,
    signature: header(req, 'x-zm-signature'),
    timestamp: header(req, 'x-zm-request-timestamp'),
    secrets,
    nowMs: Date.now(),
  });
  if (!check.ok) {
    countWebhookRefused(check.stale ? 'stale' : 'signature');
    log.warn({ reason: check.reason, trackingId: header(req, 'x-zm-trackingid') }, 'refused a Zoom webhook');
    reply(res, 401, { error: check.reason });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    countWebhookRefused('json');
    reply(res, 400, { error: 'body is not JSON' });
    return;
  }
  // One schema per body, chosen by its `event`: an event never pays for a failed url_validation parse.
  if ((body as { event?: unknown } | null)?.event === URL_VALIDATION) {
    const validation = UrlValidation.safeParse(body);
    if (validation.success) {
      reply(res, 200, urlValidationAnswer(validation.data.payload.plainToken, secrets[0]!));
      // Signed and from Zoom: the doctor counts it as heard from Zoom (it re-validates every 72 hours, so a working
      // subscription is heard from even on a quiet account).
      noteAcceptedEvent(services.redis, services.keyPrefix, { at: services.now().toMillis(), type: URL_VALIDATION, source: 'webhook' });
    } else {
      countWebhookRefused('schema');
      reply(res, 400, { error: 'body is not a Zoom event (event, payload)' });
    }
    return;
  }
  const event = ZoomEvent.safeParse(body);
  if (!event.success) {
    countWebhookRefused('schema');
    reply(res, 400, { error: 'body is not a Zoom event (event, payload)' });
    return;
  }
  if (services.redis.status !== 'ready') {
    log.error({ event: event.data.event, redis: services.redis.status }, 'Redis is down; refused a Zoom event so that Zoom retries');
    countWebhookRefused('redis_down');
    reply(res, 503, { error: 'cannot store the event right now; retry later' });
    return;
  }
  try {
    const accepted = await withTimeout(acceptEvent(services.jobs, event.data, 'webhook'), ENQUEUE_TIMEOUT_MS);
    noteAcceptedEvent(services.redis, services.keyPrefix, { at: services.now().toMillis(), type: event.data.event, source: 'webhook' });
    log.debug({ event: event.data.event, ...accepted }, accepted.duplicate ? 'dropped a duplicate Zoom event' : 'queued a Zoom event');
    countWebhookAccepted();
    reply(res, 200, accepted.duplicate ? DUPLICATE : QUEUED);
  } catch (error) {
    log.error({ err: error, event: event.data.event }, 'could not store a Zoom event; Zoom will retry');
    countWebhookRefused('redis_down');
    reply(res, 503, { error: 'cannot store the event right now; retry later' });
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// The answers to every event, serialised once.
const QUEUED = JSON.stringify({ status: 'queued' });
const DUPLICATE = JSON.stringify({ status: 'duplicate' });

/** `body` is sent as is when already JSON text. */
function reply(res: ServerResponse, status: number, body: unknown, close = false): void {
  res.writeHead(status, close ? { 'content-type': 'application/json', connection: 'close' } : JSON_HEADERS);
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
const JSON_HEADERS = { 'content-type': 'application/json' };

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not take the event within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
