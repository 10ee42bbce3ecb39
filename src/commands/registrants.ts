// `/zoom meeting|webinar registrants|register|approve|deny|cancel-registration`, and the Approve/Deny buttons.
// One implementation for both kinds; status changes go to Zoom in batches of 30 (its limit per call).
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { OUT_OF_DATE, buttonValue, requireId, stringFlag } from './args.js';
import { audited, settle } from './audited.js';
import { CONFIRMATION_TTL_SECONDS, claimPending, stashPending } from './pending.js';
import type { ActionDef, CommandDef } from './command.js';
import type { ActionInvocation, CommandInvocation, Invocation, ParsedCommand } from './context.js';
import { UsageError, quoted } from './errors.js';
import { parseEnum } from './values/enums.js';
import { EXAMPLE_ID } from './values/meeting-ids.js';
import { context, textMessage } from '../views/blocks.js';
import { confirmationPrompt } from '../views/confirm.js';
import { escapeMrkdwn, formatClock, formatMeetingId } from '../views/format.js';
import { shownLink } from '../views/links.js';
import {
  CHANGE_ICONS,
  REGISTRANT_ACTIONS,
  statusChangeSummary,
} from '../views/registrants.js';
import { enqueueRegistrantUpdate, type RegistrantCardRef } from '../jobs/registrant-updates.js';
import { RegistrantPageSchema, registrantCard } from './registrant-card.js';
import {
  REGISTRANT_STATUSES,
  STATUS_RULES,
  planStatusChange,
  sendStatusBatch,
  type StatusChangeRequest,
} from '../zoom/registrant-changes.js';
import {
  REGISTRANT_STATUS_BATCH,
  addRegistrant,
  listRegistrants,
  type RegistrantAction,
  type RegistrantStatus,
} from '../zoom/registrants.js';
import type { SessionKind } from '../zoom/meetings-webinars.js';

const STATUSES = REGISTRANT_STATUSES;
export function registrantCommands(kind: SessionKind): CommandDef[] {
  const id = { name: `${kind}Id`, type: 'meetingId' } as const;
  const targets = { name: 'registrants', type: 'string', optional: true, variadic: true } as const;
  return [
    {
      path: [kind, 'registrants'],
      usage: `${kind} registrants <${kind}Id> [--status pending|approved|denied] [--public]`,
      summary: 'Who registered: counts per status, pending first with Approve and Deny buttons.',
      example: `${kind} registrants ${EXAMPLE_ID[kind]} --status approved`,
      access: 'read',
      args: { positionals: [id], flags: { status: { type: 'string' }, public: { type: 'boolean' } } },
      run: (inv, args) => listCommand(inv, kind, args),
    },
    {
      path: [kind, 'register'],
      usage: `${kind} register <${kind}Id> <email> [--first <name>] [--last <name>]`,
      summary: 'Register someone; the answer carries their join link when Zoom gives one.',
      example: `${kind} register ${EXAMPLE_ID[kind]} jane@example.com --first Jane --last Doe`,
      access: 'write',
      args: { positionals: [id, { name: 'email', type: 'string' }], flags: { first: { type: 'string' }, last: { type: 'string' } } },
      run: (inv, args) => registerCommand(inv, kind, args),
    },
    ...(['approve', 'deny'] as const).map(
      (action): CommandDef => ({
        path: [kind, action],
        usage: `${kind} ${action} <${kind}Id> (<email|registrantId>… | --all-pending)`,
        summary: action === 'approve' ? 'Approve registrants.' : 'Deny registrants (asks first for --all-pending).',
        example: `${kind} ${action} ${EXAMPLE_ID[kind]} jane@example.com`,
        access: 'write',
        args: { positionals: [id, targets], flags: { 'all-pending': { type: 'boolean' } } },
        run: (inv, args) => statusCommand(inv, kind, action, args),
      }),
    ),
    {
      path: [kind, 'cancel-registration'],
      usage: `${kind} cancel-registration <${kind}Id> <email|registrantId>…`,
      summary: 'Cancel approved registrations (asks first).',
      example: `${kind} cancel-registration ${EXAMPLE_ID[kind]} jane@example.com`,
      access: 'write',
      args: { positionals: [id, { ...targets, optional: false }], flags: {} },
      run: (inv, args) => statusCommand(inv, kind, 'cancel', args),
    },
  ];
}

