// Against DNS rebinding: a web page whose own name resolves to 127.0.0.1 can reach the sandbox's ports from the
// user's browser, but it cannot forge the Host it addresses or the Origin it comes from. So the sandbox's servers
// answer only requests addressed to 127.0.0.1 or localhost on their own port, and from a page only same-origin ones
// (the bot and the SDKs send no Origin).
import type { IncomingMessage, ServerResponse } from 'node:http';

const LOCAL_NAMES = ['127.0.0.1', 'localhost'];

/** Why the request is refused, or undefined when it is addressed to this machine's server and same-origin. */
export function foreignRequest(req: IncomingMessage, port: number): string | undefined {
  const allowed = LOCAL_NAMES.map((name) => `${name}:${port}`);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowed.includes(host)) return `The ZoomOps sandbox answers only at http://127.0.0.1:${port}/ (this request was addressed to "${host}").`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `The ZoomOps sandbox answers only its own page (this request came from "${origin}").`;
  return undefined;
}

/** Answers 403 and returns true when the request is foreign; the caller then does nothing else. */
export function refuseForeign(req: IncomingMessage, res: ServerResponse, port: number): boolean {
  const reason = foreignRequest(req, port);
  if (!reason) return false;
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(reason);
  // Discard any body unread, so the connection ends cleanly.
  req.resume();
  return true;
}
