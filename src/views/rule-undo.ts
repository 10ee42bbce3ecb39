// Block Kit for undoing a decision the registrant rules made: the Undo button a decision line carries, the
// confirmation that says what Zoom will do, the line once undone, and what `/zoom rules apply` would do.
import type { KnownBlock } from '@slack/types';
import type { DateTime } from 'luxon';
import { z } from 'zod';
import { context, section, type SlackMessage } from './blocks.js';
import { confirmationPrompt } from './confirm.js';
import { escapeMrkdwn, formatClock, formatMeetingId } from './format.js';
import { RULE_DECISION_ACTIONS } from './rule-decisions.js';
import { targetFlag } from './rules.js';
import type { RuleTarget, UndoRef } from '../rules/model.js';
import type { UndoOutcome } from '../rules/undo.js';

export const RULE_UNDO_ACTIONS = {
  // The button the decision messages carry (views/rule-decisions.ts), defined once there.
  undo: RULE_DECISION_ACTIONS.undo,
  confirm: 'rules.undo.confirm',
  applyConfirm: 'rules.apply.confirm',
} as const;

/** What the rules did, and what an Undo does instead: Zoom's status call has no way back to pending. */
type RuleDecision = UndoRef['d'];
const UNDONE_TO: Record<RuleDecision, 'denied' | 'approved'> = { approve: 'denied', deny: 'approved' };
const DONE: Record<RuleDecision, 'approved' | 'denied'> = { approve: 'approved', deny: 'denied' };

/**
 * The question before an Undo, saying exactly what Zoom will do: the opposite status (nothing returns a registrant to
 * pending), the email Zoom sends only when the meeting's "registrants email notification" setting is on, the cap place
 * an undone approval gives back, and Zoom's 10 status changes a registrant a day.
 */
export function undoPrompt(input: { line: UndoRef; decidedAt: DateTime; zone: string; value: string }): SlackMessage {
  const { line } = input;
  const who = escapeMrkdwn(line.e);
  const session = `${line.k} ${formatMeetingId(line.s)}`;
  const opposite = line.d === 'approve' ? 'denies' : 'approves';
  const email =
    line.d === 'approve'
      ? `${who} will be told by Zoom's denial email (if the ${line.k} sends registrants email notifications)`
      : `${who} will get Zoom's approval email with the join link (if the ${line.k} sends registrants email notifications)`;
  const cap = line.d === 'approve' ? ' The approval’s place under the cap is given back.' : ' This approval is yours, not the rules’: it takes no place under the cap.';
  const question =
    `The rules ${DONE[line.d]} ${who} for ${session} at ${formatClock(input.decidedAt, input.zone)}. ` +
    `Undo *${opposite}* this registration: Zoom cannot return it to pending, and ${email}.${cap}`;
  return confirmationPrompt({
    question,
    confirmLabel: line.d === 'approve' ? 'Undo: deny' : 'Undo: approve',
    actionId: RULE_UNDO_ACTIONS.confirm,
    value: input.value,
    note: 'Zoom allows 10 status changes per registrant a day.',
  });
}

/** The line a decision shows once undone: who undid it and where the registration stands now. */
export function undoneNotice(by: string, decision: RuleDecision): string {
  return `:leftwards_arrow_with_hook: Undone by <@${by}> — now ${UNDONE_TO[decision]}`;
}

export function undoOutcomeText(line: Pick<UndoRef, 'k' | 's' | 'e'>, outcome: UndoOutcome): string {
  const who = escapeMrkdwn(line.e);
  const session = `${line.k} ${formatMeetingId(line.s)}`;
  switch (outcome.kind) {
    case 'undone':
      return `:leftwards_arrow_with_hook: Undone: ${who} is now ${UNDONE_TO[outcome.decision]} for ${session}.`;
    case 'already':
      return `<@${outcome.by}> already undid this decision; nothing more was changed.`;
    case 'changed':
      return (
        `${who} is ${escapeMrkdwn(outcome.status)} now, no longer ${DONE[outcome.decision]} as the rules left them: someone changed it since. ` +
        'Undo changed nothing; use the registrant card if they should change again.'
      );
    case 'registrant-gone':
      return `${who} is no longer registered for ${session} (cancelled or deleted); nothing was changed.`;
    case 'session-gone':
      return `The ${session} is over or deleted in Zoom, so its registrations can no longer change; nothing was changed.`;
  }
}

const UndoValue = z.object({ r: z.string(), at: z.number() });

/** Whether `value` (an Undo button's) stands for the same decision: the same registrant, decided at the same moment. */
function isUndoOf(value: unknown, line: Pick<UndoRef, 'r' | 'at'>): boolean {
  if (typeof value !== 'string') return false;
  try {
    const parsed = UndoValue.safeParse(JSON.parse(value));
    return parsed.success && parsed.data.r === line.r && parsed.data.at === line.at;
  } catch {
    return false;
  }
}

const MAX_BLOCKS = 50;

