// A minimal HTTP/1.1 GET client for recording downloads, whose body bytes are read by the socket straight into the
// caller's reusable buffers (net/tls `onread`). Why not node:http: it hands every socket read (≤ 64 KiB) over in a
// freshly allocated Buffer, and on this kind of machine writing those fresh buffers to disk cost ~3× the CPU of
// writing a reused one (2 GiB, same run: 4.0–6.4 s against 1.3–2.0 s; 13k–85k page faults against 3.4k), which kept
// downloads at 48–88 % of curl. What this client does not need, it does not do: one request per connection
// (`Connection: close`), GET only, no upgrade, no compression (we send `Accept-Encoding: identity`).
// Through the outbound proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): an https URL through a CONNECT tunnel
// (proxy-tunnel.ts), over which TLS cannot take `onread` (node ignores it with a given socket), so its reads are
// copied from 'data' events; an http URL as an absolute-form request to the proxy (RFC 9112 §3.2.2).
// Framing follows RFC 9112 §6.3 for a response to GET: no body for 1xx/204/304; chunked when the last transfer
// coding is chunked; else Content-Length; else until the server closes, which is never taken as a complete file.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { CodedError } from '../../errors.js';
import { proxyAuthorization, proxyFor } from '../../outbound-proxy.js';
import { tunnel } from './proxy-tunnel.js';

/** Where a body's bytes go: buffers the caller reuses, so that no read allocates. */
export interface BodySink {
  /** The free space the next read fills; never empty. */
  space(): Buffer;
  /** `n` body bytes now sit at the start of the last space(). False: stop reading until Http1Response.resume(). */
  filled(n: number): boolean;
}

/** The server broke HTTP/1.1 (a malformed head, bad chunk framing): worth another try, never a file. */
export class HttpProtocolError extends CodedError<'http_protocol'> {
  constructor(message: string) {
    super('http_protocol', message, { expected: true });
  }
}

/** The connection ended before the response (head or framed body) was complete. */
export class ConnectionCutError extends CodedError<'connection_cut'> {
  constructor(message: string) {
    super('connection_cut', message, { expected: true });
  }
}

export interface Http1Response {
  readonly status: number;
  /** Lower-case names; repeated fields joined with ", " (RFC 9110 §5.3), but the first kept of SINGLE_FIELDS. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body's length when its framing is Content-Length (ignored, as RFC 9112 says, when it is chunked). */
  readonly bodyLength: number | undefined;
  /**
   * The body's end is told by its framing (Content-Length, chunked, or no body at all). False: it would end when the
   * server closes the connection, where a cut cannot be told from the end, so such a body never counts as complete.
   */
  readonly delimited: boolean;
  /** Reads the whole body into `sink`; resolves once its last byte was handed over, rejects on a cut or an error. */
  readBody(sink: BodySink): Promise<void>;
  /** Reading was stopped by BodySink.filled(); go on. */
  resume(): void;
  /** Closes the connection; a pending readBody() rejects with `error` (or a cut). */
  destroy(error?: Error): void;
}

/** A client's GET: http1.ts's own or undici's (undici-client.ts), chosen by ZOOMOPS_DOWNLOAD_CLIENT. */
export type HttpGet = (url: URL, options: GetOptions) => Promise<Http1Response>;

export interface GetOptions {
  headers: Readonly<Record<string, string>>;
  signal: AbortSignal;
  /** Extra TLS settings (tests trust their own certificate authority here). */
  tls?: ConnectionOptions;
}

/** The response head may not be larger than this (node:http's own default is 16 KiB; a signed Location is ~2 KiB). */
const HEAD_LIMIT = 32 * 1024;
/** A buffer for body bytes that come after a stop with the head buffer full (see Exchange.spill). */
const SPILL_BYTES = 16 * 1024;

type Framing = { kind: 'none' } | { kind: 'length'; length: number; remaining: number } | { kind: 'chunked'; decoder: ChunkedDecoder } | { kind: 'close' };

