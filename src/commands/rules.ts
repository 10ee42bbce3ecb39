// `/zoom rules` (list), `rules set|on|off|delete`, `rules test <email>`: registrant rules, account-wide or per
// meeting/webinar (docs/command-grammar.md, "Registrant rules"). Admins only, even to read: the lists say which
// customers a company has. The sets live in Redis (rules/store.ts); what they decide is rules/evaluate.ts, run on
// registrations by rules/run*.ts; `rules apply` is rules-apply.ts.
import type { CommandDef } from './command.js';
import type { CommandInvocation, ParsedCommand } from './context.js';
import { stringFlag } from './args.js';
import { audited } from './audited.js';
import { UsageError, excerpt, quoted } from './errors.js';
import { closest } from './suggest.js';
import { parseChannel } from './values/people-channels.js';
import { checkPostable } from './watch.js';
import { EXAMPLE_ID } from './values/meeting-ids.js';
import { rulesApplyCommand } from './rules-apply.js';
import { APPROVAL_TYPES, fetchSession } from './meeting-webinar-calls.js';
import { approvalsTaken } from '../rules/cap.js';
import { normaliseDomain, isUnder } from '../rules/domain.js';
import { evaluate } from '../rules/evaluate.js';
import type { RuleMode, RuleSet, RuleTarget } from '../rules/model.js';
import type { AuditAction } from '../slack/audit.js';
import {
  auditedRules,
  noRulesText,
  ruleDeletedMessage,
  ruleListMessage,
  ruleModeMessage,
  ruleSavedMessage,
  ruleTestMessage,
  rulesAlreadyText,
  rulesNeedManualApprovalText,
  rulesOf,
  targetFlag,
} from '../views/rules.js';
import { textMessage } from '../views/blocks.js';

const TARGET_FLAGS = {
  meeting: { type: 'meetingId' },
  webinar: { type: 'meetingId' },
} as const;
const TARGET_USAGE = '[--meeting <id> | --webinar <id>]';
// The verbs of `/zoom rules`, for "did you mean" after `rules <typo>` (which the router hands to the list).
const VERBS = ['list', 'set', 'on', 'off', 'delete', 'test', 'apply'];
/** More domains than this in one list is a paste gone wrong, and would not fit the answers. */
const MAX_DOMAINS = 200;
const MAX_CAP = 1_000_000;
// A change re-read and written again this often when another admin changes the same set meanwhile.
const WRITE_ATTEMPTS = 3;

export const ruleCommands: CommandDef[] = [
  {
    path: ['rules'],
    usage: 'rules [list]',
    summary: 'Every registrant rule set: whose registrations it decides, its mode, approve and deny lists, cap, channel, and in shadow mode what it would have done so far.',
    access: 'write',
    // Free text, so a mistyped verb with its flags (`rules sett --approve …`) reaches listRules and gets "did you mean".
    args: { rest: { name: 'what', optional: true } },
    run: listRules,
  },
  {
    path: ['rules', 'set'],
    usage: `rules set ${TARGET_USAGE} [--approve <domain,…>] [--deny <domain,…>] [--cap <N>] [--channel #channel]`,
    summary:
      'Create or change registrant rules: approve registrations from these email domains (subdomains too), deny those, at most N automatic approvals per meeting or webinar, ' +
      'reports and cards in #channel. No target: account-wide. A new set starts in shadow mode (it only reports); a change keeps the mode and changes only what is given. `none` empties a list or removes the cap.',
    example: `rules set --webinar ${EXAMPLE_ID.webinar} --approve acme.com,globex.com --deny mailinator.com --cap 200 --channel #registrations`,
    access: 'write',
    args: {
      flags: {
        ...TARGET_FLAGS,
        approve: { type: 'string', example: 'acme.com,globex.com' },
        deny: { type: 'string', example: 'mailinator.com' },
        cap: { type: 'string', example: '200' },
        channel: { type: 'string', example: '#registrations' },
      },
    },
    run: setRules,
  },
  targetOnly('on', 'Leave shadow mode: the rules approve and deny for real from now on. The answer shows what they would have done in shadow mode.', 'webinar', (inv, args) => switchRules(inv, args, 'on')),
  {
    path: ['rules', 'test'],
    usage: `rules test <email> ${TARGET_USAGE}`,
    summary: 'What the rules would do with this address and why, which rule set decides, and whether the cap is reached. Changes nothing.',
    example: `rules test ana@eu.acme.com --webinar ${EXAMPLE_ID.webinar}`,
    access: 'write',
    args: { positionals: [{ name: 'email', example: 'ana@acme.com' }], flags: TARGET_FLAGS },
    run: testRules,
  },
  rulesApplyCommand,
  // After the others, so help's examples, typed in order (as the sandbox test does), work one after another.
  targetOnly('off', 'Stop deciding: registrations are left pending with the usual card. The rules are kept; `rules on` starts them again.', 'webinar', (inv, args) => switchRules(inv, args, 'off')),
  targetOnly('delete', 'Delete a rule set; a meeting or webinar without its own then follows the account-wide rules.', 'webinar', deleteRules),
];

