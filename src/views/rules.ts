// Answers of `/zoom rules` (list, set, on, off, delete, test): registrant rules in words. Domains are stored
// normalised (lower-case ASCII letters, digits, dots and dashes), so only the address `rules test` was given is
// someone else's text, and it is escaped.
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { AuditPart } from '../slack/audit.js';
import type { RuleAction, RuleMode, RuleSet, RuleTarget, Verdict } from '../rules/model.js';
import { context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatDateTime, formatMeetingId } from './format.js';

/** What the rules would have done in shadow mode since it began. */
export type ShadowTally = Record<RuleAction, number>;

// A list of domains is cut here (and "and N more" said) so one set always fits a 3,000-character section.
const DOMAINS_SHOWN_CHARS = 1_000;
// Slack takes 50 blocks; the rest are named, not shown.
const SETS_SHOWN = 45;

/** `webinar 812 3456 7890`, or `the account` for the account-wide set. */
export function targetName(target: RuleTarget): string {
  return target.kind === 'account' ? 'the account' : `${target.kind} ${formatMeetingId(target.id)}`;
}

/** `the rules of webinar 812 3456 7890`, or `the account-wide rules`. */
export function rulesOf(target: RuleTarget): string {
  return target.kind === 'account' ? 'the account-wide rules' : `the rules of ${targetName(target)}`;
}

/** `rules on` of rules that are on already: nothing to do. */
export function rulesAlreadyText(target: RuleTarget, mode: RuleMode): string {
  return `${capitalised(rulesOf(target))} are already ${mode}; nothing changed.`;
}

/** The flag that names the target in a hint: ` --webinar 812 3456 7890`, or nothing for the account-wide set. */
export function targetFlag(target: RuleTarget): string {
  return target.kind === 'account' ? '' : ` --${target.kind} ${formatMeetingId(target.id)}`;
}

/** The answer to on/off/delete/test of a target that has no rules: how to set some. */
export function noRulesText(target: RuleTarget, command: string): string {
  const what = target.kind === 'account' ? 'No account-wide rules' : `No rules for ${targetName(target)}`;
  return `${what}. Set them with \`${command} rules set${targetFlag(target)} --approve …\`.`;
}

/**
 * Rules set on a meeting or webinar whose registrations never wait for approval (Zoom's `approval_type` 0, automatic,
 * or 2, no registration): they would never decide anything, so `rules set` refuses, naming the switch to manual.
 */
export function rulesNeedManualApprovalText(target: { kind: 'meeting' | 'webinar'; id: string }, approvalType: number, command: string): string {
  const Name = `${target.kind === 'meeting' ? 'Meeting' : 'Webinar'} ${formatMeetingId(target.id)}`;
  const now = approvalType === 0 ? 'approves its registrations automatically' : 'takes no registrations';
  return `${Name} ${now}, so no registration waits for approval and rules would never decide one: switch it to manual approval first with \`${command} ${target.kind} update ${formatMeetingId(target.id)} --registration manual\`, then set the rules.`;
}