/** Sends `GET url` and resolves with the response head; the body waits until readBody() or destroy(). */
export function get(url: URL, options: GetOptions): Promise<Http1Response> {
  return new Promise((resolve, reject) => new Exchange(url, options, resolve, reject));
}

class Exchange implements Http1Response {
  status = 0;
  headers = new Map<string, string>();
  /** Undefined while a proxy tunnel is being opened. */
  private socket: Socket | undefined;
  /** Holds the head, and the body bytes that come with it, until a sink is there. */
  private readonly head = Buffer.allocUnsafe(HEAD_LIMIT);
  private headUsed = 0;
  /**
   * Body bytes that arrive before readBody() once the head buffer is full. TLS goes on handing over bytes it has
   * already decrypted after the read callback said stop, so 'waiting' must keep whatever comes.
   */
  private readonly spill: Buffer[] = [];
  private phase: 'head' | 'waiting' | 'body' | 'over' = 'head';
  private framing: Framing = { kind: 'close' };
  private sink: BodySink | undefined;
  /** The buffer the socket reads into next (node asks for it right after each read). */
  private readingInto: Buffer;
  /** The server closed its side while the body waited for readBody(). */
  private eof = false;
  private failure: Error | undefined;
  private bodyDone: (() => void) | undefined;
  private bodyFailed: ((error: Error) => void) | undefined;