/** A `rules <verb>` that takes only the target. */
function targetOnly(verb: string, summary: string, exampleKind: 'meeting' | 'webinar', run: CommandDef['run']): CommandDef {
  return {
    path: ['rules', verb],
    usage: `rules ${verb} ${TARGET_USAGE}`,
    summary,
    example: `rules ${verb} --${exampleKind} ${EXAMPLE_ID[exampleKind]}`,
    access: 'write',
    args: { flags: TARGET_FLAGS },
    run,
  };
}

/** `--meeting <id>` or `--webinar <id>`, or neither for the account-wide rules. */
export function ruleTargetOf(args: ParsedCommand): RuleTarget {
  const meeting = stringFlag(args, 'meeting');
  const webinar = stringFlag(args, 'webinar');
  if (meeting !== undefined && webinar !== undefined) {
    throw new UsageError('Give --meeting or --webinar, not both: a rule set belongs to one meeting, one webinar, or (with neither) the whole account.');
  }
  if (meeting !== undefined) return { kind: 'meeting', id: meeting };
  if (webinar !== undefined) return { kind: 'webinar', id: webinar };
  return { kind: 'account' };
}

async function listRules(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const command = inv.services.config.slack.command;
  const [what = 'list', ...more] = (args.rest ?? '').split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
  if (what === 'list' && more.length > 0) throw new UsageError(`\`${command} rules list\` takes nothing more; \`${command} rules test &lt;email&gt; --webinar &lt;id&gt;\` tries one webinar's rules.`);
  if (what !== 'list') {
    const guess = closest(what, VERBS);
    throw new UsageError(
      `\`rules ${excerpt(what)}\` is not a command.${guess ? ` Did you mean \`${command} rules ${guess}\`?` : ''} \`${command} help rules\` lists them.`,
    );
  }
  const store = inv.services.rules;
  const sets = await store.list();
  const shown = await Promise.all(sets.map(async (rules) => ({ rules, ...(rules.mode === 'shadow' ? { tally: await store.shadowTally(rules.target) } : {}) })));
  await inv.reply(ruleListMessage({ sets: shown, command, zone: inv.person.tz }));
}

interface RuleChanges {
  approve?: string[];
  deny?: string[];
  /** null: remove the cap. */
  cap?: number | null;
  channel?: string;
}

async function setRules(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const command = inv.services.config.slack.command;
  const target = ruleTargetOf(args);
  const changes = ruleChangesOf(args);
  if (Object.keys(changes).length === 0) {
    throw new UsageError(`Say what the rules do: --approve, --deny, --cap or --channel, e.g. \`${command} rules set${targetFlag(target)} --approve acme.com --deny mailinator.com\`.`);
  }
  if (target.kind !== 'account') await checkApprovalIsManual(inv, target);
  const checked = new Set<string>();
  const { before, after } = await writeRules(inv, target, async (current) => {
    const next = changedRules(inv, target, current, changes);
    checkLists(next);
    // A new set reports to the channel it was set up in unless told otherwise: ZoomOps must be able to post there.
    if (next.channel !== current?.channel && !checked.has(next.channel)) {
      await checkPostable(inv, next.channel);
      checked.add(next.channel);
    }
    return next;
  }, (current, next) => (current ? ['changed ', ...auditedRules(next, changedParts(changes))] : ['set up ', ...auditedRules(next)]));
  await inv.reply(ruleSavedMessage({ rules: after!, created: before === undefined, command, zone: inv.person.tz }));
}

/**
 * Rules act only on registrations that wait for approval: a meeting or webinar that approves automatically, or takes
 * no registrations, is refused with the fix. Read as `meeting|webinar get` reads it; one Zoom cannot find gets the
 * usual not-found sentence (views/errors.ts). Zoom not saying (no `approval_type`) is not refused.
 */
async function checkApprovalIsManual(inv: CommandInvocation, target: Extract<RuleTarget, { kind: 'meeting' | 'webinar' }>): Promise<void> {
  const approval = (await fetchSession(inv, target.kind, target.id)).settings?.approval_type;
  if (approval !== undefined && approval !== APPROVAL_TYPES.manual) {
    throw new UsageError(rulesNeedManualApprovalText(target, approval, inv.services.config.slack.command));
  }
}

