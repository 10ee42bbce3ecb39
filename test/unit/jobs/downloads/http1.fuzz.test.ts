// http1.ts reads responses from the network (Zoom's storage, or whatever a redirect or a proxy puts in between), so it
// is fuzzed: valid responses of random shape, split at random points across reads, into sinks of random size that
// pause at random, must arrive byte-exact; malformed ones (status lines, chunk sizes huge, negative or junk, header
// floods, conflicting lengths, unasked codings, cuts) must fail with the client's own errors, never pass as a body.
// The generator is seeded: a failure names FUZZ_SEED and the case, and `FUZZ_SEED=<n> npx vitest run <this file>`
// replays it.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionCutError, get, HttpProtocolError, type BodySink, type Http1Response } from '../../../../src/jobs/downloads/http1.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const CASES = Number(process.env.FUZZ_CASES ?? 120);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255))),
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof random>;

/** The wire bytes of each case, by request path; each connection writes its case in the pieces given. */
const scripts = new Map<string, Buffer[]>();
const server = createServer((socket: Socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  let head = '';
  socket.on('data', async (data) => {
    head += data.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    const path = /^GET (\S+) /.exec(head)?.[1] ?? '';
    for (const piece of scripts.get(path) ?? []) {
      if (socket.destroyed) return;
      socket.write(piece);
      // Each piece on its own when the client is quick enough: reads end where the pieces do, or across them.
      await new Promise((resolve) => (piece.length % 2 ? setImmediate(resolve) : setTimeout(resolve, 1)));
    }
    socket.end();
  });
});
let origin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Cuts `wire` into 1–12 pieces at random points. */
function split(rng: Random, wire: Buffer): Buffer[] {
  const cuts = Array.from({ length: rng.int(0, Math.min(11, wire.length)) }, () => rng.int(1, Math.max(1, wire.length - 1)));
  const points = [...new Set([0, ...cuts.sort((a, b) => a - b), wire.length])];
  return points.slice(1).map((end, i) => wire.subarray(points[i]!, end));
}

/** A sink of random size that asks to pause at random, resumed a moment later, as the part writer does. */
class RandomSink implements BodySink {
  readonly received: Buffer[] = [];
  private readonly buffer: Buffer;
  response: Http1Response | undefined;
  constructor(private readonly rng: Random) {
    this.buffer = Buffer.alloc(rng.pick([1, 7, 512, 4096, 65_536]));
  }
  space(): Buffer {
    return this.buffer;
  }
  filled(n: number): boolean {
    this.received.push(Buffer.from(this.buffer.subarray(0, n)));
    if (!this.rng.chance(0.1)) return true;
    setImmediate(() => this.response?.resume());
    return false;
  }
}

/** GETs one case and reads its body whole; rejects as the client does. */
async function exchange(rng: Random, name: string, wire: Buffer): Promise<{ response: Http1Response; body: Buffer }> {
  const path = `/${name}`;
  scripts.set(path, split(rng, wire));
  try {
    const response = await get(new URL(path, origin), { headers: {}, signal: AbortSignal.timeout(10_000) });
    const sink = new RandomSink(rng);
    sink.response = response;
    await response.readBody(sink);
    return { response, body: Buffer.concat(sink.received) };
  } finally {
    scripts.delete(path);
  }
}

