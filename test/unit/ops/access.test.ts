// Who may read the operator endpoints: the bearer token exactly, and (for /metrics without a token) loopback callers.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hasBearer, isLoopback } from '../../../src/ops/access.js';

const from = (remoteAddress: string | undefined) => ({ headers: {}, socket: { remoteAddress } }) as unknown as IncomingMessage;
const withAuth = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization }, socket: {} }) as unknown as IncomingMessage;

describe('isLoopback', () => {
  it('takes 127.0.0.0/8 and ::1, also IPv4-mapped', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.9']) expect(isLoopback(from(address)), address).toBe(true);
  });

  it('refuses every other address, and a socket without one', () => {
    for (const address of ['10.0.0.1', '192.168.1.5', '::ffff:10.1.1.1', 'fe80::1', '1127.0.0.1', '127.0.0.1.evil', '', undefined]) {
      expect(isLoopback(from(address)), String(address)).toBe(false);
    }
  });
});

describe('hasBearer', () => {
  it('accepts exactly the token, scheme in any case', () => {
    expect(hasBearer(withAuth('Bearer s3cret'), 's3cret')).toBe(true);
    expect(hasBearer(withAuth('bearer s3cret'), 's3cret')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 's3cret']) {
      expect(hasBearer(withAuth(header), 's3cret'), String(header)).toBe(false);
    }
  });
});
