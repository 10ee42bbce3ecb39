// Zoom's WebSocket event subscription: exactly one consumer across all processes (a Redis lock that the holder
// renews and a survivor takes over, checked again right before every connect), heartbeats, reconnects with
// backoff and jitter, and a new connection with a fresh S2S token before the old one expires. Each event goes
// to `onEvent` (the same queue as webhooks); Zoom never sends a WebSocket event again, so one that cannot be
// handed on (Redis unavailable) waits in a bounded buffer and is retried with backoff.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis.js';
import WebSocket from 'ws';
import { z } from 'zod';
import { silentLogger, type Logger } from '../log.js';
import { proxyAgentFor } from '../outbound-proxy.js';
import { RedisScript } from '../redis-script.js';
import { ZoomEvent } from './events.js';
import { redisKey } from '../redis-keys.js';

export interface TokenSource {
  getToken(): Promise<string>;
}

export interface ZoomSocketOptions {
  redis: RedisClient;
  keyPrefix: string;
  url: string;
  subscriptionId: string;
  tokens: TokenSource;
  onEvent(event: ZoomEvent): Promise<void>;
  /** A connection opened or closed (read `connected`); a token renewal's hand-over is neither. */
  onConnectionChange?(): void;
  logger?: Logger;
  /** Zoom's sample sends one every 30 s. */
  heartbeatMs?: number;
  /** The lock outlives a dead holder this long; a survivor takes over within it. */
  lockTtlMs?: number;
  /** How often the token is looked at; a new one (the old is within a minute of expiry) means reconnect. */
  tokenCheckMs?: number;
  backoff?: { minMs: number; maxMs: number };
  /** Events held while `onEvent` fails (Redis unavailable); past this, new ones are dropped and logged. */
  bufferSize?: number;
  /** Backoff of the retries of held events. */
  retry?: { minMs: number; maxMs: number };
}

// Zoom frames: `{"module":"message","content":"<the event as a JSON string>"}`, heartbeats and a first
// `build_connection`; anything else is logged and ignored.
const Frame = z.looseObject({ module: z.string(), content: z.string().optional(), success: z.boolean().optional() });

// Renews the lock only while this process still holds it.
const renewLock = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);
const releaseLock = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

export class ZoomEventSocket {
  private readonly id = randomUUID();
  private readonly lockKey: string;
  private readonly log: Logger;
  private readonly heartbeatMs: number;
  private readonly lockTtlMs: number;
  private readonly tokenCheckMs: number;
  private readonly backoff: { minMs: number; maxMs: number };
  private socket?: WebSocket;
  /** The connection a token renewal replaces, open until its successor is. */
  private previous?: WebSocket;
  private token?: string;
  private holding = false;
  private stopped = false;
  private failures = 0;
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer?: NodeJS.Timeout;
  private lastFrameAt = 0;
  private readonly held: ZoomEvent[] = [];
  private readonly bufferSize: number;
  private readonly retry: { minMs: number; maxMs: number };
  private retryTimer?: NodeJS.Timeout;
  private retryFailures = 0;
  private draining = false;

  constructor(private readonly opts: ZoomSocketOptions) {
    this.lockKey = redisKey(opts.keyPrefix, 'zoom-ws', 'consumer', opts.subscriptionId);
    this.log = (opts.logger ?? silentLogger).child({ component: 'zoom-websocket' });
    this.heartbeatMs = opts.heartbeatMs ?? 30_000;
    this.lockTtlMs = opts.lockTtlMs ?? 15_000;
    this.tokenCheckMs = opts.tokenCheckMs ?? 20_000;
    this.backoff = opts.backoff ?? { minMs: 1_000, maxMs: 60_000 };
    this.bufferSize = opts.bufferSize ?? 10_000;
    this.retry = opts.retry ?? { minMs: 200, maxMs: 10_000 };
  }

  /** Events waiting to be handed on. */
  get heldEvents(): number {
    return this.held.length;
  }