  constructor(
    url: URL,
    private readonly options: GetOptions,
    private readonly resolveHead: (response: Http1Response) => void,
    private readonly rejectHead: (error: Error) => void,
  ) {
    this.readingInto = this.head;
    const secure = url.protocol === 'https:';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || (secure ? 443 : 80));
    const proxy = proxyFor(url);
    const request = requestHead(url, options.headers, secure ? undefined : proxy);
    const onread = { buffer: () => this.nextBuffer(), callback: (n: number) => this.onRead(n) };
    const tls = { ...(isIP(host) ? {} : { servername: host }), ALPNProtocols: ['http/1.1'], ...options.tls };
    if (secure && proxy) {
      tunnel(proxy, host, port, options.signal).then(
        (raw) => {
          if (this.phase === 'over') return void raw.destroy();
          const socket = tlsConnect({ socket: raw, ...tls });
          socket.on('data', (chunk: Buffer) => this.onData(chunk));
          this.attach(socket, 'secureConnect', request);
        },
        (error: Error) => this.finish(error),
      );
    } else if (secure) {
      // tls.connect documents `onread` (as net.connect does); @types/node lacks it.
      this.attach(tlsConnect({ host, port, onread, ...tls } as ConnectionOptions), 'secureConnect', request);
    } else {
      const to = proxy ? { host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(proxy.port || 80) } : { host, port };
      this.attach(netConnect({ ...to, onread }), 'connect', request);
    }
    if (options.signal.aborted) this.abort();
    else options.signal.addEventListener('abort', this.abort, { once: true });
  }

  private attach(socket: Socket, connected: 'connect' | 'secureConnect', request: string): void {
    this.socket = socket;
    socket.once(connected, () => socket.write(request));
    socket.on('error', (error) => this.finish(error));
    socket.on('end', () => this.ended());
    socket.on('close', () => this.ended());
    if (this.phase === 'over') socket.destroy();
  }

  /** Bytes from a 'data' event (TLS in a tunnel): handed over as if read into our buffers, pausing when told to. */
  private onData(chunk: Buffer): void {
    let more = true;
    for (let at = 0; at < chunk.length && this.phase !== 'over'; ) {
      const n = chunk.copy(this.nextBuffer(), 0, at);
      at += n;
      more = this.onRead(n) && more;
    }
    if (!more) this.socket?.pause();
  }

  get bodyLength(): number | undefined {
    return this.framing.kind === 'length' ? this.framing.length : undefined;
  }

  get delimited(): boolean {
    return this.framing.kind !== 'close';
  }

  readBody(sink: BodySink): Promise<void> {
    if (this.phase !== 'waiting') return Promise.reject(this.failure ?? new Error('the body was already read'));
    this.sink = sink;
    this.phase = 'body';
    return new Promise<void>((resolve, reject) => {
      this.bodyDone = resolve;
      this.bodyFailed = reject;
      let more = true;
      for (const early of [this.head.subarray(0, this.headUsed), ...this.spill.splice(0)]) {
        if (early.length > 0) more = this.deliverCopy(early) && more;
      }
      if (this.phase !== 'body' || this.checkEnd()) return;
      if (this.eof) this.ended();
      else if (more) this.socket?.resume();
    });
  }

  resume(): void {
    if (this.phase === 'body') this.socket?.resume();
  }

  destroy(error?: Error): void {
    this.finish(error ?? new ConnectionCutError('the connection was closed'));
  }

  private readonly abort = () => {
    const reason: unknown = this.options.signal.reason;
    this.finish(reason instanceof Error ? reason : new Error('stopped'));
  };

  private nextBuffer(): Buffer {
    if (this.phase === 'body') this.readingInto = this.sink!.space();
    else if (this.headUsed < this.head.length && this.spill.length === 0) this.readingInto = this.head.subarray(this.headUsed);
    // 'waiting' with a full head buffer (a full one while 'head' has failed the exchange already).
    else this.readingInto = Buffer.allocUnsafe(SPILL_BYTES);
    return this.readingInto;
  }

  /** A read of `n` bytes into `readingInto`; false stops the socket reading (node's onread contract). */
  private onRead(n: number): boolean {
    const into = this.readingInto;
    if (this.phase === 'body') {
      // Normally the read filled the sink's space. It may have gone elsewhere: the one read after the head (into the
      // head buffer), or into a batch the sink has since handed to the disk (its hold timer): then it is copied.
      const space = this.sink!.space();
      if (into.buffer === space.buffer && into.byteOffset === space.byteOffset) return this.deliverInPlace(space, n);
      return this.deliverCopy(into.subarray(0, n));
    }
    if (this.phase === 'over') return false;
    if (into.buffer === this.head.buffer) this.headUsed += n;
    else this.spill.push(into.subarray(0, n));
    // 'waiting': kept for readBody(); the socket was told to stop already.
    return this.phase === 'head' ? this.parseHead() : false;
  }

  /** Parses the head once complete (1xx interim answers are skipped); false stops reading until readBody(). */
  private parseHead(): boolean {
    for (;;) {
      const end = this.head.subarray(0, this.headUsed).indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.headUsed < this.head.length) return true;
        this.finish(new HttpProtocolError(`the response head is larger than ${HEAD_LIMIT / 1024} KiB`));
        return false;
      }
      try {
        const head = parseHead(this.head.toString('latin1', 0, end));
        this.head.copyWithin(0, end + 4, this.headUsed);
        this.headUsed -= end + 4;
        if (head.status === 101) throw new HttpProtocolError('the server switched protocols, which was never asked');
        if (head.status < 200) continue;
        this.framing = framingOf(head.status, head.headers);
        this.status = head.status;
        this.headers = head.headers;
      } catch (error) {
        this.finish(error as Error);
        return false;
      }
      this.phase = 'waiting';
      this.resolveHead(this);
      return false;
    }
  }

  /** Body bytes at the start of the sink's space: decoded in place, handed over; false when the sink asked to pause. */
  private deliverInPlace(space: Buffer, n: number): boolean {
    let data = n;
    const framing = this.framing;
    if (framing.kind === 'chunked') {
      try {
        data = framing.decoder.decode(space, n);
      } catch (error) {
        this.finish(error as Error);
        return false;
      }
    } else if (framing.kind === 'length') {
      // Bytes past the announced length are not the file's (one request per connection: no next answer to keep).
      data = Math.min(n, framing.remaining);
      framing.remaining -= data;
    } else if (framing.kind === 'none') {
      data = 0;
    }
    const more = data > 0 ? this.sink!.filled(data) : true;
    return !this.checkEnd() && more;
  }

  /** Body bytes read elsewhere, copied into the sink as far as it takes them (it always has room for one read). */
  private deliverCopy(bytes: Buffer): boolean {
    let more = true;
    for (let at = 0; at < bytes.length && this.phase === 'body'; ) {
      const space = this.sink!.space();
      const n = bytes.copy(space, 0, at);
      at += n;
      more = this.deliverInPlace(space, n) && more;
    }
    return more && this.phase === 'body';
  }

  /** Ends the exchange once the body's framing says it is complete; true when it did. */
  private checkEnd(): boolean {
    const framing = this.framing;
    const complete =
      framing.kind === 'none' || (framing.kind === 'length' && framing.remaining === 0) || (framing.kind === 'chunked' && framing.decoder.done);
    if (!complete || this.phase !== 'body') return false;
    this.succeed();
    return true;
  }

  /** The server closed its side (or the socket closed). */
  private ended(): void {
    if (this.phase === 'waiting') {
      this.eof = true;
      return;
    }
    // A close-delimited body is never complete: a cut looks the same as its end (RFC 9112 §6.3, item 8).
    if (this.phase === 'body' && this.framing.kind === 'close') return this.finish(new ConnectionCutError('the body had no length and ended with the connection'));
    this.finish(new ConnectionCutError(this.phase === 'head' ? 'the connection closed before the response came' : 'the connection was cut'));
  }

  private succeed(): void {
    this.phase = 'over';
    this.close();
    this.bodyDone?.();
  }

  private finish(error: Error): void {
    if (this.phase === 'over') return;
    const wasHead = this.phase === 'head';
    this.phase = 'over';
    this.failure = error;
    this.close();
    if (wasHead) this.rejectHead(error);
    else this.bodyFailed?.(error);
  }

  private close(): void {
    this.options.signal.removeEventListener('abort', this.abort);
    this.socket?.destroy();
  }
}

