// The registrant rules at work on `meeting.registration_created` / `webinar.registration_created`: the relay asks
// which channels still get the event's alert. A registration waiting for approval under rules that are `on` is
// approved or denied (queued for a batched status call, src/jobs/rule-decisions.ts) and gets no pending card, or is
// left pending (no rule matched, the cap is reached) and gets the usual card in the rule set's channel too. In
// `shadow` mode nothing is sent to Zoom: the verdict is counted and reported in the rule set's channel. Each
// registration is decided once: its claim in Redis makes a retried job or a second webhook find the first decision.
import type { RelayJobData } from '../ingress/accept.js';
import { scheduleFlush } from '../jobs/rule-decisions.js';
import type { Services } from '../services.js';
import type { WatchingChannel } from '../slack/watches.js';
import { pendingRegistration } from '../views/alerts.js';
import { EventRegistrant, EventSession } from '../zoom/event-objects.js';
import { claimApproval } from './cap.js';
import { RuleDecisions, type Bucket, type DecisionClaim, type QueuedDecision, type Registration } from './decisions.js';
import { evaluate } from './evaluate.js';
import type { RuleSet } from './model.js';
import { rulesZone } from './zone.js';

/**
 * The channels that get the event's usual alert: the watching ones, less all of them when the rules decide the
 * registration (its message in the rule set's channel says so), plus the rule set's channel when the rules leave it
 * pending. Any other event, or no rules, or rules `off`: the watching channels as they are.
 */
export async function decideByRules(data: RelayJobData, watching: WatchingChannel[], services: Services): Promise<WatchingChannel[]> {
  const waiting = pendingRegistration(data.event);
  if (!waiting?.r || !waiting.e) return watching;
  const rules = await services.rules.governing(waiting.k, waiting.s);
  if (!rules || rules.mode === 'off') return watching;
  const object = data.event.payload.object as Record<string, unknown> | undefined;
  const session = EventSession.parse(object);
  const registrant = EventRegistrant.parse(object?.registrant);
  // One occurrence named: the registration is for it (its cap, its status call); none or several: the whole series.
  const occurrence = session.occurrences?.length === 1 ? session.occurrences[0]!.occurrence_id : undefined;
  const reg: Registration = { kind: waiting.k, sessionId: waiting.s, registrantId: waiting.r, email: waiting.e, ...(occurrence ? { occurrence } : {}) };
  const name = [registrant.first_name, registrant.last_name].filter(Boolean).join(' ');
  const claim = await decide(services, rules, reg, { name, ...(session.topic ? { topic: session.topic } : {}), at: services.now().toMillis() });
  if (claim.mode === 'shadow') return watching;
  if (claim.action !== 'leave') return [];
  if (watching.some((w) => w.channel === claim.channel)) return watching;
  return [...watching, { channel: claim.channel, zone: await rulesZone(services, rules) }];
}

/**
 * The registration's decision, taken once: the first run claims it; a run after a crash finishes what the claim
 * says is missing (the cap place, the queue); any later run finds it settled. The flush job is (re)queued each
 * time: a crash after the decision was queued but before its job was must not strand it.
 */
async function decide(services: Services, rules: RuleSet, reg: Registration, shown: { name: string; topic?: string; at: number }): Promise<DecisionClaim> {
  const ledger = new RuleDecisions(services.redis, services.keyPrefix);
  const verdict = evaluate(rules, reg.email);
  const mode = rules.mode === 'on' ? 'on' : 'shadow';
  let claim = (await ledger.claim(reg)) ?? (await ledger.claimFirst(reg, { action: verdict.action, reason: verdict.reason, mode, channel: rules.channel, stage: 'claimed' }));
  if (claim.stage === 'claimed') {
    let final: DecisionClaim = { ...claim, stage: 'queued' };
    if (claim.mode === 'shadow') {
      await services.rules.recordShadow(rules.target, claim.action);
    } else if (claim.action === 'approve' && rules.cap !== undefined && !claim.capped) {
      if (await claimApproval(services.redis, services.keyPrefix, slotOf(reg), rules.cap)) {
        final = { ...final, capped: true };
        await ledger.markCapped(reg, claim);
      } else {
        final = { ...final, action: 'leave', reason: `the cap of ${rules.cap} automatic approvals is reached` };
      }
    }
    const queued = claim.mode === 'shadow' || final.action !== 'leave' ? { bucket: bucketOf(final, reg), decision: queuedDecision(reg, final, shown, rules) } : undefined;
    await ledger.settle(reg, final, queued);
    // Settled by this run, or by a concurrent one: either way the claim now says what was decided.
    claim = (await ledger.claim(reg)) ?? final;
  }
  if (claim.mode === 'shadow' || claim.action !== 'leave') await scheduleFlush(services, bucketOf(claim, reg));
  return claim;
}

function bucketOf(claim: DecisionClaim, reg: Registration): Bucket {
  if (claim.mode === 'shadow' || claim.action === 'leave') return { kind: 'shadow', channel: claim.channel };
  return { kind: 'decide', channel: claim.channel, k: reg.kind, s: reg.sessionId, action: claim.action, ...(reg.occurrence ? { o: reg.occurrence } : {}) };
}

function queuedDecision(reg: Registration, claim: DecisionClaim, shown: { name: string; topic?: string; at: number }, rules: RuleSet): QueuedDecision {
  return {
    k: reg.kind,
    s: reg.sessionId,
    ...(reg.occurrence ? { o: reg.occurrence } : {}),
    r: reg.registrantId,
    e: reg.email,
    ...(shown.name ? { n: shown.name } : {}),
    ...(shown.topic ? { t: shown.topic } : {}),
    action: claim.action,
    reason: claim.reason,
    ...(claim.capped ? { capped: true } : {}),
    ...(rules.cap !== undefined ? { cap: rules.cap } : {}),
    at: shown.at,
  };
}

function slotOf(reg: Registration): { kind: Registration['kind']; id: string; occurrence?: string } {
  return { kind: reg.kind, id: reg.sessionId, ...(reg.occurrence ? { occurrence: reg.occurrence } : {}) };
}
