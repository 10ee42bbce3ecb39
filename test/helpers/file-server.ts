// A local stand-in for Zoom's recording downloads: `download_url` on the "Zoom" host (127.0.0.1) checks the bearer
// token and redirects to a signed URL on a "storage" host (localhost, same port) that serves the bytes with Range
// support. Every request is recorded with its headers; behaviours (cuts, stalls, HTML pages) are set per test.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  host: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FileServerBehaviour {
  /** Tokens accepted on download_url. */
  tokens: string[];
  /** download_url answers 200 with an HTML page (Zoom's "only the host can download"). */
  html200?: boolean;
  /** download_url redirects here instead of to the storage host. */
  redirectTo?: string;
  /**
   * The next storage answers (one per request, then normal): cut the connection after n bytes, stall after n, or
   * pause for pauseMs after n and then send the rest.
   */
  storageFaults?: Array<{ cutAfter?: number; stallAfter?: number; pauseAfter?: number; pauseMs?: number }>;
  /** Storage ignores Range and always sends the whole file. */
  ignoreRange?: boolean;
  /** Storage sends this content type. */
  contentType?: string;
}

/** Deterministic bytes, so a test knows exactly what the file must hold. */
export function fileBytes(size: number, seed = 7): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8) + seed) & 0xff;
  return out;
}

export class FileServer {
  readonly seen: SeenRequest[] = [];
  readonly files = new Map<string, Buffer>();
  /** Answers of `GET /v2/meetings/{id}/recordings`, by the path's (encoded) meeting ID. */
  readonly recordings = new Map<string, unknown>();
  behaviour: FileServerBehaviour = { tokens: ['zoom-token'] };
  /** Bytes the storage host has sent in all. */
  served = 0;
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      this.seen.push({ host: url.host, path: url.pathname + url.search, headers: req.headers });
      const b = this.behaviour;
      const api = /^\/v2\/meetings\/([^/]+)\/recordings$/.exec(url.pathname);
      if (api && req.method === 'GET') {
        const answer = this.recordings.get(api[1]!);
        if (req.headers.authorization !== 'Bearer zoom-token' || answer === undefined) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":3301,"message":"There is no recording for this meeting."}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        return;
      }
      const download = /^\/rec\/download\/([^/]+)$/.exec(url.pathname);
      if (download) {
        if (!b.tokens.some((t) => req.headers.authorization === `Bearer ${t}`)) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":124,"message":"Invalid access token."}');
          return;
        }
        if (b.html200) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>Only the host can download this recording.</body></html>');
          return;
        }
        const location = b.redirectTo ?? `http://localhost:${this.port}/storage/${download[1]}?Signature=abc`;
        res.writeHead(302, { location }).end();
        return;
      }
      const storage = /^\/storage\/([^/]+)$/.exec(url.pathname);
      const file = storage ? this.files.get(storage[1]!) : undefined;
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range && !b.ignoreRange ? Number(range[1]) : 0;
      if (start >= file.length && file.length > 0) {
        res.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
        return;
      }
      const headers: Record<string, string> = {
        'content-type': b.contentType ?? 'video/mp4',
        'content-length': String(file.length - start),
        'accept-ranges': 'bytes',
      };
      if (start > 0) headers['content-range'] = `bytes ${start}-${file.length - 1}/${file.length}`;
      res.writeHead(start > 0 ? 206 : 200, headers);
      const fault = b.storageFaults?.shift();
      const body = file.subarray(start);
      if (fault?.cutAfter !== undefined) {
        this.served += fault.cutAfter;
        res.write(body.subarray(0, fault.cutAfter), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      if (fault?.stallAfter !== undefined) {
        this.served += fault.stallAfter;
        res.write(body.subarray(0, fault.stallAfter));
        return; // held open until the client gives up
      }
      if (fault?.pauseAfter !== undefined) {
        this.served += body.length;
        res.write(body.subarray(0, fault.pauseAfter));
        setTimeout(() => res.end(body.subarray(fault.pauseAfter)), fault.pauseMs ?? 0);
        return;
      }
      this.served += body.length;
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  /** The "Zoom" origin (also the API host of the tests' config). */
  get zoomOrigin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  downloadUrl(fileId: string): string {
    return `${this.zoomOrigin}/rec/download/${fileId}`;
  }

  reset(): void {
    this.seen.length = 0;
    this.files.clear();
    this.recordings.clear();
    this.behaviour = { tokens: ['zoom-token'] };
    this.served = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