function headOf(status: string, fields: string[]): string {
  return `HTTP/1.1 ${status}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
}

/** Harmless header fields of random names and values. */
function noise(rng: Random): string[] {
  return Array.from({ length: rng.int(0, 8) }, (_, i) => `X-Noise-${i}${rng.pick(['', '-a', '_b'])}:${rng.pick(['', ' ', '\t'])}${rng.bytes(rng.int(0, 40)).toString('base64')}`);
}

/** The chunked coding of `body`: random chunk sizes, hex in either case with leading zeros, extensions, trailers. */
function chunked(rng: Random, body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = Math.min(body.length - at, rng.int(1, 6_000));
    let hex = size.toString(16);
    hex = rng.chance(0.5) ? hex.toUpperCase() : hex;
    hex = '0'.repeat(rng.int(0, 3)) + hex;
    const extension = rng.chance(0.2) ? rng.pick([';a=b', ';name="quoted"', ' ;x']) : '';
    parts.push(Buffer.from(`${hex}${extension}\r\n`, 'latin1'), body.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  const trailers = rng.chance(0.3) ? `X-Trailer: ${rng.int(0, 1e6)}\r\n` : '';
  parts.push(Buffer.from(`${'0'.repeat(rng.int(1, 3))}\r\n${trailers}\r\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A valid response carrying `body`, with Content-Length or chunked, maybe after an interim 1xx. */
function validResponse(rng: Random, body: Buffer): { wire: Buffer; status: number } {
  const status = rng.pick([200, 206]);
  const interim = rng.chance(0.2) ? headOf(rng.pick(['100 Continue', '103 Early Hints']), rng.chance(0.5) ? ['Link: </a>'] : []) : '';
  const reason = rng.pick([' OK', ' Partial Content', '', ' ']);
  const asChunks = rng.chance(0.5);
  const framing = asChunks ? [rng.pick(['Transfer-Encoding: chunked', 'transfer-encoding: Chunked'])] : [`Content-Length: ${body.length}`];
  if (!asChunks && rng.chance(0.2)) framing.push(`Content-Length: ${body.length}`);
  const fields = [...noise(rng), ...framing, ...noise(rng)];
  const head = `${interim}HTTP/1.1 ${status}${reason}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
  return { wire: Buffer.concat([Buffer.from(head, 'latin1'), asChunks ? chunked(rng, body) : body]), status };
}

const sizes = (rng: Random) => rng.pick([0, 1, 2, rng.int(3, 100), rng.int(100, 70_000), rng.int(70_000, 300_000)]);

describe(`http1 fuzzed (FUZZ_SEED=${SEED})`, () => {
  it('delivers every valid response byte-exact, however it is split across reads', async () => {
    for (let i = 0; i < CASES; i++) {
      const rng = random(SEED + i);
      const body = rng.bytes(sizes(rng));
      const { wire, status } = validResponse(rng, body);
      const where = `FUZZ_SEED=${SEED} valid case ${i}`;
      const { response, body: got } = await exchange(rng, `valid-${i}`, wire).catch((error: Error) => {
        throw new Error(`${where}: ${error.message}`);
      });
      expect(response.status, where).toBe(status);
      expect(response.delimited, where).toBe(true);
      expect(got.equals(body), `${where}: ${got.length} bytes received of ${body.length}`).toBe(true);
    }
  }, 120_000);

  /** Malformed responses: each must end with HttpProtocolError or ConnectionCutError, never with a body. */
  const malformed: Record<string, (rng: Random) => Buffer> = {
    'a malformed status line': (rng) =>
      Buffer.from(
        `${rng.pick(['HTTP/2.0 200 OK', 'HTTP/1.1 20 OK', 'HTTP/1.1 2000 OK', 'HTTP/1.1 OK', 'ICY 200 OK', 'HTTP/1.1 200OK', 'http/1.1 200 OK', 'HTTP/1.1 600 Nope', ` HTTP/1.1 200 OK`, rng.bytes(20).toString('latin1').replace(/\r|\n/g, '')])}\r\nContent-Length: 2\r\n\r\nhi`,
        'latin1',
      ),
    'a chunk size that is negative, huge or junk': (rng) =>
      Buffer.concat([
        Buffer.from(headOf('200 OK', ['Transfer-Encoding: chunked'])),
        Buffer.from(`${rng.pick(['-5', 'fffffffffffffffff', '1000000000000', 'zz', '0x10', '', ' 5', '5 5', '+5', '\t'])}\r\nhello\r\n0\r\n\r\n`, 'latin1'),
      ]),
    'chunk data longer than its size': (rng) =>
      Buffer.concat([Buffer.from(headOf('200 OK', ['Transfer-Encoding: chunked'])), Buffer.from(`3\r\n${'x'.repeat(rng.int(4, 50))}\r\n0\r\n\r\n`)]),
    'a header flood': (rng) =>
      Buffer.from(headOf('200 OK', [...Array.from({ length: rng.int(700, 3_000) }, (_, i) => `X-Flood-${i}: ${'v'.repeat(rng.int(30, 60))}`), 'Content-Length: 2']) + 'hi'),
    'conflicting or invalid Content-Length': (rng) =>
      Buffer.from(
        headOf('200 OK', rng.pick([
          ['Content-Length: 5', 'Content-Length: 6'],
          ['Content-Length: 5, 6'],
          ['Content-Length: -1'],
          ['Content-Length: +5'],
          ['Content-Length: 5.0'],
          ['Content-Length: 1e3'],
          ['Content-Length: abc'],
          ['Content-Length: 9999999999999999'],
          ['Content-Length: '],
        ])) + 'hello',
      ),
    'a coding that was not asked for': (rng) =>
      Buffer.from(headOf('200 OK', [`Transfer-Encoding: ${rng.pick(['gzip', 'chunked, gzip', 'gzip, chunked', 'deflate', 'identity'])}`]) + '0\r\n\r\n'),
    'an invalid header line': (rng) =>
      Buffer.from(headOf('200 OK', ['Content-Length: 2', rng.pick(['no colon here', ': empty name', 'Bad Name: x', ' folded: line', 'X-A\x01: y'])]) + 'hi', 'latin1'),
    'a switch of protocols never asked': () => Buffer.from(headOf('101 Switching Protocols', ['Upgrade: websocket', 'Connection: upgrade'])),
    'a body without any framing': (rng) => Buffer.from(headOf('200 OK', noise(rng)) + 'ends with the connection'),
    'a valid response cut short': (rng) => {
      const body = rng.bytes(rng.int(1, 100_000));
      const { wire } = validResponse(rng, body);
      return wire.subarray(0, rng.int(0, wire.length - 1));
    },
  };

  for (const [kind, make] of Object.entries(malformed)) {
    it(`fails with its own error on ${kind}`, async () => {
      for (let i = 0; i < Math.ceil(CASES / 4); i++) {
        const rng = random(SEED * 31 + i);
        const where = `FUZZ_SEED=${SEED} ${kind}, case ${i}`;
        const outcome = await exchange(rng, `bad-${i}`, make(rng)).then(
          ({ body }) => new Error(`${where}: passed as a body of ${body.length} bytes`),
          (error: unknown) => error,
        );
        expect(outcome instanceof HttpProtocolError || outcome instanceof ConnectionCutError, `${where}: ${String(outcome)}`).toBe(true);
      }
    }, 120_000);
  }
});