async function switchRules(inv: CommandInvocation, args: ParsedCommand, mode: Exclude<RuleMode, 'shadow'>): Promise<void> {
  const command = inv.services.config.slack.command;
  const target = ruleTargetOf(args);
  const store = inv.services.rules;
  // Read before the switch: leaving shadow mode starts the tally again.
  const tally = await store.shadowTally(target);
  const { before, after } = await writeRules(inv, target, (current) => {
    if (!current) throw new UsageError(noRulesText(target, command));
    if (current.mode === mode) return undefined;
    const now = inv.services.now().toMillis();
    return { ...current, mode, modeSince: now, updatedBy: inv.person.id, updatedAt: now };
  }, (current, next) => [`turned ${next.mode} ${rulesOf(target)} (they were ${current?.mode === 'shadow' ? 'in shadow mode' : current?.mode})`]);
  if (!after) {
    await inv.reply(textMessage(rulesAlreadyText(target, mode)));
    return;
  }
  await inv.reply(ruleModeMessage({ rules: after, before: before!, tally, command, zone: inv.person.tz }));
}

async function deleteRules(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const command = inv.services.config.slack.command;
  const target = ruleTargetOf(args);
  const store = inv.services.rules;
  const line: AuditAction = [`deleted ${rulesOf(target)}`];
  const removed = await audited(inv, line, () => store.delete(target), (gone) => (gone ? line : undefined));
  if (!removed) throw new UsageError(noRulesText(target, command));
  const fallback = target.kind !== 'account' && (await store.get({ kind: 'account' })) !== undefined;
  await inv.reply(ruleDeletedMessage({ target, fallback, command }));
}

async function testRules(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const { rules: store, redis, keyPrefix, config } = inv.services;
  const email = args.positionals[0]!.replace(/^mailto:/i, '');
  const asked = ruleTargetOf(args);
  const rules = asked.kind === 'account' ? await store.get(asked) : await store.governing(asked.kind, asked.id);
  const verdict = rules ? evaluate(rules, email) : undefined;
  const counted = verdict?.action === 'approve' && rules?.cap !== undefined && asked.kind !== 'account';
  const taken = counted ? await approvalsTaken(redis, keyPrefix, { kind: asked.kind, id: asked.id }) : undefined;
  await inv.reply(ruleTestMessage({ email, asked, ...(rules ? { rules } : {}), ...(verdict ? { verdict } : {}), ...(taken !== undefined ? { taken } : {}), command: config.slack.command }));
}

/**
 * Reads the target's set, works out the new one (`change` may refuse with a UsageError, or return undefined when
 * there is nothing to write) and writes it only if nobody changed the set meanwhile, else reads again. Each write
 * that went through is one audit line.
 */
async function writeRules(
  inv: CommandInvocation,
  target: RuleTarget,
  change: (current: RuleSet | undefined) => RuleSet | undefined | Promise<RuleSet | undefined>,
  line: (current: RuleSet | undefined, next: RuleSet) => AuditAction,
): Promise<{ before: RuleSet | undefined; after: RuleSet | undefined }> {
  const store = inv.services.rules;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const before = await store.get(target);
    const after = await change(before);
    if (after === undefined) return { before, after };
    const said = line(before, after);
    if (await audited(inv, said, () => store.replace(before, after), (written) => (written ? said : undefined))) return { before, after };
  }
  throw new UsageError(`Another admin changed ${rulesOf(target)} at the same moment, ${WRITE_ATTEMPTS} times; run the command again.`);
}

function ruleChangesOf(args: ParsedCommand): RuleChanges {
  const changes: RuleChanges = {};
  const approve = stringFlag(args, 'approve');
  const deny = stringFlag(args, 'deny');
  const cap = stringFlag(args, 'cap');
  const channel = stringFlag(args, 'channel');
  if (approve !== undefined) changes.approve = domainsOf(approve, 'approve');
  if (deny !== undefined) changes.deny = domainsOf(deny, 'deny');
  if (cap !== undefined) changes.cap = capOf(cap);
  if (channel !== undefined) changes.channel = parseChannel(channel);
  return changes;
}

