// The buttons of a burst's digest (jobs/relay.ts): every line it gathered, as an ephemeral list, and the decisions on
// registrations waiting for approval, which the digest carries instead of one alert with buttons per registrant: the
// latest few each with Approve and Deny, and per session Approve all pending and the registrant card for the rest.
import { z } from 'zod';
import { RelayState } from '../jobs/relay-state.js';
import { DIGEST_ACTIONS, digestListMessage, digestMessage } from '../views/alerts.js';
import { textMessage } from '../views/blocks.js';
import { buttonValue } from './args.js';
import type { ActionDef } from './command.js';
import type { ActionInvocation } from './context.js';
import { UsageError } from './errors.js';
import { approveAllPending, decideRegistrant, refSchema, showRegistrantCard } from './registrants.js';

/** A digest's id, as RelayState.fold makes it (`<ms>-<8 hex>`). */
const DigestId = z.string().regex(/^\d{13}-[0-9a-f]{8}$/);

/** A digest's Approve/Deny: the digest, and the registrant as the alert named it. */
const DecisionRef = refSchema.required({ r: true }).extend({ d: DigestId });

/**
 * One click on a waiting registrant's Approve or Deny in the digest: the same decision as the card's and the alert's
 * buttons, then the digest is redrawn for everyone with who decided in place of that registrant's buttons (the flush
 * job's later updates keep it). A decision that failed is told to the one who clicked; the buttons stay.
 */
async function decideFromDigest(inv: ActionInvocation, action: 'approve' | 'deny', value: string): Promise<void> {
  const ref = buttonValue(DecisionRef, value);
  if (!inv.message) throw new UsageError('This button does not belong to a digest of Zoom events.');
  const { notice, handled } = await decideRegistrant(inv, action, ref);
  const { channel, ts } = inv.message;
  const state = new RelayState(inv.services.redis, inv.services.keyPrefix);
  if (handled) await state.decide(channel, ref.d, `${ref.k}:${ref.s}`, ref.r, { action, by: inv.person.id });
  const digest = await state.digest(channel, ref.d);
  // A digest past its 30 minutes cannot be redrawn (nor a button moved from another message): the one who clicked is
  // told what happened.
  if (!handled || digest.ts !== ts) {
    await inv.reply(textMessage(notice));
    return;
  }
  const message = digestMessage({ ...digest, zone: digest.zone ?? inv.person.tz, showAll: ref.d });
  await inv.services.pacing.updates.take();
  await inv.services.slack.chat.update({ channel, ts, text: message.text, blocks: message.blocks ?? [] });
  await state.markShown(channel, ref.d, digest.unshown, ts);
}

/** Show all: the list goes to the one who clicked; the digest is read from the channel the button sits in. */
async function showAll(inv: ActionInvocation, value: string): Promise<void> {
  const id = DigestId.safeParse(value);
  if (!id.success || !inv.message) throw new UsageError('This button does not belong to a digest of Zoom events.');
  const lines = await new RelayState(inv.services.redis, inv.services.keyPrefix).lines(inv.message.channel, id.data);
  if (lines.length === 0) throw new UsageError('This digest’s list has expired (it is kept for 30 minutes).');
  await inv.reply(digestListMessage(lines));
}

export const digestActions: ActionDef[] = [
  { actionId: DIGEST_ACTIONS.showAll, access: 'read', run: showAll },
  { actionId: DIGEST_ACTIONS.approveOne, access: 'write', run: (inv, value) => decideFromDigest(inv, 'approve', value) },
  { actionId: DIGEST_ACTIONS.denyOne, access: 'write', run: (inv, value) => decideFromDigest(inv, 'deny', value) },
  // The registrant card of the session: a button per person (Approve, Deny) and Approve all pending, from Zoom now.
  {
    actionId: DIGEST_ACTIONS.reviewPending,
    access: 'read',
    run: async (inv, value) => {
      const ref = buttonValue(refSchema, value);
      await showRegistrantCard(inv, ref.k, ref.s);
    },
  },
  // The answer goes to the one who clicked; the digest stays as it is for the others.
  {
    actionId: DIGEST_ACTIONS.approvePending,
    access: 'write',
    run: async (inv, value) => {
      const ref = buttonValue(refSchema, value);
      await approveAllPending(inv, ref.k, ref.s);
    },
  },
];
