// Signed webhook deliveries from the sandbox to the bot's /zoom/webhooks, the way Zoom sends them:
// x-zm-signature = 'v0=' + hex HMAC-SHA256(secret, `v0:${ts}:${rawBody}`), x-zm-request-timestamp = ts in seconds.
// Fire-and-forget: a bot that is not listening is logged in the state, never an error for the API call.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { URL_VALIDATION } from '../../zoom/events.js';
import { logDelivery, zoomTime, type SandboxState } from './store.js';

export interface WebhookEvent {
  event: string;
  payload: Record<string, unknown>;
  /** Top-level siblings of `payload`, e.g. recording.completed's `download_token`. */
  extra?: Record<string, unknown>;
}

const DELIVERY_TIMEOUT_MS = 5_000;

export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export class WebhookSender {
  private url: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Names of the events sent, newest last (the last 100), and how many were sent in all. */
  private readonly recent: string[] = [];
  private total = 0;
  /** A fault the console switches on: Zoom delivers nothing (a subscription deleted, or an endpoint never validated). */
  silenced = false;

  constructor(
    private readonly state: SandboxState,
    private readonly secret: string,
    private readonly clientId: string,
    url?: string,
    // The real clock: the bot refuses timestamps more than 300 s from its own now, whatever date the account shows.
    private readonly clock: () => number = Date.now,
  ) {
    this.url = url;
  }

  setUrl(url: string): void {
    this.url = url;
  }

  /** Sends one event in the background; the promise of every delivery is kept for settled(). */
  send(event: WebhookEvent): void {
    this.total += 1;
    this.recent.push(event.event);
    if (this.recent.length > 100) this.recent.shift();
    this.track(this.deliver(event));
  }

  /**
   * Validates the endpoint as Zoom does when an app's event subscription is saved (and every 72 hours): a signed
   * `endpoint.url_validation` whose answer must carry the plain token's HMAC. Not an account event: not counted.
   */
  validate(): void {
    this.track(this.sendValidation());
  }

  private track(delivery: Promise<void>): void {
    const tracked = delivery.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async sendValidation(): Promise<void> {
    const event = URL_VALIDATION;
    const at = zoomTime(new Date(this.clock()));
    if (!this.url || this.silenced) {
      logDelivery(this.state, { event, at, outcome: this.silenced ? 'not sent: the console silenced the webhook' : 'not sent: no webhook URL' });
      return;
    }
    const plainToken = randomBytes(16).toString('base64url');
    const body = JSON.stringify({ event, event_ts: this.clock(), payload: { plainToken } });
    try {
      const response = await this.post(this.url, body);
      const answer = (await response.json().catch(() => undefined)) as { encryptedToken?: unknown } | undefined;
      const expected = createHmac('sha256', this.secret).update(plainToken).digest('hex');
      logDelivery(this.state, { event, at, outcome: answer?.encryptedToken === expected ? 'validated' : `validation failed (HTTP ${response.status})` });
    } catch (error) {
      logDelivery(this.state, { event, at, outcome: `not delivered (${causeOf(error)})` });
    }
  }

  /** The names of the events sent since `mark()` returned `since`. */
  sentSince(since: number): string[] {
    const count = Math.min(this.total - since, this.recent.length);
    return count > 0 ? this.recent.slice(-count) : [];
  }

  mark(): number {
    return this.total;
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver({ event, payload, extra }: WebhookEvent): Promise<void> {
    const at = zoomTime(new Date(this.clock()));
    const url = this.url;
    if (this.silenced) {
      logDelivery(this.state, { event, at, outcome: 'not sent: the console silenced the webhook' });
      return;
    }
    if (!url) {
      logDelivery(this.state, { event, at, outcome: 'not sent: no webhook URL' });
      return;
    }
    const nowMs = this.clock();
    const body = JSON.stringify({ event, event_ts: nowMs, payload: { account_id: this.state.accountId, ...payload }, ...extra });
    try {
      const response = await this.post(url, body);
      await response.arrayBuffer().catch(() => undefined);
      logDelivery(this.state, { event, at, outcome: `HTTP ${response.status}` });
    } catch (error) {
      logDelivery(this.state, { event, at, outcome: `not delivered (${causeOf(error)})` });
    }
  }

  private post(url: string, body: string): Promise<Response> {
    const timestamp = String(Math.floor(this.clock() / 1000));
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Zoom Marketplace/1.0a',
        clientid: this.clientId,
        'x-zm-request-timestamp': timestamp,
        'x-zm-signature': signWebhook(this.secret, timestamp, body),
        'x-zm-trackingid': `sbx_${randomUUID()}`,
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
  }
}

function causeOf(error: unknown): string {
  return error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.name) : 'error';
}
