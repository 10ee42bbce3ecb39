// `/zoom rules apply (--meeting <id> | --webinar <id>) [--occurrence <id>]`: the governing rules over the registrants
// already pending. A preview first (counted without taking cap places); in shadow mode that is all. Switched on, it
// asks above 50 changes (docs/command-grammar.md) and runs the existing bulk registrant job, one per action, so the
// changes go to Zoom in batches of 30 with progress and a summary in the admin's DM.
import { z } from 'zod';
import { stringFlag } from './args.js';
import { settle } from './audited.js';
import type { ActionDef, CommandDef } from './command.js';
import type { CommandInvocation, Invocation, ParsedCommand } from './context.js';
import { UsageError } from './errors.js';
import { CONFIRMATION_TTL_SECONDS, claimPending, stashPending } from './pending.js';
import { EXAMPLE_ID } from './values/meeting-ids.js';
import { enqueueRegistrantUpdate } from '../jobs/registrant-updates.js';
import { approvalsTaken, claimApproval, releaseApproval, type CapSlot } from '../rules/cap.js';
import { evaluate } from '../rules/evaluate.js';
import type { RuleSet } from '../rules/model.js';
import { textMessage } from '../views/blocks.js';
import { noRulesText, targetFlag } from '../views/rules.js';
import { formatMeetingId } from '../views/format.js';
import { RULE_UNDO_ACTIONS, applyPreviewText, applyPrompt, applyShadowMessage, type ApplyPreview } from '../views/rule-undo.js';
import { allRegistrants, type Registrant } from '../zoom/registrants.js';
import type { RegistrantKey } from '../zoom/registrant-changes.js';

/** docs/command-grammar.md: a bulk change of more than this many registrants asks first, as `deny --all-pending` does. */
const APPLY_ASKS_ABOVE = 50;

const Session = z.object({ kind: z.enum(['meeting', 'webinar']), id: z.string().regex(/^\d{9,12}$/), occurrenceId: z.string().optional() });
type Session = z.infer<typeof Session>;

const Key = z.object({ id: z.string(), email: z.string() });
/** What the confirmation carries: whom to approve and whom to deny, as previewed. */
const ApplyPlan = z.object({ session: Session, approve: z.array(Key), deny: z.array(Key) });
type ApplyPlan = z.infer<typeof ApplyPlan>;

export const rulesApplyCommand: CommandDef = {
  path: ['rules', 'apply'],
  usage: 'rules apply (--meeting <id> | --webinar <id>) [--occurrence <id>]',
  summary: 'Apply the rules to the registrants pending now: counts first, asks above 50, runs as a bulk job.',
  example: `rules apply --webinar ${EXAMPLE_ID.webinar}`,
  access: 'write',
  args: { flags: { meeting: { type: 'meetingId' }, webinar: { type: 'meetingId' }, occurrence: { type: 'string' } } },
  run: applyCommand,
};

async function applyCommand(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const session = sessionOf(args);
  const rules = await rulesFor(inv, session);
  const pending = await allRegistrants(inv.services.zoom, session.kind, session.id, ['pending'], session.occurrenceId ? { occurrenceId: session.occurrenceId } : {});
  const placesLeft = rules.cap === undefined ? undefined : Math.max(0, rules.cap - (await approvalsTaken(inv.services.redis, inv.services.keyPrefix, slotOf(session))));
  const { plan, preview } = planApply(rules, session, pending, placesLeft);
  const command = inv.services.config.slack.command;
  if (rules.mode === 'shadow') {
    await inv.reply(applyShadowMessage(preview, rules.target, command));
    return;
  }
  const changes = plan.approve.length + plan.deny.length;
  if (changes === 0) {
    await inv.reply(textMessage(`${applyPreviewText(preview)}. Nothing to change.`));
    return;
  }
  if (changes > APPLY_ASKS_ABOVE) {
    await inv.reply(applyPrompt(preview, await stashPending(inv, 'rules-apply', plan, CONFIRMATION_TTL_SECONDS)));
    return;
  }
  await inv.reply(textMessage(`${applyPreviewText(preview)}.\n${await startApply(inv, plan)}`));
}

/** `--meeting <id>` or `--webinar <id>`, exactly one, with an optional occurrence. */
function sessionOf(args: ParsedCommand): Session {
  const meeting = stringFlag(args, 'meeting');
  const webinar = stringFlag(args, 'webinar');
  // The grammar has read and joined the ID already (a meetingId flag).
  const id = meeting ?? webinar;
  if (id === undefined || (meeting !== undefined && webinar !== undefined)) {
    throw new UsageError('Say which registrants: --meeting <id> or --webinar <id> (one of them).', { example: `rules apply --webinar ${EXAMPLE_ID.webinar}` });
  }
  const occurrenceId = stringFlag(args, 'occurrence');
  if (occurrenceId !== undefined && !/^\d{1,20}$/.test(occurrenceId)) {
    throw new UsageError('--occurrence takes an occurrence ID as Zoom gives it (digits), e.g. --occurrence 1648194360000.', { example: `rules apply --meeting ${EXAMPLE_ID.meeting} --occurrence 1648194360000` });
  }
  return { kind: meeting !== undefined ? 'meeting' : 'webinar', id, ...(occurrenceId ? { occurrenceId } : {}) };
}

