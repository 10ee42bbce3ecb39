// The download's own HTTP/1.1 client against servers that send exactly the bytes a test scripts (a raw TCP server),
// split wherever the test says: framing (Content-Length, chunked, until close), interim answers, malformed heads,
// cuts, the sink's pauses, and TLS with a certificate the test trusts.
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkedDecoder, ConnectionCutError, get, HttpProtocolError, type BodySink, type Http1Response } from '../../../../src/jobs/downloads/http1.js';
import { CollectingSink } from '../../../helpers/collecting-sink.js';
import { gate, until } from '../../../helpers/wait.js';

const tlsKey = readFileSync(new URL('../../../fixtures/tls/localhost.key', import.meta.url));
const tlsCert = readFileSync(new URL('../../../fixtures/tls/localhost.crt', import.meta.url));

/**
 * What one connection sends: pieces written one after the other, each flushed on its own, then close (or not). A
 * promise among them holds the rest until it settles (the test decides when the server goes on).
 */
interface Script {
  pieces: Array<string | Buffer | Promise<void>>;
  keepOpen?: boolean;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server that records the request head and answers with the script; resolves with its base URL. */
async function scripted(script: Script, options: { tls?: boolean } = {}): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const onConnection = (socket: Socket) => {
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', async (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      requests.push(head);
      head = '';
      for (const piece of script.pieces) {
        if (piece instanceof Promise) {
          await piece;
          continue;
        }
        socket.write(piece);
        // Each piece in its own TCP segment (as a slow server would send it), so the client sees the splits.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (!script.keepOpen) socket.end();
    });
  };
  const server = options.tls ? createTlsServer({ key: tlsKey, cert: tlsCert }, onConnection) : createTcpServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${options.tls ? 'https' : 'http'}://localhost:${port}/file?sig=1`, requests };
}

/** A sink that asks to pause after every read and stays paused until the test releases it. */
class PausingSink implements BodySink {
  readonly received: Buffer[] = [];
  paused = false;
  pauses = 0;
  /** Reads handed over while paused: the client went on without being resumed. */
  readsWhilePaused = 0;
  private readonly buffer: Buffer;
  constructor(
    private readonly response: Http1Response,
    size: number,
  ) {
    this.buffer = Buffer.alloc(size);
  }
  space(): Buffer {
    return this.buffer;
  }
  filled(n: number): boolean {
    if (this.paused) this.readsWhilePaused += 1;
    this.received.push(Buffer.from(this.buffer.subarray(0, n)));
    this.paused = true;
    this.pauses += 1;
    return false;
  }
  release(): void {
    this.paused = false;
    this.response.resume();
  }
  get body(): string {
    return Buffer.concat(this.received).toString('latin1');
  }
}

async function fetchBody(url: string, sink = new CollectingSink(), tls?: { ca: Buffer }) {
  const response = await get(new URL(url), { headers: { 'accept-encoding': 'identity' }, signal: new AbortController().signal, ...(tls ? { tls } : {}) });
  await response.readBody(sink);
  return { response, body: sink.body, sink };
}