// ---- list -------------------------------------------------------------------------------------------------

async function listCommand(inv: CommandInvocation, kind: SessionKind, args: ParsedCommand): Promise<void> {
  const status = parseEnum(stringFlag(args, 'status') ?? 'pending', STATUSES, 'status');
  await inv.reply(await listCard(inv, kind, requireId(args, kind), status), { public: args.flags.public === true });
}

/** The registrant card of pending registrants, as a session card's Registrants button shows it. */
export async function showRegistrantCard(inv: Invocation, kind: SessionKind, sessionId: string): Promise<void> {
  await inv.reply(await listCard(inv, kind, sessionId, 'pending'));
}

/** The card for who clicked or typed: read in their time zone. */
function listCard(
  inv: Invocation,
  kind: SessionKind,
  sessionId: string,
  status: RegistrantStatus,
  notice?: string,
  at: { token?: string; offset?: number } = {},
) {
  return registrantCard(inv.services, inv.person.tz, kind, sessionId, status, notice, at);
}

// ---- register ---------------------------------------------------------------------------------------------

async function registerCommand(inv: CommandInvocation, kind: SessionKind, args: ParsedCommand): Promise<void> {
  const sessionId = requireId(args, kind);
  const email = args.positionals[1] ?? '';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new UsageError(`${quoted(email)} is not an email address.`, { example: `${kind} register ${sessionId} jane@example.com` });
  }
  const first = stringFlag(args, 'first') ?? email.split('@')[0]!;
  const last = stringFlag(args, 'last');
  const created = await audited(inv, `registered ${email} for ${kind} ${formatMeetingId(sessionId)}`, () =>
    addRegistrant(inv.services.zoom, kind, sessionId, { email, first_name: first, ...(last ? { last_name: last } : {}) }),
  );
  const link = created.join_url
    ? `Join link: ${shownLink(created.join_url)}`
    : 'They wait for approval: no join link until someone approves them.';
  await inv.reply(textMessage(`:white_check_mark: Registered ${escapeMrkdwn(email)} for ${kind} ${formatMeetingId(sessionId)}. ${link}`));
}

// ---- approve, deny, cancel --------------------------------------------------------------------------------

async function statusCommand(inv: CommandInvocation, kind: SessionKind, action: RegistrantAction, args: ParsedCommand) {
  const sessionId = requireId(args, kind);
  const wanted = args.positionals.slice(1);
  const allPending = args.flags['all-pending'] === true;
  if (allPending === (wanted.length > 0)) {
    throw new UsageError(allPending ? 'Give either registrants or --all-pending, not both.' : 'Say whom: emails or registrant IDs, or --all-pending.');
  }
  const request: StatusChangeRequest = { kind, sessionId, action, ...(allPending ? {} : { wanted }) };
  if (action === 'approve' && allPending) {
    await approveAllPending(inv, kind, sessionId);
    return;
  }
  // docs/command-grammar.md: deny --all-pending and cancel-registration ask first; approving all asks above 50 (approveAllPending).
  if (action === 'cancel' || (action === 'deny' && allPending)) {
    const whom = allPending ? 'every pending registrant' : wanted.map(escapeMrkdwn).join(', ');
    await inv.reply(
      confirmationPrompt({
        question: `${action === 'cancel' ? 'Cancel the registration of' : 'Deny'} ${whom} for ${kind} ${formatMeetingId(sessionId)}?`,
        confirmLabel: action === 'cancel' ? 'Cancel registrations' : 'Deny all pending',
        actionId: REGISTRANT_ACTIONS.confirm,
        // In Redis, not in the button: a list of emails outgrows Slack's 2,000 characters, and a click runs once.
        value: await stashPending(inv, 'registrant-status', request, CONFIRMATION_TTL_SECONDS),
        note: 'Zoom emails each registrant about the change.',
      }),
    );
    return;
  }
  await inv.reply(textMessage(await changeStatus(inv, request)));
}

/** docs/command-grammar.md: approving every pending registrant asks first when it would change more than this many. */
const APPROVE_ALL_ASKS_ABOVE = 50;

