// Zoom webhook verification: `x-zm-signature` over the raw body, the replay window, and the answer to
// `endpoint.url_validation`. Pure functions of bytes, headers, secrets and a clock; no I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Zoom states no window; five minutes is the usual replay guard and what docs/configuration.md promises. */
export const TIMESTAMP_WINDOW_S = 300;

/** `stale`: the signature was not even checked, the timestamp being outside the window (a replay, or a skewed clock). */
export type SignatureCheck = { ok: true } | { ok: false; reason: string; stale?: true };

/** `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`), as Zoom signs. */
export function zoomSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Accepts a request signed with any of `secrets` (two during a rotation) whose timestamp is within the window.
 * The raw bytes are hashed, never a re-serialised parse: JSON.stringify would not reproduce Zoom's bytes.
 */
export function verifyZoomSignature(input: {
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  secrets: readonly string[];
  nowMs: number;
}): SignatureCheck {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) return { ok: false, reason: 'missing x-zm-signature or x-zm-request-timestamp' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'x-zm-request-timestamp is not Unix seconds' };
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > TIMESTAMP_WINDOW_S) {
    return { ok: false, reason: `x-zm-request-timestamp is more than ${TIMESTAMP_WINDOW_S} s from now`, stale: true };
  }
  const given = Buffer.from(signature);
  for (const secret of input.secrets) {
    const expected = Buffer.from(zoomSignature(secret, timestamp, input.rawBody));
    // timingSafeEqual needs equal lengths; a length mismatch is no secret.
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}

/** The answer to `endpoint.url_validation` (also Zoom's 72-hour re-validation): signed with the first secret. */
export function urlValidationAnswer(plainToken: string, secret: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') };
}
