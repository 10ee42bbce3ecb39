// The pure evaluator: deny first, then approve, otherwise leave; subdomains match; case and IDN forms are one
// domain; an address without a valid domain is left pending.
import { describe, expect, it } from 'vitest';
import { emailDomain, normaliseDomain } from '../../../src/rules/domain.js';
import { evaluate } from '../../../src/rules/evaluate.js';
import type { RuleSet } from '../../../src/rules/model.js';

const rules = (approveDomains: string[], denyDomains: string[]): RuleSet => ({
  target: { kind: 'account' },
  approveDomains,
  denyDomains,
  channel: 'C1',
  mode: 'on',
  modeSince: 0,
  updatedBy: 'UADMIN',
  updatedAt: 0,
});

describe('evaluate', () => {
  const set = rules(['acme.com', 'xn--bcher-kva.de'], ['mailinator.com', 'contractors.acme.com']);

  it('approves an exact domain on the approve list and says why', () => {
    expect(evaluate(set, 'ana@acme.com')).toEqual({ action: 'approve', reason: 'acme.com is on the approve list', domain: 'acme.com' });
  });

  it('approves a subdomain of a listed domain, naming both', () => {
    expect(evaluate(set, 'bo@eu.acme.com')).toEqual({ action: 'approve', reason: 'eu.acme.com is under acme.com, which is on the approve list', domain: 'acme.com' });
  });

  it('does not take a domain that merely ends with the same letters for a subdomain', () => {
    expect(evaluate(set, 'eve@notacme.com')).toEqual({ action: 'leave', reason: 'notacme.com is on neither list' });
  });

  it('checks the deny list first, even when a broader domain is on the approve list', () => {
    expect(evaluate(set, 'x@contractors.acme.com')).toEqual({ action: 'deny', reason: 'contractors.acme.com is on the deny list', domain: 'contractors.acme.com' });
    expect(evaluate(rules(['acme.com'], ['acme.com']), 'x@acme.com').action).toBe('deny');
  });

  it('ignores case and a trailing dot, and matches an internationalised domain by its ASCII form', () => {
    expect(evaluate(set, 'Ana@ACME.Com').action).toBe('approve');
    expect(evaluate(set, 'ana@acme.com.').action).toBe('approve');
    expect(evaluate(set, 'max@Bücher.de')).toMatchObject({ action: 'approve', domain: 'xn--bcher-kva.de' });
    expect(evaluate(set, 'spam@MAILINATOR.com')).toMatchObject({ action: 'deny', reason: 'mailinator.com is on the deny list' });
  });

  it('leaves a domain on neither list pending', () => {
    expect(evaluate(set, 'kim@gmail.com')).toEqual({ action: 'leave', reason: 'gmail.com is on neither list' });
  });

  it.each(['acme.com', '@acme.com', 'ana@', 'ana@acme', 'ana@[10.0.0.1]', 'ana@10.0.0.1', 'ana@acme..com', 'ana@-acme.com', 'ana@ac me.com', ''])(
    'leaves the malformed address %j pending without matching anything',
    (email) => {
      expect(evaluate(set, email)).toEqual({ action: 'leave', reason: 'the address has no valid domain' });
    },
  );
});

describe('domains', () => {
  it('normalises what an admin types and refuses what is not a domain', () => {
    expect(normaliseDomain(' Acme.COM. ')).toBe('acme.com');
    expect(normaliseDomain('bücher.de')).toBe('xn--bcher-kva.de');
    for (const text of ['acme', '@acme.com', '*.acme.com', '1.2.3.4', 'a_b.com', `${'a'.repeat(64)}.com`, 'acme.c0m']) expect(normaliseDomain(text)).toBeUndefined();
  });

  it('takes the domain after the last @ of an address', () => {
    expect(emailDomain('"a@b"@Acme.com')).toBe('acme.com');
    expect(emailDomain('@acme.com')).toBeUndefined();
  });
});