/**
 * The decision message with each undone line marked and without its Undo button; every other line and button is kept
 * as it was. A line is a section with the button beside it, or an actions block under it; `marks` holds the notice
 * of every decision undone in this message so far (a prompt confirmed late must not bring back an earlier one's button).
 * The notice goes into the line's own text where there is one, so the message keeps its number of blocks.
 */
export function markUndone(blocks: readonly KnownBlock[], marks: ReadonlyArray<{ line: Pick<UndoRef, 'r' | 'at'>; notice: string }>): KnownBlock[] {
  let out: KnownBlock[] = [...blocks];
  for (const { line, notice } of marks) {
    const next: KnownBlock[] = [];
    for (const block of out) {
      if (block.type === 'section' && block.accessory && 'action_id' in block.accessory && block.accessory.action_id === RULE_UNDO_ACTIONS.undo && isUndoOf((block.accessory as { value?: unknown }).value, line)) {
        const { accessory: _undo, ...rest } = block;
        next.push({ ...rest, ...section(block.text ? `${block.text.text}\n${notice}` : notice) });
        continue;
      }
      if (block.type !== 'actions') {
        next.push(block);
        continue;
      }
      const kept = block.elements.filter((e) => !('action_id' in e && e.action_id === RULE_UNDO_ACTIONS.undo && isUndoOf((e as { value?: unknown }).value, line)));
      if (kept.length === block.elements.length) next.push(block);
      else if (kept.length === 0) next.push(context(notice));
      else {
        const above = next.at(-1);
        if (above?.type === 'section' && above.text) next[next.length - 1] = { ...above, ...section(`${above.text.text}\n${notice}`) };
        next.push({ ...block, elements: kept }, ...(above?.type === 'section' && above.text ? [] : [context(notice)]));
      }
    }
    out = next;
  }
  // Only a line without text of its own adds a block; Slack takes 50 at most, and the oldest notices go first.
  while (out.length > MAX_BLOCKS) {
    const at = out.findIndex((b) => b.type === 'context');
    out.splice(at >= 0 ? at : out.length - 1, 1);
  }
  return out;
}

/** What `/zoom rules apply` would do with the pending registrants, before it does anything. */
export interface ApplyPreview {
  kind: 'meeting' | 'webinar';
  sessionId: string;
  occurrenceId?: string;
  pending: number;
  approve: number;
  /** The listed domains the approvals come from, most approvals first. */
  approveDomains: readonly string[];
  deny: number;
  leave: number;
  /** Approvals the cap turned into "leave"; counted in `leave`. */
  pastCap: number;
  /** Places the cap leaves after these approvals; absent without a cap. */
  capLeft?: number;
}

const DOMAINS_SHOWN = 5;

/** `350 pending: approve 300 (acme.com, …), deny 40, leave 10; cap leaves 0 places`. */
export function applyPreviewText(p: ApplyPreview): string {
  const session = `${p.kind} ${formatMeetingId(p.sessionId)}${p.occurrenceId ? ` (occurrence ${escapeMrkdwn(p.occurrenceId)})` : ''}`;
  const domains = p.approveDomains.slice(0, DOMAINS_SHOWN).map(escapeMrkdwn).join(', ');
  const more = p.approveDomains.length > DOMAINS_SHOWN ? ', …' : '';
  const approve = `approve ${p.approve}${p.approve > 0 && domains ? ` (${domains}${more})` : ''}`;
  const past = p.pastCap > 0 ? ` (${p.pastCap} past the cap)` : '';
  const cap = p.capLeft === undefined ? '' : `; cap leaves ${p.capLeft} ${p.capLeft === 1 ? 'place' : 'places'}`;
  return `${p.pending} pending for ${session}: ${approve}, deny ${p.deny}, leave ${p.leave}${past}${cap}`;
}

/** The answer of `rules apply` in shadow mode: the preview, that nothing changed, and how to switch the governing set on. */
export function applyShadowMessage(p: ApplyPreview, governing: RuleTarget, command: string): SlackMessage {
  const text = `${applyPreviewText(p)}.`;
  const session = targetFlag({ kind: p.kind, id: p.sessionId });
  return {
    text,
    blocks: [
      section(`:eyes: ${text}`),
      context(`The rules are in shadow mode: nothing was changed. \`${command} rules on${targetFlag(governing)}\` lets them decide, then run \`${command} rules apply${session}\` again.`),
    ],
  };
}

/** The question before `rules apply` changes more than the grammar allows without asking. */
export function applyPrompt(p: ApplyPreview, value: string): SlackMessage {
  return confirmationPrompt({
    question: `${applyPreviewText(p)}. Apply the rules now: approve ${p.approve} and deny ${p.deny}?`,
    confirmLabel: 'Apply the rules',
    actionId: RULE_UNDO_ACTIONS.applyConfirm,
    value,
    note: 'Zoom emails each registrant about the change (if the meeting sends registrants email notifications). Zoom cannot return anyone to pending.',
  });
}
