// Zoom-shaped events (the examples of Zoom's webhook OpenAPI files, copied into test/fixtures) and webhook
// requests signed the way Zoom signs them.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const ZOOM_SECRET = 'zoom-webhook-secret';
export const OLD_ZOOM_SECRET = 'zoom-webhook-secret-old';

type Example = { event: string; event_ts?: number; payload: Record<string, any>; [k: string]: unknown };
const examples = JSON.parse(readFileSync(new URL('../fixtures/zoom-events.json', import.meta.url), 'utf8')) as Record<string, Example>;

/** A fresh copy of Zoom's example for this event, with `change` applied to it. */
export function zoomEvent(name: string, change: (e: Example) => void = () => undefined): Example {
  const example = examples[name];
  if (!example) throw new Error(`no fixture for ${name}`);
  const copy = structuredClone(example);
  change(copy);
  return copy;
}

export function zoomSignatureOf(body: string, timestamp: number | string, secret = ZOOM_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a webhook as Zoom does; `raw` overrides the body bytes (signed as given). */
export function postWebhook(
  url: string,
  event: unknown,
  opts: { secret?: string; timestamp?: number; raw?: string; signature?: string } = {},
): Promise<Response> {
  const body = opts.raw ?? JSON.stringify(event);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${url}/zoom/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': String(timestamp),
      'x-zm-signature': opts.signature ?? zoomSignatureOf(body, timestamp, opts.secret),
    },
    body,
  });
}
