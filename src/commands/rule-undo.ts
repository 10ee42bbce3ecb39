// The Undo button of a decision the registrant rules made (admins only): a click asks first, saying what Zoom will do;
// the confirmation undoes it (rules/undo.ts), writes the audit line, and redraws the decision message's line for the
// whole channel with who undid it and without its button.
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { buttonValue } from './args.js';
import { audited, settle } from './audited.js';
import type { ActionDef } from './command.js';
import type { ActionInvocation, Invocation } from './context.js';
import { CONFIRMATION_TTL_SECONDS, claimPending, stashPending } from './pending.js';
import { UndoRef } from '../rules/model.js';
import { recordUndoneLine, undoDecision, undoneBy } from '../rules/undo.js';
import { textMessage } from '../views/blocks.js';
import { escapeMrkdwn, formatMeetingId } from '../views/format.js';
import { RULE_UNDO_ACTIONS, markUndone, undoOutcomeText, undoPrompt, undoneNotice } from '../views/rule-undo.js';

/** What waits behind the confirmation: the decision, and the channel message its button sat in (to redraw). */
const PendingUndo = z.object({
  ref: UndoRef,
  message: z
    .object({
      channel: z.string(),
      ts: z.string(),
      blocks: z.array(z.custom<KnownBlock>((b) => typeof b === 'object' && b !== null && 'type' in b)),
    })
    .optional(),
});
type PendingUndo = z.infer<typeof PendingUndo>;

async function askUndo(inv: ActionInvocation, value: string): Promise<void> {
  const ref = buttonValue(UndoRef, value);
  const by = await undoneBy(inv.services, ref);
  if (by) {
    await inv.reply(textMessage(undoOutcomeText(ref, { kind: 'already', by })));
    return;
  }
  const pending: PendingUndo = { ref, ...(inv.message ? { message: inv.message } : {}) };
  const stashed = await stashPending(inv, 'rule-undo', pending, CONFIRMATION_TTL_SECONDS);
  await inv.reply(undoPrompt({ line: ref, decidedAt: DateTime.fromMillis(ref.at), zone: inv.person.tz, value: stashed }));
}

async function confirmUndo(inv: ActionInvocation, value: string): Promise<void> {
  const { ref, message } = await claimPending(inv, 'rule-undo', value, PendingUndo);
  const what = `undid the rules' ${ref.d === 'approve' ? 'approval' : 'denial'} of ${ref.e} for ${ref.k} ${formatMeetingId(ref.s)}`;
  const outcome = await audited(inv, what, () => undoDecision(inv.services, ref, inv.person.id), (o) => (o.kind === 'undone' ? `${what}: now ${ref.d === 'approve' ? 'denied' : 'approved'}` : undefined));
  if (outcome.kind === 'undone' && message) await redrawDecisions(inv, message, ref);
  await settle(inv, undoOutcomeText(ref, outcome));
}

/** The decision message as the channel sees it, with this line (and any undone before) marked; a failure is only logged. */
async function redrawDecisions(inv: Invocation, message: NonNullable<PendingUndo['message']>, ref: UndoRef): Promise<void> {
  const notice = undoneNotice(inv.person.id, ref.d);
  try {
    const marks = await recordUndoneLine(inv.services, message, ref, notice);
    await inv.services.pacing.updates.take();
    await inv.services.slack.chat.update({
      channel: message.channel,
      ts: message.ts,
      text: `${escapeMrkdwn(ref.e)}: ${notice.replace(/:[a-z_]+: /g, '')}`,
      blocks: markUndone(message.blocks, marks),
    });
  } catch (error) {
    // The registration has changed in Zoom already: the admin's answer says so even if the channel's copy stays.
    inv.services.log.warn({ err: error }, 'could not redraw the rules decision message after an Undo');
  }
}

export const ruleUndoActions: ActionDef[] = [
  { actionId: RULE_UNDO_ACTIONS.undo, access: 'write', run: askUndo },
  { actionId: RULE_UNDO_ACTIONS.confirm, access: 'write', run: confirmUndo },
];