/** The request head (absolute-form through a proxy); a header name must be a token and a value free of control characters (they would inject headers). */
function requestHead(url: URL, headers: Readonly<Record<string, string>>, proxy?: URL): string {
  // Through a proxy (plain http only; https goes through a tunnel): the absolute URL, and the proxy's credentials.
  const target = proxy ? `${url.origin}${url.pathname}${url.search}` : `${url.pathname}${url.search}`;
  const lines = [`GET ${target} HTTP/1.1`, `Host: ${url.host}`];
  const auth = proxy && proxyAuthorization(proxy);
  if (auth) lines.push(`Proxy-Authorization: ${auth}`);
  const own = Object.entries(headers).filter(([name]) => !['host', 'connection', 'proxy-authorization'].includes(name.toLowerCase()));
  for (const [name, value] of [...own, ['connection', 'close']]) {
    if (!TOKEN.test(name!)) throw new Error(`header name ${JSON.stringify(name)} is not a token`);
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value!)) throw new Error(`header ${name} holds a control character`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Fields that cannot be lists: a repeat is ignored, the first one kept (as node:http does). */
const SINGLE_FIELDS = new Set(['location', 'content-type', 'content-range']);

/** Status line and header fields (RFC 9112 §4, §5); obsolete line folding is refused, as node:http does. */
export function parseHead(text: string): { status: number; headers: Map<string, string> } {
  const [statusLine, ...fields] = text.split('\r\n');
  const status = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?$/.exec(statusLine ?? '');
  if (!status) throw new HttpProtocolError('the server sent an invalid HTTP status line');
  const headers = new Map<string, string>();
  for (const field of fields) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) throw new HttpProtocolError('the server sent an invalid HTTP header line');
    const key = name.toLowerCase();
    const value = field.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    const before = headers.get(key);
    if (before === undefined) headers.set(key, value);
    else if (!SINGLE_FIELDS.has(key)) headers.set(key, `${before}, ${value}`);
  }
  return { status: Number(status[1]), headers };
}

