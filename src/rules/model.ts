// STUB of R1's contract (RULES-CONTRACT.md), replaced by rules-core's file at the merge.
import { z } from 'zod';

export const RuleTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('account') }),
  z.object({ kind: z.enum(['meeting', 'webinar']), id: z.string().regex(/^\d{9,12}$/) }),
]);
export type RuleTarget = z.infer<typeof RuleTarget>;
export const RuleSet = z.object({
  target: RuleTarget,
  approveDomains: z.array(z.string()),
  denyDomains: z.array(z.string()),
  cap: z.number().int().positive().optional(),
  channel: z.string(),
  mode: z.enum(['shadow', 'on', 'off']),
  modeSince: z.number(),
  updatedBy: z.string(),
  updatedAt: z.number(),
});
export type RuleSet = z.infer<typeof RuleSet>;
export type RuleAction = 'approve' | 'deny' | 'leave';
export interface Verdict {
  action: RuleAction;
  reason: string;
  domain?: string;
}
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
