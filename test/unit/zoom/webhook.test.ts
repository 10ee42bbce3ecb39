import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { urlValidationAnswer, verifyZoomSignature, zoomSignature } from '../../../src/zoom/webhook.js';

const NOW = 1_800_000_000_000;
const TS = String(NOW / 1000);
const body = Buffer.from('{"event":"meeting.started","payload":{"object":{"id":1}}}');
const signed = (secret: string, ts = TS, raw = body) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex')}`;

describe('verifyZoomSignature', () => {
  it('accepts Zoom’s v0 HMAC of the raw body', () => {
    expect(zoomSignature('s1', TS, body)).toBe(signed('s1'));
    expect(verifyZoomSignature({ rawBody: body, signature: signed('s1'), timestamp: TS, secrets: ['s1'], nowMs: NOW })).toEqual({ ok: true });
  });

  it('hashes the bytes as sent, not a re-serialised parse', () => {
    const spaced = Buffer.from('{ "event" : "meeting.started" }');
    const reparsed = Buffer.from(JSON.stringify(JSON.parse(spaced.toString())));
    const check = verifyZoomSignature({ rawBody: spaced, signature: signed('s1', TS, reparsed), timestamp: TS, secrets: ['s1'], nowMs: NOW });
    expect(check.ok).toBe(false);
  });

  it('accepts either secret during a rotation and refuses any other', () => {
    const secrets = ['new', 'old'];
    for (const s of secrets) expect(verifyZoomSignature({ rawBody: body, signature: signed(s), timestamp: TS, secrets, nowMs: NOW }).ok).toBe(true);
    expect(verifyZoomSignature({ rawBody: body, signature: signed('other'), timestamp: TS, secrets, nowMs: NOW })).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses a timestamp more than 300 s away, either way, and missing headers', () => {
    const at = (ts: number) => verifyZoomSignature({ rawBody: body, signature: signed('s1', String(ts)), timestamp: String(ts), secrets: ['s1'], nowMs: NOW });
    expect(at(NOW / 1000 - 300).ok).toBe(true);
    // Marked stale (a replay or a skewed clock, counted apart from bad signatures in /metrics).
    expect(at(NOW / 1000 - 301)).toEqual({ ok: false, reason: 'x-zm-request-timestamp is more than 300 s from now', stale: true });
    expect(at(NOW / 1000 + 301)).toEqual({ ok: false, reason: 'x-zm-request-timestamp is more than 300 s from now', stale: true });
    expect(verifyZoomSignature({ rawBody: body, signature: undefined, timestamp: TS, secrets: ['s1'], nowMs: NOW }).ok).toBe(false);
    expect(verifyZoomSignature({ rawBody: body, signature: signed('s1'), timestamp: 'yesterday', secrets: ['s1'], nowMs: NOW }).ok).toBe(false);
    expect(verifyZoomSignature({ rawBody: body, signature: 'v0=short', timestamp: TS, secrets: ['s1'], nowMs: NOW }).ok).toBe(false);
  });
});

it('answers URL validation with the HMAC of the plain token', () => {
  expect(urlValidationAnswer('qgg8vlvZRS6UYooatFL8Aw', 'secret')).toEqual({
    plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
    encryptedToken: createHmac('sha256', 'secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
  });
});
