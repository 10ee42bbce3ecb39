// A bound on request bodies that are still arriving, before anyone knows who sent them. POST /slack/events and
// POST /zoom/webhooks must read the whole body to check its signature, so each open request may hold up to its
// route's limit in memory; without a bound, slow senders that never finish could take all of it. A request is let
// in only while the bodies in flight stay under a count and a byte budget (the declared Content-Length, or the
// route's limit when none is declared); beyond that it gets 503 with Retry-After at once, which Slack and Zoom
// retry. Its share is given back as soon as its body has arrived or its connection is gone.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies in flight at once; real senders finish theirs in milliseconds, so this is far above normal load. */
const MAX_PENDING_BODIES = 256;
/** Bytes the bodies in flight may declare together: 32 requests at Zoom's 1 MiB limit, 8 at Slack's 4 MiB. */
export const MAX_PENDING_BODY_BYTES = 32 * 1024 * 1024;

const GATED = [
  { path: '/slack/events', limit: 4 * 1024 * 1024 },
  { path: '/zoom/webhooks', limit: 1024 * 1024 },
] as const;

const admitted = new WeakSet<IncomingMessage>();

export class BodyGate {
  private bodies = 0;
  private bytes = 0;

  constructor(
    private readonly maxBodies = MAX_PENDING_BODIES,
    private readonly maxBytes = MAX_PENDING_BODY_BYTES,
  ) {}

  /**
   * True when the request may go on (or is not gated); false when it was answered 503 here. A request already let
   * in (by the server's listener, then by a route) is not counted twice.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || admitted.has(req)) return true;
    const route = GATED.find((r) => req.url !== undefined && (req.url === r.path || req.url.startsWith(`${r.path}?`) || req.url.startsWith(`${r.path}/`)));
    if (!route) return true;
    const declared = Number(req.headers['content-length']);
    // A declared size past the route's limit is refused by the route itself (413) without reading it.
    const share = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, route.limit) : route.limit;
    if (this.bodies + 1 > this.maxBodies || this.bytes + share > this.maxBytes) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
      res.end(JSON.stringify({ error: 'too many requests are sending their bodies; try again shortly' }));
      return false;
    }
    admitted.add(req);
    this.bodies += 1;
    this.bytes += share;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.bodies -= 1;
      this.bytes -= share;
    };
    req.once('end', release);
    req.once('close', release);
    res.once('close', release);
    return true;
  }
}
