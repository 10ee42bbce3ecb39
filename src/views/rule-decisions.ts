// What the registrant rules say in their channel: a batch of automatic decisions (one line per registrant, each with
// its Undo button), and in shadow mode what they would have done, many registrations to a message.
import type { KnownBlock } from '@slack/types';
import type { UndoRef } from '../rules/model.js';
import { button, chunkLines, context, MESSAGE_TEXT_MAX, SECTION_TEXT_MAX, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatMeetingId, truncate } from './format.js';
import { mailtoTarget } from './links.js';

/** The Undo button of an automatic decision (its handler is in rules/undo.ts); its value is an `UndoRef` as JSON. */
export const RULE_DECISION_ACTIONS = { undo: 'rules.undo' } as const;

/** Slack shows at most 50 blocks: a heading, a closing line, and the rest for registrants. */
const MAX_BLOCKS = 50;

type Kind = 'meeting' | 'webinar';

/** One registration as a decision message names it. */
export interface DecidedRegistration {
  email: string;
  name?: string;
  /** Why, in the rules' words ("acme.com is on the approve list"). */
  reason: string;
}

export interface DecisionBatchView {
  kind: Kind;
  sessionId: string;
  topic?: string;
  occurrence?: string;
  action: 'approve' | 'deny';
  /** Changed in Zoom, each with what its Undo button carries. */
  decided: Array<DecidedRegistration & { undo: UndoRef }>;
  /** Zoom refused them: still pending. */
  failed: Array<DecidedRegistration & { refusal: string }>;
  /** The slash command, for the hint to list the pending ones. */
  command: string;
  /** The cap's places taken and how many there are, when the rules have a cap. */
  cap?: { taken: number; of: number };
}

const DONE = { approve: { icon: ':white_check_mark:', verb: 'approved' }, deny: { icon: ':no_entry_sign:', verb: 'denied' } } as const;

export function sessionLabel(kind: Kind, sessionId: string, topic?: string, occurrence?: string): string {
  const named = topic ? `${kind} ${escapeMrkdwn(topic)} (${formatMeetingId(sessionId)})` : `${kind} ${formatMeetingId(sessionId)}`;
  return occurrence ? `${named}, occurrence ${escapeMrkdwn(occurrence)}` : named;
}

function who(r: DecidedRegistration): string {
  const email = `<${mailtoTarget(r.email)}|${escapeMrkdwn(r.email)}>`;
  return r.name ? `${escapeMrkdwn(r.name)} ${email}` : email;
}

/** One message per batch of up to 30: a heading, a line per registrant with its Undo button, then Zoom's refusals. */
export function decisionBatchMessage(view: DecisionBatchView): SlackMessage {
  const done = DONE[view.action];
  const where = sessionLabel(view.kind, view.sessionId, view.topic, view.occurrence);
  const count = (n: number) => `${n} registration${n === 1 ? '' : 's'}`;
  const heading = `${done.icon} *The rules ${done.verb} ${count(view.decided.length)}* for ${where}`;
  const blocks: KnownBlock[] = [section(heading)];
  const room = MAX_BLOCKS - 3;
  const shown = view.decided.slice(0, room);
  for (const d of shown) {
    blocks.push(section(`${who(d)} — ${escapeMrkdwn(d.reason)}`, button('Undo', RULE_DECISION_ACTIONS.undo, JSON.stringify(d.undo))));
  }
  const lines: string[] = [];
  if (view.decided.length > shown.length) lines.push(`…and ${view.decided.length - shown.length} more (see the audit channel).`);
  if (view.failed.length > 0) {
    lines.push(`:warning: Zoom refused ${count(view.failed.length)}; they are still pending:`);
    lines.push(...view.failed.map((f) => `• ${who(f)} — ${escapeMrkdwn(f.refusal)}`));
  }
  if (view.cap) lines.push(`Cap: ${view.cap.taken} of ${view.cap.of} automatic approvals taken${view.occurrence ? ' for this occurrence' : ''}; past it, registrations are left pending with their card.`);
  if (lines.length > 0) blocks.push(section(chunkLines(lines, SECTION_TEXT_MAX)[0]!));
  blocks.push(context(`Undo ${view.action === 'approve' ? 'denies an approval' : 'approves a denial'} after a confirmation. Pending ones: \`${view.command} ${view.kind} registrants ${view.sessionId} --status pending\``));
  const text = `The rules ${done.verb} ${count(view.decided.length)} for ${where}${view.failed.length ? `; Zoom refused ${view.failed.length}` : ''}`;
  return { text: truncate(text, MESSAGE_TEXT_MAX), blocks };
}

/** A line of a shadow report: what the rules would have done with one registration, and why. */
export interface ShadowLine extends DecidedRegistration {
  kind: Kind;
  sessionId: string;
  topic?: string;
  action: 'approve' | 'deny' | 'leave';
  /** The rule set's cap: shadow mode takes none of its places, so an approval is subject to it. */
  capped?: number;
}

const WOULD = { approve: ':white_check_mark: would approve', deny: ':no_entry_sign: would deny', leave: ':hourglass_flowing_sand: would leave pending' } as const;

/** Shadow mode's report of a few seconds of registrations: one line each, nothing sent to Zoom. */
export function shadowReportMessage(input: { lines: ShadowLine[]; command: string }): SlackMessage {
  const n = input.lines.length;
  const heading = `:eyes: *Shadow mode:* what the rules would have done with ${n} registration${n === 1 ? '' : 's'} (nothing was sent to Zoom)`;
  const lines = input.lines.map((l) => {
    const cap = l.action === 'approve' && l.capped !== undefined ? ` (subject to the cap of ${l.capped})` : '';
    return `${WOULD[l.action]} ${who(l)}${cap} for ${sessionLabel(l.kind, l.sessionId, l.topic)} — ${escapeMrkdwn(l.reason)}`;
  });
  const chunks = chunkLines(lines, SECTION_TEXT_MAX);
  const blocks: KnownBlock[] = [section(heading), ...chunks.slice(0, MAX_BLOCKS - 2).map((c) => section(c))];
  blocks.push(context(`\`${input.command} rules on\` lets them decide; \`${input.command} rules\` shows the tally.`));
  const tally = (['approve', 'deny', 'leave'] as const).map((a) => `${input.lines.filter((l) => l.action === a).length} ${a}`).join(', ');
  return { text: truncate(`Shadow mode: the rules would have decided ${n} registration${n === 1 ? '' : 's'} (${tally})`, MESSAGE_TEXT_MAX), blocks };
}
