// Zoom's WebSocket event subscription: exactly one consumer across all processes (a Redis lock that the holder
// renews and a survivor takes over), heartbeats, reconnects with backoff and jitter, and a reconnect with a
// fresh S2S token before the old one expires. Each event goes to `onEvent` (the same queue as webhooks).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import WebSocket from 'ws';
import { z } from 'zod';
import { silentLogger, type Logger } from '../log.js';
import { RedisScript } from '../redis-script.js';
import { ZoomEvent } from './events.js';

export interface TokenSource {
  getToken(): Promise<string>;
}

export interface ZoomSocketOptions {
  redis: Redis;
  keyPrefix: string;
  url: string;
  subscriptionId: string;
  tokens: TokenSource;
  onEvent(event: ZoomEvent): Promise<void>;
  logger?: Logger;
  /** Zoom's sample sends one every 30 s. */
  heartbeatMs?: number;
  /** The lock outlives a dead holder this long; a survivor takes over within it. */
  lockTtlMs?: number;
  /** How often the token is looked at; a new one (the old is within a minute of expiry) means reconnect. */
  tokenCheckMs?: number;
  backoff?: { minMs: number; maxMs: number };
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
  private token?: string;
  private holding = false;
  private stopped = false;
  private failures = 0;
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer?: NodeJS.Timeout;
  private lastFrameAt = 0;

  constructor(private readonly opts: ZoomSocketOptions) {
    this.lockKey = `${opts.keyPrefix}:{zoom-ws}:consumer:${opts.subscriptionId}`;
    this.log = (opts.logger ?? silentLogger).child({ component: 'zoom-websocket' });
    this.heartbeatMs = opts.heartbeatMs ?? 30_000;
    this.lockTtlMs = opts.lockTtlMs ?? 15_000;
    this.tokenCheckMs = opts.tokenCheckMs ?? 20_000;
    this.backoff = opts.backoff ?? { minMs: 1_000, maxMs: 60_000 };
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
    this.socket?.close(1000, 'shutting down');
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
      return;
    }
    if ((await this.opts.redis.set(this.lockKey, this.id, 'PX', this.lockTtlMs, 'NX')) === 'OK') {
      this.holding = true;
      this.log.info('this process is now the Zoom WebSocket consumer');
      void this.connect();
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.holding || this.socket) return;
    let token: string;
    try {
      token = await this.opts.tokens.getToken();
    } catch (error) {
      this.log.error({ err: error }, 'no Zoom token for the WebSocket; retrying');
      this.scheduleReconnect();
      return;
    }
    this.token = token;
    const url = new URL(this.opts.url);
    url.searchParams.set('subscriptionId', this.opts.subscriptionId);
    url.searchParams.set('access_token', token);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('open', () => {
      this.failures = 0;
      this.lastFrameAt = Date.now();
      this.log.info('connected to Zoom’s WebSocket event subscription');
    });
    socket.on('message', (data) => {
      this.lastFrameAt = Date.now();
      void this.onFrame(data.toString()).catch((error: unknown) => this.log.error({ err: error }, 'could not queue a Zoom WebSocket event'));
    });
    socket.on('error', (error) => this.log.warn({ err: redact(error) }, 'Zoom WebSocket error'));
    socket.on('close', (code) => {
      if (this.socket === socket) this.socket = undefined;
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

  private async onFrame(text: string): Promise<void> {
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
    await this.opts.onEvent(event.data);
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

  /** The shared token changes about a minute before the old one expires: reconnect with the new one then. */
  private async checkToken(): Promise<void> {
    if (!this.socket || !this.holding) return;
    try {
      const token = await this.opts.tokens.getToken();
      if (token !== this.token) {
        this.log.info('the Zoom token was renewed; reconnecting the WebSocket with it');
        this.socket.close(1000, 'token renewal');
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