/** The rules that govern the session, when they may be applied: switched off they may not. */
async function rulesFor(inv: Invocation, session: Session): Promise<RuleSet> {
  const command = inv.services.config.slack.command;
  const rules = await inv.services.rules.governing(session.kind, session.id);
  if (!rules) throw new UsageError(noRulesText({ kind: session.kind, id: session.id }, command));
  if (rules.mode === 'off') {
    throw new UsageError(
      `The rules that govern ${session.kind} ${formatMeetingId(session.id)} are off, so they decide nothing: \`${command} rules on${targetFlag(rules.target)}\` switches them on; nothing was changed.`,
    );
  }
  return rules;
}

function slotOf(session: Session): CapSlot {
  return { kind: session.kind, id: session.id, ...(session.occurrenceId ? { occurrence: session.occurrenceId } : {}) };
}

/** Each pending registrant through the rules; approvals past the places the cap leaves stay pending. Pure. */
function planApply(rules: RuleSet, session: Session, pending: readonly Registrant[], placesLeft: number | undefined): { plan: ApplyPlan; preview: ApplyPreview } {
  const plan: ApplyPlan = { session, approve: [], deny: [] };
  const byDomain = new Map<string, number>();
  let leave = 0;
  let pastCap = 0;
  for (const r of pending) {
    const verdict = evaluate(rules, r.email);
    const key: RegistrantKey = { id: r.id, email: r.email };
    if (verdict.action === 'deny') plan.deny.push(key);
    else if (verdict.action === 'leave') leave += 1;
    else if (placesLeft !== undefined && plan.approve.length >= placesLeft) {
      leave += 1;
      pastCap += 1;
    } else {
      plan.approve.push(key);
      if (verdict.domain) byDomain.set(verdict.domain, (byDomain.get(verdict.domain) ?? 0) + 1);
    }
  }
  const preview: ApplyPreview = {
    kind: session.kind,
    sessionId: session.id,
    ...(session.occurrenceId ? { occurrenceId: session.occurrenceId } : {}),
    pending: pending.length,
    approve: plan.approve.length,
    approveDomains: [...byDomain.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([d]) => d),
    deny: plan.deny.length,
    leave,
    pastCap,
    ...(placesLeft === undefined ? {} : { capLeft: placesLeft - plan.approve.length }),
  };
  return { plan, preview };
}

/**
 * Starts the bulk job of each action. The rules are read again (they may have been switched off while the prompt
 * waited), and each approval takes its cap place now, so registrations arriving meanwhile cannot push past the cap;
 * places a concurrent decision took first leave those registrants pending. Returns the sentence to show.
 */
async function startApply(inv: Invocation, plan: ApplyPlan): Promise<string> {
  const { services } = inv;
  const { session } = plan;
  const rules = await rulesFor(inv, session);
  if (rules.mode !== 'on') {
    throw new UsageError(`The rules that govern ${session.kind} ${formatMeetingId(session.id)} are back in shadow mode; nothing was changed.`);
  }
  const slot = slotOf(session);
  const approve: RegistrantKey[] = [];
  for (const key of plan.approve) {
    if (rules.cap === undefined || (await claimApproval(services.redis, services.keyPrefix, slot, rules.cap))) approve.push(key);
  }
  const named = `${session.kind} ${formatMeetingId(session.id)}${session.occurrenceId ? ` (occurrence ${session.occurrenceId})` : ''}`;
  const started: string[] = [];
  for (const [action, keys] of [['approve', approve], ['deny', plan.deny]] as const) {
    if (keys.length === 0) continue;
    const description = `Rules: ${action} ${keys.length} pending registrant(s) of ${named}`;
    const request = { kind: session.kind, sessionId: session.id, action, wanted: keys.map((k) => k.id), ...(session.occurrenceId ? { occurrenceId: session.occurrenceId } : {}) };
    // Approvals under a cap hold places: the job gives back those of the registrants Zoom did not change.
    const capped = action === 'approve' && rules.cap !== undefined ? slot : undefined;
    const job = await enqueueRegistrantUpdate(services, inv.person.id, request, description, undefined, capped);
    // The same apply already queued (a second admin, the same pending list): its approvals hold their places already.
    if (job.duplicate && action === 'approve') await Promise.all(keys.map(() => releaseApproval(services.redis, services.keyPrefix, slot)));
    started.push(`${action} ${keys.length}: job \`${job.jobId}\`${job.duplicate ? ' (already running; nothing new started)' : ''}`);
  }
  const lost = plan.approve.length - approve.length;
  const capNote = lost > 0 ? ` ${lost} approval(s) stay pending: the cap filled up meanwhile.` : '';
  const command = services.config.slack.command;
  if (started.length === 0) return `:information_source: Nothing to change for ${named}.${capNote}`;
  return `:hourglass_flowing_sand: Applying the rules to ${named}: ${started.join('; ')}.${capNote} Progress and the summary come in your DM with me; \`${command} jobs\` shows where they are.`;
}

export const rulesApplyActions: ActionDef[] = [
  {
    actionId: RULE_UNDO_ACTIONS.applyConfirm,
    access: 'write',
    run: async (inv, value) => {
      const plan = await claimPending(inv, 'rules-apply', value, ApplyPlan);
      await settle(inv, await startApply(inv, plan));
    },
  },
];