const head = (status: string, ...fields: string[]) => `HTTP/1.1 ${status}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;

describe('http1 get', () => {
  it('sends one GET with the path, query, Host and the given headers, and asks to close the connection', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 2'), 'ok'] });
    const { response, body } = await fetchBody(server.url);
    expect(response.status).toBe(200);
    expect(body).toBe('ok');
    const [request] = server.requests;
    expect(request).toMatch(/^GET \/file\?sig=1 HTTP\/1\.1\r\n/);
    expect(request).toMatch(new RegExp(`\r\nHost: localhost:${new URL(server.url).port}\r\n`));
    expect(request).toContain('\r\naccept-encoding: identity\r\n');
    expect(request).toContain('\r\nconnection: close\r\n');
  });

  it('reads a Content-Length body split across many reads and ignores bytes past the length', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 10', 'Content-Type: video/mp4') + '012', '3456', '789EXTRA'], keepOpen: true });
    const { response, body } = await fetchBody(server.url);
    expect(body).toBe('0123456789');
    expect(response.bodyLength).toBe(10);
    expect(response.headers.get('content-type')).toBe('video/mp4');
  });

  it('decodes a chunked body whose sizes, extensions, CRLFs and trailers are split between reads', async () => {
    const server = await scripted({
      pieces: [head('200 OK', 'Transfer-Encoding: chunked'), '5', ';name=va', 'lue\r\nhel', 'lo\r', '\n6\r\n world\r\n0\r\nX-Trailer: 1\r', '\n\r\n'],
      keepOpen: true,
    });
    expect((await fetchBody(server.url)).body).toBe('hello world');
  });

  it('never takes a body without length or chunking as complete: the server closing it is a cut', async () => {
    const server = await scripted({ pieces: [head('200 OK'), 'all of ', 'it'] });
    const response = await get(new URL(server.url), { headers: {}, signal: new AbortController().signal });
    expect(response.delimited).toBe(false);
    await expect(response.readBody(new CollectingSink())).rejects.toThrow(ConnectionCutError);
  });

  it('hands over a body read only after the server has sent it all and closed', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 14') + 'late but whole'] });
    const response = await get(new URL(server.url), { headers: {}, signal: new AbortController().signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sink = new CollectingSink();
    await response.readBody(sink);
    expect(sink.body).toBe('late but whole');
  });

  it('skips interim 1xx answers and hands over the final one', async () => {
    const server = await scripted({ pieces: [head('103 Early Hints', 'Link: </a>; rel=preload'), head('206 Partial Content', 'Content-Length: 3', 'Content-Range: bytes 7-9/10'), 'abc'] });
    const { response, body } = await fetchBody(server.url);
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 7-9/10');
    expect(body).toBe('abc');
  });

  it('joins a repeated header with a comma and keeps a redirect\'s Location without reading its body', async () => {
    const server = await scripted({
      pieces: [head('302 Found', 'Location: https://storage.zoom.us/x?Signature=a', 'Location: https://elsewhere.example/', 'Vary: a', 'Vary: b', 'Content-Length: 5'), 'moved'],
      keepOpen: true,
    });
    const response = await get(new URL(server.url), { headers: {}, signal: new AbortController().signal });
    expect(response.status).toBe(302);
    // A repeated Location is ignored, the first kept (as node:http does): never both joined into one URL.
    expect(response.headers.get('location')).toBe('https://storage.zoom.us/x?Signature=a');
    expect(response.headers.get('vary')).toBe('a, b');
    response.destroy();
  });

  it('goes on after the sink asked for a pause only once it is resumed, and loses nothing', async () => {
    const body = 'x'.repeat(50_000);
    // Every read must land in the sink's space, where it asks for a pause. The read after the head goes into the
    // head's buffer instead, and is copied into the sink whole, pause or not (as many pieces as it holds bytes, however
    // many the server had sent by then: that made this test depend on load). So the server sends the body only once
    // the client holds the head, first one byte alone (that read), and the rest once the sink has taken it.
    const headRead = gate();
    const firstByteTaken = gate();
    const server = await scripted({
      pieces: [head('200 OK', `Content-Length: ${body.length}`), headRead.opened, body.slice(0, 1), firstByteTaken.opened, body.slice(1, 20_000), body.slice(20_000)],
    });
    const response = await get(new URL(server.url), { headers: {}, signal: new AbortController().signal });
    headRead.open();
    const sink = new PausingSink(response, 4_096);
    let ended = false;
    const reading = response.readBody(sink).finally(() => (ended = true));
    await until('the first body byte', () => sink.paused);
    expect(sink.body).toBe('x');
    firstByteTaken.open();
    while (!ended) {
      sink.release();
      await until('the sink to pause again, or the body to end', () => sink.paused || ended);
    }
    await reading;
    expect(sink.body).toBe(body);
    // 49,999 bytes into a 4 KiB space: at least 13 reads after the first byte, each of which asked for a pause, and none
    // came before its release.
    expect(sink.received.length).toBeGreaterThanOrEqual(14);
    expect(sink.pauses).toBe(sink.received.length);
    expect(sink.readsWhilePaused).toBe(0);
  });

  it('fails a body cut before its Content-Length with a cut, keeping the bytes that came', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 100'), 'only this'] });
    const sink = new CollectingSink();
    await expect(fetchBody(server.url, sink)).rejects.toThrow(ConnectionCutError);
    expect(sink.body).toBe('only this');
  });

  it('fails a chunked body cut before its last chunk', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Transfer-Encoding: chunked'), '5\r\nhello\r\n'] });
    await expect(fetchBody(server.url)).rejects.toThrow(ConnectionCutError);
  });

  it.each([
    ['an invalid status line', ['HTTP/2 200 OK\r\n\r\n'], 'the server sent an invalid HTTP status line'],
    ['a folded header line', [head('200 OK', 'X-A: 1', ' folded')], 'the server sent an invalid HTTP header line'],
    ['two different Content-Lengths', [head('200 OK', 'Content-Length: 5', 'Content-Length: 6')], 'the server sent an invalid Content-Length'],
    ['a Content-Length that is not a number', [head('200 OK', 'Content-Length: 5x')], 'the server sent an invalid Content-Length'],
    ['a chunk size that is not hex', [head('200 OK', 'Transfer-Encoding: chunked'), 'zz\r\n'], 'the server sent an invalid chunk size'],
    ['a chunk without its CRLF', [head('200 OK', 'Transfer-Encoding: chunked'), '2\r\nabX'], 'the server sent invalid chunk framing'],
    ['a head larger than 32 KiB', [`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(33 * 1024)}\r\n\r\n`], 'the response head is larger than 32 KiB'],
    ['a protocol switch', [head('101 Switching Protocols', 'Upgrade: websocket')], 'the server switched protocols, which was never asked'],
    ['a status below 100', ['HTTP/1.1 099 Odd\r\n\r\n'], 'the server sent an invalid HTTP status line'],
    ['a gzip-coded body', [head('200 OK', 'Transfer-Encoding: gzip, chunked')], 'the server sent a body coded as "gzip, chunked", not asked for'],
  ])('refuses %s as a protocol error', async (_name, pieces, message) => {
    const server = await scripted({ pieces, keepOpen: true });
    const attempt = fetchBody(server.url);
    await expect(attempt).rejects.toThrow(HttpProtocolError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('fails with a cut when the server closes before any answer', async () => {
    const server = await scripted({ pieces: [] });
    await expect(fetchBody(server.url)).rejects.toThrow('the connection closed before the response came');
  });

  it('refuses a header value with a line break, or a name that is not a token, before anything is sent', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 0')] });
    const signal = new AbortController().signal;
    await expect(get(new URL(server.url), { headers: { authorization: 'Bearer a\r\nX-Injected: 1' }, signal })).rejects.toThrow(
      'header authorization holds a control character',
    );
    await expect(get(new URL(server.url), { headers: { 'x-a: b\r\nx-c': 'd' }, signal })).rejects.toThrow('is not a token');
    expect(server.requests).toEqual([]);
  });

  it('keeps every body byte TLS delivers while the body waits for readBody()', async () => {
    // One write of head and body: TLS goes on handing over what it decrypted after the head said "stop".
    const body = Buffer.alloc(200_000, 'b');
    const server = await scripted({ pieces: [Buffer.concat([Buffer.from(head('200 OK', `Content-Length: ${body.length}`)), body])] }, { tls: true });
    const response = await get(new URL(server.url), { headers: {}, signal: new AbortController().signal, tls: { ca: tlsCert } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sink = new CollectingSink();
    await response.readBody(sink);
    expect(Buffer.concat(sink.received).equals(body)).toBe(true);
  });

  it('copies a read that landed in a buffer the sink has replaced since, losing nothing', async () => {
    const body = Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 251));
    const server = await scripted({ pieces: [head('200 OK', `Content-Length: ${body.length}`), body.subarray(0, 10_000), body.subarray(10_000)] });
    const response = await get(new URL(server.url), { headers: {}, signal: new AbortController().signal });
    // A sink that pauses after every read and, before resuming, moves on to a fresh buffer (as PartWriter's hold timer
    // may): the read node had already aimed at the old buffer lands there.
    let buffer = Buffer.alloc(65_536);
    const received: Buffer[] = [];
    const sink: BodySink = {
      space: () => buffer,
      filled: (n) => {
        received.push(Buffer.from(buffer.subarray(0, n)));
        setTimeout(() => {
          buffer = Buffer.alloc(65_536);
          response.resume();
        }, 1);
        return false;
      },
    };
    await response.readBody(sink);
    expect(Buffer.concat(received).equals(body)).toBe(true);
  });

  it('stops at once when the signal is aborted, with the signal\'s reason', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 100'), 'partial'], keepOpen: true });
    const stop = new AbortController();
    const response = await get(new URL(server.url), { headers: {}, signal: stop.signal });
    const reading = response.readBody(new CollectingSink());
    stop.abort(new Error('shutting down'));
    await expect(reading).rejects.toThrow('shutting down');
  });

  it('speaks TLS to a host whose certificate it trusts, and refuses one it does not', async () => {
    const server = await scripted({ pieces: [head('200 OK', 'Content-Length: 6'), 'secret'] }, { tls: true });
    expect((await fetchBody(server.url, new CollectingSink(), { ca: tlsCert })).body).toBe('secret');
    await expect(fetchBody(server.url)).rejects.toThrow(/self.signed certificate/i);
  });
});

describe('ChunkedDecoder', () => {
  it('decodes byte by byte exactly as in one piece', () => {
    const wire = Buffer.from('4\r\nWiki\r\n5;ext\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n');
    const whole = new ChunkedDecoder();
    const copy = Buffer.from(wire);
    expect(copy.subarray(0, whole.decode(copy, copy.length)).toString()).toBe('Wikipedia in\r\n\r\nchunks.');
    expect(whole.done).toBe(true);

    const bytewise = new ChunkedDecoder();
    let out = '';
    for (const byte of wire) {
      const one = Buffer.from([byte]);
      out += one.subarray(0, bytewise.decode(one, 1)).toString();
    }
    expect(out).toBe('Wikipedia in\r\n\r\nchunks.');
    expect(bytewise.done).toBe(true);
  });
});