/** The set after the change: an existing one keeps its mode and everything not given; a new one starts in shadow. */
function changedRules(inv: CommandInvocation, target: RuleTarget, current: RuleSet | undefined, changes: RuleChanges): RuleSet {
  const now = inv.services.now().toMillis();
  const base: RuleSet = current ?? {
    target,
    approveDomains: [],
    denyDomains: [],
    channel: inv.channelId,
    mode: 'shadow',
    modeSince: now,
    updatedBy: inv.person.id,
    updatedAt: now,
  };
  // The cap is put back only when there is one: `--cap none` leaves the key out (the type has no `cap: undefined`).
  const { cap: _cap, ...rest } = base;
  const cap = changes.cap === undefined ? base.cap : changes.cap ?? undefined;
  return {
    ...rest,
    ...(changes.approve ? { approveDomains: changes.approve } : {}),
    ...(changes.deny ? { denyDomains: changes.deny } : {}),
    ...(cap !== undefined ? { cap } : {}),
    ...(changes.channel ? { channel: changes.channel } : {}),
    updatedBy: inv.person.id,
    updatedAt: now,
  };
}

function changedParts(changes: RuleChanges): Array<'approve' | 'deny' | 'cap' | 'channel'> {
  return (['approve', 'deny', 'cap', 'channel'] as const).filter((part) => changes[part] !== undefined);
}

/**
 * The domains of `--approve` or `--deny`, normalised, sorted, unique; `none` empties the list. Separated by commas
 * or spaces (quoted). `@acme.com` is read as acme.com (the part of an address after @), and a domain Slack turned
 * into a link (`http://acme.com`) as the domain.
 */
function domainsOf(text: string, flag: 'approve' | 'deny'): string[] {
  const items = text.split(/[\s,;]+/).filter(Boolean);
  if (items.length === 1 && items[0]!.toLowerCase() === 'none') return [];
  if (items.length === 0) throw new UsageError(`--${flag} needs domains, e.g. --${flag} acme.com,globex.com (or none to empty the list).`);
  const domains = new Set<string>();
  for (const item of items) domains.add(domainOf(item, flag));
  if (domains.size > MAX_DOMAINS) {
    throw new UsageError(`--${flag} lists ${domains.size} domains; a list holds at most ${MAX_DOMAINS}. Subdomains match already, so acme.com covers eu.acme.com.`);
  }
  return [...domains].sort();
}

function domainOf(item: string, flag: string): string {
  const bare = item.replace(/^https?:\/\//i, '').replace(/\/$/, '').replace(/^@/, '');
  if (bare.startsWith('*.')) {
    throw new UsageError(`${quoted(item)}: subdomains match already, so write ${excerpt(bare.slice(2))} (it covers every subdomain).`, { example: `--${flag} ${bare.slice(2)}` });
  }
  if (bare.includes('@')) {
    throw new UsageError(`${quoted(item)} is an email address; rules match the domain after @: write ${excerpt(bare.slice(bare.lastIndexOf('@') + 1))}.`);
  }
  const domain = normaliseDomain(bare);
  if (domain === undefined) {
    throw new UsageError(`${quoted(item)} is not a domain: give domains such as acme.com, separated by commas.`, { example: `--${flag} acme.com,globex.com` });
  }
  return domain;
}

function capOf(text: string): number | null {
  const typed = text.trim();
  if (typed.toLowerCase() === 'none') return null;
  const cap = /^\d+$/.test(typed) ? Number(typed) : NaN;
  if (!Number.isSafeInteger(cap) || cap < 1 || cap > MAX_CAP) {
    throw new UsageError(
      `${quoted(typed)} is not a cap: give how many registrations the rules may approve per meeting or webinar, a whole number from 1 to ${MAX_CAP.toLocaleString('en')} (e.g. --cap 200), or --cap none to remove it.`,
      { example: '--cap 200' },
    );
  }
  return cap;
}

/**
 * A domain on both lists is refused, naming it; so is an approved domain under a denied one, which deny-first would
 * never approve. (A denied subdomain of an approved domain is fine: `acme.com` but not `contractors.acme.com`.)
 */
function checkLists(rules: RuleSet): void {
  const both = rules.approveDomains.filter((d) => rules.denyDomains.includes(d));
  if (both.length > 0) {
    const named = both.join(', ');
    throw new UsageError(`${named} ${both.length === 1 ? 'is' : 'are'} on both the approve and the deny list; a domain can be on one only. Give the lists again without ${both.length === 1 ? 'it' : 'them'} on one side.`);
  }
  for (const approved of rules.approveDomains) {
    const denied = rules.denyDomains.find((d) => isUnder(approved, d));
    if (denied !== undefined) {
      throw new UsageError(`${approved} on the approve list is under ${denied} on the deny list, and the deny list is checked first: it would never approve anyone. Remove one of them.`);
    }
  }
}

