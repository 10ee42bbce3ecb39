// Recording downloads through undici (ZOOMOPS_DOWNLOAD_CLIENT=undici; http1.ts is the default, the README's "Recording downloads" says why):
// its parser (llhttp) reads the response, and the body's chunks are copied into the part writer's reused buffers, so
// transfer.ts sees the same Http1Response as from http1.ts. undici also brings connection pooling and the outbound
// proxy (EnvHttpProxyAgent: HTTPS_PROXY, HTTP_PROXY, NO_PROXY) for free.
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { ConnectionCutError, HttpProtocolError, type BodySink, type GetOptions, type Http1Response } from './http1.js';
import { proxyDispatcher } from '../../outbound-proxy.js';

/** Sends `GET url` and resolves with the response head; the body waits until readBody() or destroy(). */
export async function get(url: URL, options: GetOptions): Promise<Http1Response> {
  let answer: Dispatcher.ResponseData;
  try {
    answer = await request(url, {
      method: 'GET',
      headers: { ...options.headers, connection: 'keep-alive' },
      signal: options.signal,
      dispatcher: proxyDispatcher(options.tls),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'HPE_INVALID_CONSTANT' || code?.startsWith('HPE_')) throw new HttpProtocolError(`the server broke HTTP/1.1 (${code})`);
    if (code === 'UND_ERR_SOCKET') throw new ConnectionCutError('the connection closed before the response came');
    throw error;
  }
  return new StreamedResponse(answer.statusCode, answer.headers, answer.body);
}

/**
 * Body bytes kept while the body waits for readBody(), at most: past it the stream is paused (its parser stops reading
 * the socket). Without them, a connection cut meanwhile (the `.part` is being opened, which a loaded disk makes slow)
 * would destroy the stream with what it had received, and the resume would fetch those bytes again.
 */
const EARLY_BYTES = 1_048_576;

/**
 * A response whose parser hands the body over as a stream (undici; node:http in the bench): its chunks are copied
 * into the sink. Exported for bench/download.ts.
 */
export class StreamedResponse implements Http1Response {
  readonly headers = new Map<string, string>();
  readonly bodyLength: number | undefined;
  readonly delimited: boolean;
  private sink: BodySink | undefined;
  /** Chunks that came before readBody() (see EARLY_BYTES). */
  private readonly early: Buffer[] = [];
  private earlyBytes = 0;
  private readonly keepEarly = (chunk: Buffer) => {
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes >= EARLY_BYTES) this.body.pause();
  };

  constructor(
    readonly status: number,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    private readonly body: Readable,
  ) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
    // A body destroyed unread (a redirect, a refusal) errors with nobody listening; readBody() listens for itself.
    body.on('error', () => undefined);
    body.on('data', this.keepEarly);
    const chunked = this.headers.has('transfer-encoding');
    const length = this.headers.get('content-length');
    this.bodyLength = !chunked && length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
    // llhttp has checked the framing already; a body neither chunked nor of a stated length ends when the server closes.
    this.delimited = chunked || this.bodyLength !== undefined || this.status === 204 || this.status === 304;
  }

  readBody(sink: BodySink): Promise<void> {
    if (this.sink) return Promise.reject(new Error('the body was already read'));
    this.sink = sink;
    const body = this.body;
    body.off('data', this.keepEarly);
    const deliver = (chunk: Buffer): boolean => {
      let more = true;
      for (let at = 0; at < chunk.length; ) {
        const n = chunk.copy(sink.space(), 0, at);
        at += n;
        more = sink.filled(n) && more;
      }
      return more;
    };
    return new Promise<void>((resolve, reject) => {
      // What came before is handed over first, even when the connection was cut since: it is on its way to disk.
      let more = true;
      for (const chunk of this.early.splice(0)) more = deliver(chunk) && more;
      // Ended, cut or destroyed before anyone read it: its events are gone already.
      if (body.errored) return reject(body.errored);
      if (body.readableEnded) return this.delimited ? resolve() : reject(new ConnectionCutError('the body had no length and ended with the connection'));
      if (body.destroyed) return reject(new ConnectionCutError('the connection was cut'));
      body.on('data', (chunk: Buffer) => {
        if (!deliver(chunk)) body.pause();
      });
      if (more) body.resume();
      else body.pause();
      body.once('end', () => (this.delimited ? resolve() : reject(new ConnectionCutError('the body had no length and ended with the connection'))));
      body.once('error', (error) => reject(error));
      body.once('close', () => {
        if (!body.readableEnded) reject(new ConnectionCutError('the connection was cut'));
      });
    });
  }

  resume(): void {
    this.body.resume();
  }

  destroy(error?: Error): void {
    if (!this.body.destroyed) this.body.destroy(error ?? new ConnectionCutError('the connection was closed'));
  }
}