  /** True while this process is the one consumer. */
  get isConsumer(): boolean {
    return this.holding;
  }

  /** True while a connection is open. */
  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    // Holders renew at a third of the TTL; others try to take the lock as often.
    const tick = () => void this.lockTick().catch((error: unknown) => this.log.warn({ err: error }, 'WebSocket lock check failed'));
    this.timers.push(setInterval(tick, Math.max(50, Math.floor(this.lockTtlMs / 3))));
    this.timers.push(setInterval(() => void this.heartbeat(), this.heartbeatMs));
    this.timers.push(setInterval(() => void this.checkToken(), this.tokenCheckMs));
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    if (this.held.length > 0) this.log.error({ lost: this.held.length }, 'stopping with Zoom WebSocket events that never reached the queue; they are lost');
    this.socket?.close(1000, 'shutting down');
    this.previous?.close(1000, 'shutting down');
    this.socket = undefined;
    if (this.holding) await releaseLock.run(this.opts.redis, [this.lockKey], [this.id]).catch(() => undefined);
    this.holding = false;
  }

  private async lockTick(): Promise<void> {
    if (this.stopped) return;
    if (this.holding) {
      if (Number(await renewLock.run(this.opts.redis, [this.lockKey], [this.id, this.lockTtlMs])) === 1) return;
      // Another process holds it now (this one stalled past the TTL): two consumers must never run.
      this.log.warn('lost the Zoom WebSocket lock; closing this consumer');
      this.holding = false;
      this.socket?.close(1000, 'lost the lock');
      this.previous?.close(1000, 'lost the lock');
      return;
    }
    if ((await this.opts.redis.set(this.lockKey, this.id, 'PX', this.lockTtlMs, 'NX')) === 'OK') {
      this.holding = true;
      this.log.info('this process is now the Zoom WebSocket consumer');
      void this.connect();
    }
  }

  /**
   * Opens a connection, after renewing the lock: a holder that stalled past the lock's TTL (and so never saw
   * its loss) must not connect beside the process that holds it now. With `replacing`, the old connection is
   * closed only once the new one is open, so a token renewal leaves no gap (events both receive meanwhile are
   * deduplicated by the queue).
   */
  private async connect(replacing?: WebSocket): Promise<void> {
    if (this.stopped || !this.holding || (this.socket && !replacing) || (replacing && this.socket !== replacing)) return;
    let token: string;
    try {
      if (Number(await renewLock.run(this.opts.redis, [this.lockKey], [this.id, this.lockTtlMs])) !== 1) {
        this.log.warn('the Zoom WebSocket lock is held by another process; not connecting');
        this.holding = false;
        replacing?.close(1000, 'lost the lock');
        return;
      }
      token = await this.opts.tokens.getToken();
    } catch (error) {
      this.log.error({ err: error }, 'could not check the WebSocket lock or get a Zoom token; retrying');
      if (!replacing) this.scheduleReconnect();
      return;
    }
    if (this.stopped || !this.holding || (this.socket && this.socket !== replacing)) return;
    this.token = token;
    const url = new URL(this.opts.url);
    url.searchParams.set('subscriptionId', this.opts.subscriptionId);
    url.searchParams.set('access_token', token);
    // Through HTTPS_PROXY (a CONNECT tunnel) unless NO_PROXY names the host.
    const agent = proxyAgentFor(url);
    const socket = new WebSocket(url, agent ? { agent } : {});
    this.socket = socket;
    this.previous = replacing;
    let opened = false;
    socket.on('open', () => {
      opened = true;
      this.failures = 0;
      this.lastFrameAt = Date.now();
      this.log.info('connected to Zoom’s WebSocket event subscription');
      if (replacing) {
        this.previous = undefined;
        replacing.close(1000, 'token renewal');
      } else this.opts.onConnectionChange?.();
    });
    socket.on('message', (data) => {
      this.lastFrameAt = Date.now();
      this.onFrame(data.toString());
    });
    socket.on('error', (error) => this.log.warn({ err: redact(error) }, 'Zoom WebSocket error'));
    socket.on('close', (code) => {
      // A replaced connection closing is the end of its renewal, not a loss.
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (replacing && !opened) {
        this.previous = undefined;
        // The renewal failed: the old connection carries on, and the next token check tries again.
        if (!this.stopped && this.holding && replacing.readyState === WebSocket.OPEN) {
          this.socket = replacing;
          this.token = undefined;
          return;
        }
        replacing.close(1000, 'renewal failed');
      }
      this.opts.onConnectionChange?.();
      if (this.stopped || !this.holding) return;
      this.log.warn({ code }, 'Zoom WebSocket closed; reconnecting');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || !this.holding) return;
    // Full jitter: many bots after one Zoom outage do not reconnect in step.
    const cap = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** this.failures++);
    const wait = this.backoff.minMs / 2 + Math.random() * (cap - this.backoff.minMs / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), wait);
  }

  private onFrame(text: string): void {
    const frame = Frame.safeParse(safeJson(text));
    if (!frame.success) {
      this.log.warn('ignored a WebSocket frame that is not Zoom JSON');
      return;
    }
    if (frame.data.module !== 'message' || !frame.data.content) return;
    const event = ZoomEvent.safeParse(safeJson(frame.data.content));
    if (!event.success) {
      this.log.warn({ module: frame.data.module }, 'ignored a WebSocket message that is not a Zoom event');
      return;
    }
    this.hold(event.data);
  }

  /** Every event goes through the buffer, so they reach the queue in the order Zoom sent them. */
  private hold(event: ZoomEvent): void {
    if (this.held.length >= this.bufferSize) {
      this.log.error({ event: event.event, held: this.held.length }, 'the Zoom WebSocket event buffer is full while the queue is unavailable; this event is LOST');
      return;
    }
    this.held.push(event);
    if (!this.retryTimer) void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.held.length > 0) {
        try {
          await this.opts.onEvent(this.held[0]!);
        } catch (error) {
          // Backoff with jitter; the event stays first in line.
          const cap = Math.min(this.retry.maxMs, this.retry.minMs * 2 ** this.retryFailures++);
          const wait = cap / 2 + Math.random() * (cap / 2);
          this.log.warn({ err: error, held: this.held.length, retryInMs: Math.round(wait) }, 'could not queue a Zoom WebSocket event; holding it and retrying');
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.drain();
          }, wait);
          return;
        }
        this.held.shift();
        if (this.retryFailures > 0) this.log.info({ held: this.held.length }, 'queued a held Zoom WebSocket event');
        this.retryFailures = 0;
      }
    } finally {
      this.draining = false;
    }
  }

  private heartbeat(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    // Two missed intervals of silence: the connection is dead even if TCP has not noticed.
    if (Date.now() - this.lastFrameAt > 2 * this.heartbeatMs + 1_000) {
      this.log.warn('Zoom WebSocket went silent; reconnecting');
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify({ module: 'heartbeat' }));
  }

  /** The shared token changes about a minute before the old one expires: connect with the new one then. */
  private async checkToken(): Promise<void> {
    if (!this.socket || !this.holding) return;
    try {
      const token = await this.opts.tokens.getToken();
      if (token !== this.token && this.socket.readyState === WebSocket.OPEN && !this.previous) {
        this.log.info('the Zoom token was renewed; opening a new WebSocket with it before closing the old one');
        const old = this.socket;
        this.previous = old;
        await this.connect(old);
        // No new connection was opened (lock lost, no token): nothing is being replaced.
        if (this.socket === old || !this.socket) this.previous = undefined;
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not check the Zoom token');
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ws puts the URL, and with it the access token, into some error messages.
function redact(error: Error): Error {
  return new Error(error.message.replace(/access_token=[^&\s]+/g, 'access_token=[redacted]'));
}