function framingOf(status: number, headers: ReadonlyMap<string, string>): Framing {
  if (status === 204 || status === 304) return { kind: 'none' };
  const codings = headers.get('transfer-encoding');
  if (codings !== undefined) {
    // We send no TE header, so chunked is the only coding a server may use (RFC 9112 §6.1); a gzip body would
    // otherwise become the file.
    if (codings.toLowerCase() !== 'chunked') throw new HttpProtocolError(`the server sent a body coded as "${codings}", not asked for`);
    return { kind: 'chunked', decoder: new ChunkedDecoder() };
  }
  const length = headers.get('content-length');
  if (length === undefined) return { kind: 'close' };
  const values = new Set(length.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only!)) throw new HttpProtocolError('the server sent an invalid Content-Length');
  return { kind: 'length', length: Number(only), remaining: Number(only) };
}

const enum Step {
  Size,
  /** Whitespace after the size: only more of it, the ";" of an extension, or the line's end may follow. */
  SizeSpace,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  FinalLf,
  Done,
}

const CR = 13;
/** Larger than any recording (Zoom's files stay far below), and exact in a double. */
const MAX_CHUNK = 2 ** 48;
const LF = 10;

/**
 * Chunked transfer coding (RFC 9112 §7.1), decoded in place: the data bytes of `buffer[0, n)` are moved to its start
 * and their count returned; chunk sizes, extensions and trailers are dropped. State carries across calls, so a size
 * line or a CRLF may be split between reads.
 */
export class ChunkedDecoder {
  private step = Step.Size;
  private size = 0;
  private digits = 0;
  /** Data bytes left in the current chunk. */
  private remaining = 0;

  get done(): boolean {
    return this.step === Step.Done;
  }

  decode(buffer: Buffer, n: number): number {
    let out = 0;
    let i = 0;
    while (i < n && this.step !== Step.Done) {
      if (this.step === Step.Data) {
        const take = Math.min(this.remaining, n - i);
        if (out !== i) buffer.copyWithin(out, i, i + take);
        out += take;
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.step = Step.DataCr;
        continue;
      }
      this.frame(buffer[i]!);
      i++;
    }
    return out;
  }

  private frame(byte: number): void {
    switch (this.step) {
      case Step.Size: {
        const digit = hexValue(byte);
        if (digit >= 0) {
          this.digits++;
          this.size = this.size * 16 + digit;
          if (this.size > MAX_CHUNK) throw new HttpProtocolError('the server sent a chunk size too large');
          return;
        }
        if (this.digits === 0) throw new HttpProtocolError('the server sent an invalid chunk size');
        if (byte === CR) this.step = Step.SizeLf;
        else if (byte === 0x3b) this.step = Step.Extension;
        else if (byte === 0x20 || byte === 0x09) this.step = Step.SizeSpace;
        else throw new HttpProtocolError('the server sent an invalid chunk size');
        return;
      }
      case Step.SizeSpace:
        // "5 5" is not a size of 5 with an extension (RFC 9112 §7.1.1: BWS ";" chunk-ext): found by the fuzz test.
        if (byte === CR) this.step = Step.SizeLf;
        else if (byte === 0x3b) this.step = Step.Extension;
        else if (byte !== 0x20 && byte !== 0x09) throw new HttpProtocolError('the server sent an invalid chunk size');
        return;
      case Step.Extension:
        if (byte === CR) this.step = Step.SizeLf;
        else if (byte === LF) throw new HttpProtocolError('the server sent invalid chunk framing');
        return;
      case Step.SizeLf:
        this.expect(byte, LF);
        this.remaining = this.size;
        this.step = this.size === 0 ? Step.TrailerStart : Step.Data;
        this.size = 0;
        this.digits = 0;
        return;
      case Step.DataCr:
        this.expect(byte, CR);
        this.step = Step.DataLf;
        return;
      case Step.DataLf:
        this.expect(byte, LF);
        this.step = Step.Size;
        return;
      case Step.TrailerStart:
        this.step = byte === CR ? Step.FinalLf : Step.Trailer;
        return;
      case Step.Trailer:
        if (byte === LF) this.step = Step.TrailerStart;
        return;
      case Step.FinalLf:
        this.expect(byte, LF);
        this.step = Step.Done;
        return;
    }
  }

  private expect(byte: number, wanted: number): void {
    if (byte !== wanted) throw new HttpProtocolError('the server sent invalid chunk framing');
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}