export function ruleListMessage(input: { sets: Array<{ rules: RuleSet; tally?: ShadowTally }>; command: string; zone: string }): SlackMessage {
  const { sets, command, zone } = input;
  if (sets.length === 0) {
    const text = `No registrant rules yet. Start with account-wide ones: \`${command} rules set --approve acme.com --deny mailinator.com --channel #registrations\`; they begin in shadow mode and only report.`;
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = sets.slice(0, SETS_SHOWN).map(({ rules, tally }) => section(describeRuleSet(rules, zone, tally)));
  const more = sets.length - SETS_SHOWN;
  const footer = `${more > 0 ? `And ${more} more rule sets not shown. ` : ''}A meeting's or webinar's own rules govern it; the account-wide ones govern the rest. \`${command} rules test &lt;email&gt; --webinar &lt;id&gt;\` says what they would do.`;
  blocks.push(context(footer));
  return { text: `${sets.length} rule set${sets.length === 1 ? '' : 's'}`, blocks };
}

/** One set in full: heading with mode, lists, cap, channel, and the shadow tally while in shadow mode. */
export function describeRuleSet(rules: RuleSet, zone: string, tally?: ShadowTally): string {
  const heading = rules.target.kind === 'account' ? '*Account-wide rules*' : `*Rules of ${targetName(rules.target)}*`;
  const lines = [
    `${heading} — ${modeText(rules.mode)} since ${since(rules.modeSince, zone)}, last changed by <@${rules.updatedBy}>`,
    `Approve: ${domainList(rules.approveDomains)}`,
    `Deny: ${domainList(rules.denyDomains)}`,
    `Cap: ${rules.cap === undefined ? 'none' : capText(rules.cap)}`,
    `Channel: <#${rules.channel}>`,
  ];
  if (rules.mode === 'shadow' && tally) lines.push(`So far they would have ${tallyText(tally)}.`);
  return lines.join('\n');
}

export function ruleSavedMessage(input: { rules: RuleSet; created: boolean; command: string; zone: string }): SlackMessage {
  const { rules, created, command, zone } = input;
  const whose = capitalised(rulesOf(rules.target));
  const text = created
    ? `:eyes: ${whose} saved in *shadow mode*: for now they only say in <#${rules.channel}> what they would do with each registration, and change nothing in Zoom.`
    : `${whose} changed; they stay ${modeText(rules.mode)}.`;
  const next = created || rules.mode === 'shadow'
    ? `When the reports look right, \`${command} rules on${targetFlag(rules.target)}\` makes them approve and deny for real.`
    : `\`${command} rules${rules.mode === 'on' ? ' off' : ' on'}${targetFlag(rules.target)}\` switches them ${rules.mode === 'on' ? 'off' : 'on'}.`;
  return { text, blocks: [section(text), section(describeRuleSet(rules, zone)), context(next)] };
}

/**
 * After `rules on` or `rules off`: what changes now and, leaving shadow mode, what it saw: `before` is the set as it
 * was (its mode and since when), `tally` what the rules would have done meanwhile.
 */
export function ruleModeMessage(input: { rules: RuleSet; before: RuleSet; tally: ShadowTally; command: string; zone: string }): SlackMessage {
  const { rules, before, tally, command, zone } = input;
  const whose = capitalised(rulesOf(rules.target));
  const text = rules.mode === 'on'
    ? `:white_check_mark: ${whose} are on: from now on they approve and deny new registrations in Zoom, and say so in <#${rules.channel}> with an Undo button.`
    : `${whose} are off: new registrations are left pending and get the usual card; nothing is approved or denied automatically.`;
  // What shadow mode saw comes first: it is what the admin judged the rules by.
  const blocks: KnownBlock[] = before.mode === 'shadow' ? [section(`In shadow mode since ${since(before.modeSince, zone)} they would have ${tallyText(tally)}.`)] : [];
  blocks.push(section(text));
  blocks.push(context(`\`${command} rules ${rules.mode === 'on' ? 'off' : 'on'}${targetFlag(rules.target)}\` switches them ${rules.mode === 'on' ? 'off' : 'on'} again.`));
  return { text, blocks };
}

export function ruleDeletedMessage(input: { target: RuleTarget; fallback: boolean; command: string }): SlackMessage {
  const { target, fallback, command } = input;
  const text = target.kind === 'account'
    ? 'The account-wide rules are deleted: meetings and webinars without rules of their own get the usual card for every registration.'
    : `The rules of ${targetName(target)} are deleted: its registrations ${fallback ? 'now follow the account-wide rules' : 'get the usual card again (there are no account-wide rules)'}.`;
  return { text, blocks: [section(text), context(`\`${command} rules\` lists the rules left.`)] };
}

export interface RuleTestAnswer {
  email: string;
  /** What the admin asked about: a meeting or webinar, or the account. */
  asked: RuleTarget;
  /** The set that decides it; undefined when none does. */
  rules?: RuleSet;
  verdict?: Verdict;
  /** For an approval under a cap: the places taken for the meeting or webinar asked about (not per occurrence). */
  taken?: number;
  command: string;
}

/** `rules test`: what would happen to the address, why, which set decides, and whether the cap stops it. */
export function ruleTestMessage(input: RuleTestAnswer): SlackMessage {
  const { email, asked, rules, verdict, taken, command } = input;
  const who = `*${escapeMrkdwn(email)}*`;
  if (!rules || !verdict) {
    const none = asked.kind === 'account'
      ? 'There are no account-wide rules'
      : `Neither ${targetName(asked)} nor the account has rules`;
    const text = `${none}, so ${who} would be left pending with the usual card. \`${command} rules set${targetFlag(asked)} --approve …\` sets some.`;
    return { text, blocks: [section(text)] };
  }
  const capped = verdict.action === 'approve' && rules.cap !== undefined && taken !== undefined && taken >= rules.cap;
  const outcome = capped ? 'left pending' : ACTION_WORD[verdict.action];
  const lines = [`${who} would be *${outcome}*: ${verdict.reason}.`];
  if (verdict.action === 'approve' && rules.cap !== undefined) lines.push(capLine(rules.cap, taken, asked));
  if (capped || verdict.action === 'leave') lines.push(`The registration gets the usual card with Approve and Deny in <#${rules.channel}>.`);
  lines.push(governedBy(asked, rules));
  lines.push(MODE_EFFECT[rules.mode](rules.channel));
  const text = lines[0]!;
  return { text, blocks: [section(lines.join('\n'))] };
}

/** A set in an audit line: its target, then what it now holds (or, for a change, the parts that changed). */
export function auditedRules(rules: RuleSet, changed?: ReadonlyArray<'approve' | 'deny' | 'cap' | 'channel'>): AuditPart[] {
  const show = (part: 'approve' | 'deny' | 'cap' | 'channel') => changed === undefined || changed.includes(part);
  const parts: AuditPart[] = [`${rulesOf(rules.target)}:`];
  if (show('approve')) parts.push(` approve ${rules.approveDomains.join(', ') || 'none'};`);
  if (show('deny')) parts.push(` deny ${rules.denyDomains.join(', ') || 'none'};`);
  if (show('cap')) parts.push(` cap ${rules.cap ?? 'none'};`);
  if (show('channel')) parts.push(' channel ', { channel: rules.channel }, ';');
  parts.push(` mode ${rules.mode}`);
  return parts;
}

const ACTION_WORD: Record<RuleAction, string> = { approve: 'approved', deny: 'denied', leave: 'left pending' };

const MODE_EFFECT: Record<RuleMode, (channel: string) => string> = {
  shadow: (channel) => `They are in shadow mode: today they would only say so in <#${channel}> and change nothing.`,
  on: () => 'They are on: ZoomOps would do it in Zoom as the registration comes in.',
  off: () => 'They are off: today nothing would be decided and the registration would get the usual card.',
};

function capLine(cap: number, taken: number | undefined, asked: RuleTarget): string {
  if (taken === undefined || asked.kind === 'account') {
    return `The cap of ${capText(cap)} counts per meeting or webinar: add \`--webinar &lt;id&gt;\` or \`--meeting &lt;id&gt;\` to see how many are taken.`;
  }
  const occurrences = asked.kind === 'meeting' ? ' (a recurring meeting counts per occurrence; those counts are not shown)' : '';
  return taken >= cap
    ? `The cap is reached: ${taken} of ${cap} automatic approvals are taken for ${targetName(asked)}${occurrences}.`
    : `${taken} of the cap's ${cap} automatic approvals are taken for ${targetName(asked)}${occurrences}.`;
}

function governedBy(asked: RuleTarget, rules: RuleSet): string {
  if (rules.target.kind !== 'account') return `Decided by the rules of ${targetName(rules.target)}.`;
  return asked.kind === 'account'
    ? 'Decided by the account-wide rules.'
    : `Decided by the account-wide rules (${targetName(asked)} has none of its own).`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function modeText(mode: RuleMode): string {
  return { shadow: 'in shadow mode (they only report)', on: 'on (they decide)', off: 'off' }[mode];
}

function capText(cap: number): string {
  return `${cap} automatic approval${cap === 1 ? '' : 's'} per meeting or webinar (per occurrence when recurring)`;
}

function tallyText(tally: ShadowTally): string {
  return `approved ${tally.approve}, denied ${tally.deny} and left ${tally.leave} pending`;
}

function since(ms: number, zone: string): string {
  return formatDateTime(DateTime.fromMillis(ms), zone);
}

function domainList(domains: readonly string[]): string {
  if (domains.length === 0) return 'none';
  const shown: string[] = [];
  let length = 0;
  for (const domain of domains) {
    if (length + domain.length > DOMAINS_SHOWN_CHARS) break;
    shown.push(domain);
    length += domain.length + 2;
  }
  const more = domains.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