/**
 * "Approve all pending", typed or clicked: more than 50 ask first (the count read from Zoom now, not the card's);
 * otherwise the job starts and its answer replaces what was clicked; when the job ends it redraws the card from Zoom
 * there (`card`), so no stale pending list with live buttons stays.
 */
export async function approveAllPending(inv: Invocation, kind: SessionKind, sessionId: string, card?: RegistrantCardRef): Promise<void> {
  const opts = card ? { replaceOriginal: true } : {};
  const page = await listRegistrants(inv.services.zoom, kind, sessionId, { status: 'pending', pageSize: 1 });
  const pending = page.totalRecords ?? page.registrants.length;
  const request: StatusChangeRequest = { kind, sessionId, action: 'approve' };
  if (pending > APPROVE_ALL_ASKS_ABOVE) {
    await inv.reply(
      confirmationPrompt({
        question: `Approve all ${pending.toLocaleString('en-US')} pending registrants of ${kind} ${formatMeetingId(sessionId)}?`,
        confirmLabel: 'Approve all pending',
        actionId: REGISTRANT_ACTIONS.confirm,
        value: await stashPending(inv, 'registrant-status', request, CONFIRMATION_TTL_SECONDS),
        note: 'Zoom emails each registrant about the change.',
      }),
      opts,
    );
    return;
  }
  await inv.reply(textMessage(`${await changeStatus(inv, request, card)} (by <@${inv.person.id}>)`), opts);
}

/**
 * Every pending registrant, or more than one Zoom call's worth, goes to the bulk job (restart-safe, with
 * progress in a DM); a few named ones are changed while the admin waits. Returns the sentence to show.
 */
export async function changeStatus(inv: Invocation, req: StatusChangeRequest, card?: RegistrantCardRef): Promise<string> {
  if (!req.wanted || req.wanted.length > REGISTRANT_STATUS_BATCH) {
    const { jobId, duplicate } = await enqueueRegistrantUpdate(inv.services, inv.person.id, req, describeRequest(req), card);
    if (duplicate) return `:hourglass_flowing_sand: That is already running as job \`${jobId}\`; nothing new was started. \`${inv.services.config.slack.command} jobs status ${jobId}\` shows where it is.`;
    return `:hourglass_flowing_sand: Started job \`${jobId}\`: ${describeRequest(req)}. Progress and the summary come in your DM with me; \`${inv.services.config.slack.command} jobs status ${jobId}\` shows where it is.`;
  }
  const { zoom } = inv.services;
  const rule = STATUS_RULES[req.action];
  const plan = await planStatusChange(zoom, req);
  const { changed, failed } = plan.todo.length > 0 ? await sendStatusBatch(zoom, req, plan.todo) : { changed: [], failed: [] };
  const what = `${describeRequest(req)}: ${changed.length} changed${failed.length ? `, ${failed.length} failed` : ''}`;
  if (changed.length > 0 || failed.length > 0) {
    await inv.services.audit.record({ userId: inv.person.id, action: what, outcome: failed.length === 0 ? 'ok' : 'failed' });
  }
  return statusChangeSummary({ action: req.action, verb: rule.verb, changed, unchanged: plan.unchanged, missing: plan.missing, failed });
}

function describeRequest(req: StatusChangeRequest): string {
  const session = `${req.kind} ${formatMeetingId(req.sessionId)}`;
  const whom = req.wanted ? `${req.wanted.length} registrant(s)` : 'every pending registrant';
  const verb = { approve: 'Approve', deny: 'Deny', cancel: 'Cancel the registration of' }[req.action];
  return `${verb} ${whom} of ${session}`;
}

// ---- buttons ----------------------------------------------------------------------------------------------

const kindSchema = z.enum(['meeting', 'webinar']);
const sessionIdSchema = z.string().regex(/^\d{9,12}$/);
export const refSchema = z.object({ k: kindSchema, s: sessionIdSchema, r: z.string().min(1).optional(), e: z.string().optional() });
const requestSchema = z.object({
  kind: kindSchema,
  sessionId: sessionIdSchema,
  action: z.enum(['approve', 'deny', 'cancel']),
  wanted: z.array(z.string()).optional(),
});

