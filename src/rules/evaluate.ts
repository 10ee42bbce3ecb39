// What the rules do with one address: deny first, then approve, otherwise leave it pending. Pure, so the
// `/zoom rules test` answer, the shadow report and the real decision can never disagree.
import { emailDomain, isUnder } from './domain.js';
import type { RuleAction, RuleSet, Verdict } from './model.js';

export function evaluate(rules: RuleSet, email: string): Verdict {
  const domain = emailDomain(email);
  if (domain === undefined) return { action: 'leave', reason: 'the address has no valid domain' };
  return (
    matchIn(rules.denyDomains, domain, 'deny') ??
    matchIn(rules.approveDomains, domain, 'approve') ?? { action: 'leave', reason: `${domain} is on neither list` }
  );
}

function matchIn(list: readonly string[], domain: string, action: Exclude<RuleAction, 'leave'>): Verdict | undefined {
  // The most specific listed domain explains the verdict best (`eu.acme.com` over `acme.com`).
  const listed = list.filter((d) => isUnder(domain, d)).sort((a, b) => b.length - a.length)[0];
  if (listed === undefined) return undefined;
  const where = `on the ${action} list`;
  const reason = listed === domain ? `${domain} is ${where}` : `${domain} is under ${listed}, which is ${where}`;
  return { action, reason, domain: listed };
}
