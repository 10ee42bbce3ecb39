// STUB of R1's contract (RULES-CONTRACT.md), replaced by rules-core's file at the merge.
import type { RuleSet, Verdict } from './model.js';

export function evaluate(rules: RuleSet, email: string): Verdict {
  const domain = /@([a-z0-9.-]+\.[a-z]{2,})$/i.exec(email.trim())?.[1]?.toLowerCase();
  if (!domain) return { action: 'leave', reason: 'the address has no valid domain' };
  const match = (list: string[]) => list.find((d) => domain === d || domain.endsWith(`.${d}`));
  const denied = match(rules.denyDomains);
  if (denied) return { action: 'deny', reason: `${denied} is on the deny list`, domain: denied };
  const approved = match(rules.approveDomains);
  if (approved) return { action: 'approve', reason: `${approved} is on the approve list`, domain: approved };
  return { action: 'leave', reason: `${domain} is on neither list`, domain };
}