/**
 * A click on Approve or Deny: change that one registrant, then redraw what the button sat in with who did it —
 * the registrant card (an ephemeral answer, through response_url) or a registration alert in a channel
 * (chat.update, so everyone watching the channel sees it handled and nobody clicks again).
 */
async function decideOne(inv: ActionInvocation, action: 'approve' | 'deny', value: string): Promise<void> {
  const ref = buttonValue(refSchema, value);
  if (!ref.r) throw new UsageError(OUT_OF_DATE);
  const { notice, handled } = await decideRegistrant(inv, action, { k: ref.k, s: ref.s, r: ref.r });
  if (inv.message) {
    await rewriteAlert(inv, inv.message, notice, handled);
    return;
  }
  await inv.reply(await listCard(inv, ref.k, ref.s, 'pending', notice), { replaceOriginal: true });
}

/**
 * One click's decision on one registrant (the card's, an alert's or a digest's Approve/Deny): the sentence saying what
 * happened and by whom, and whether the registrant is handled (nothing failed: no button needs to stay).
 */
export async function decideRegistrant(inv: Invocation, action: 'approve' | 'deny', ref: { k: SessionKind; s: string; r: string }): Promise<{ notice: string; handled: boolean }> {
  const summary = await changeStatus(inv, { kind: ref.k, sessionId: ref.s, action, wanted: [ref.r] });
  const by = `by <@${inv.person.id}> at ${formatClock(inv.services.now(), inv.person.tz)}`;
  return { notice: summary.startsWith(CHANGE_ICONS[action]) ? `${summary} ${by}` : summary, handled: !summary.includes(':x:') };
}

/** The alert keeps what it said, loses its buttons once the registrant is handled, and gains who handled it. */
async function rewriteAlert(inv: Invocation, message: NonNullable<ActionInvocation['message']>, notice: string, handled: boolean) {
  const blocks = handled ? message.blocks.filter((b) => !isRegistrantButtons(b)) : message.blocks;
  const text = notice.replace(/:[a-z_]+: /g, '');
  await inv.services.pacing.updates.take();
  await inv.services.slack.chat.update({ channel: message.channel, ts: message.ts, text, blocks: [...blocks, context(notice)] });
}

function isRegistrantButtons(block: KnownBlock): boolean {
  return block.type === 'actions' && block.elements.some((e) => 'action_id' in e && Object.values(REGISTRANT_ACTIONS).includes(e.action_id as never));
}

/** The message a button sat in, for the bulk job to redraw as a fresh card when it ends (the click's response_url). */
function cardOf(inv: ActionInvocation): RegistrantCardRef | undefined {
  return inv.responseUrl ? { responseUrl: inv.responseUrl, zone: inv.person.tz } : undefined;
}

export const registrantActions: ActionDef[] = [
  { actionId: REGISTRANT_ACTIONS.approve, access: 'write', run: (inv, value) => decideOne(inv, 'approve', value) },
  { actionId: REGISTRANT_ACTIONS.deny, access: 'write', run: (inv, value) => decideOne(inv, 'deny', value) },
  {
    actionId: REGISTRANT_ACTIONS.approveAll,
    access: 'write',
    run: async (inv, value) => {
      const ref = buttonValue(refSchema, value);
      await approveAllPending(inv, ref.k, ref.s, cardOf(inv));
    },
  },
  {
    actionId: REGISTRANT_ACTIONS.nextPage,
    access: 'read',
    run: async (inv, value) => {
      const at = buttonValue(RegistrantPageSchema, value);
      await inv.reply(await listCard(inv, at.k, at.s, at.st, undefined, { token: at.t, offset: at.o }), { replaceOriginal: true });
    },
  },
  {
    actionId: REGISTRANT_ACTIONS.confirm,
    access: 'write',
    run: async (inv, value) => {
      const request = await claimPending(inv, 'registrant-status', value, requestSchema);
      // Only "all pending" came from (and changes) a card's pending list; a typed list of names has no card to redraw.
      await settle(inv, await changeStatus(inv, request, request.wanted ? undefined : cardOf(inv)));
    },
  },
];
