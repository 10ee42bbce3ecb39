// Who may read the operator endpoints (/metrics, /admin/queues): a bearer token compared in constant time, or, for
// /metrics without a token configured, a caller on this machine.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** True when the request carries `Authorization: Bearer <token>`; the comparison takes as long for any guess. */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  // Digests have one length, so neither the comparison nor its early exit on length tells anything about the token.
  return timingSafeEqual(digest(match[1]!.trim()), digest(token));
}

/** A caller on this machine: 127.0.0.0/8 or ::1, also as an IPv4-mapped IPv6 address. */
export function isLoopback(req: IncomingMessage): boolean {
  const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/i, '');
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
