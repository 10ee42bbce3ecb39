// Registrant rules: what an admin sets with `/zoom rules` and what the rules decide for one registration.
// Stored as JSON in Redis (store.ts) and parsed back with these schemas, so a value written by an older version
// or by hand is refused instead of half-read.
import { z } from 'zod';

/** Whose registrations a rule set decides: the whole account's, or one meeting's or webinar's. */
export const RuleTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('account') }),
  z.object({ kind: z.enum(['meeting', 'webinar']), id: z.string().regex(/^\d{9,12}$/) }),
]);
export type RuleTarget = z.infer<typeof RuleTarget>;

export const RuleMode = z.enum(['shadow', 'on', 'off']);
export type RuleMode = z.infer<typeof RuleMode>;

export const RuleSet = z.object({
  target: RuleTarget,
  /** Lower-case, no '@', sorted, unique. */
  approveDomains: z.array(z.string()),
  denyDomains: z.array(z.string()),
  /** At most this many automatic approvals per meeting/webinar (per occurrence for recurring ones). */
  cap: z.number().int().positive().optional(),
  /** Slack channel ID: shadow reports, decision messages, cards of registrations left pending. */
  channel: z.string(),
  mode: RuleMode,
  /** When the current mode began (ms): the shadow tally counts from here. */
  modeSince: z.number(),
  /** Slack user ID of the admin who changed the set last. */
  updatedBy: z.string(),
  updatedAt: z.number(),
});
export type RuleSet = z.infer<typeof RuleSet>;

export type RuleAction = 'approve' | 'deny' | 'leave';
export const RULE_ACTIONS: readonly RuleAction[] = ['approve', 'deny', 'leave'];

/** What the rules do with one address and a sentence saying why; `domain` is the listed domain that matched. */
export interface Verdict {
  action: RuleAction;
  reason: string;
  domain?: string;
}

/**
 * The value of an Undo button (action_id `rules.undo`). Short keys because Slack caps a button value at 2,000
 * characters: kind, meeting/webinar ID, registrant ID, email, what the rules did, when (ms), occurrence ID.
 */
export const UndoRef = z.object({
  k: z.enum(['meeting', 'webinar']),
  s: z.string(),
  r: z.string(),
  e: z.string(),
  d: z.enum(['approve', 'deny']),
  at: z.number(),
  o: z.string().optional(),
});
export type UndoRef = z.infer<typeof UndoRef>;

/** The field a target is stored under, e.g. `account`, `webinar:81234567890`. */
export function targetKey(target: RuleTarget): string {
  return target.kind === 'account' ? 'account' : `${target.kind}:${target.id}`;
}
