// The buttons of a burst's digest (jobs/relay.ts): every line it gathered, as an ephemeral list, and the decisions on
// registrations waiting for approval, which the digest carries for each session instead of one alert with buttons per
// registrant.
import { z } from 'zod';
import { RelayState } from '../jobs/relay-state.js';
import { DIGEST_ACTIONS, digestListMessage } from '../views/alerts.js';
import { buttonValue } from './args.js';
import type { ActionDef } from './command.js';
import type { ActionInvocation } from './context.js';
import { UsageError } from './errors.js';
import { approveAllPending, refSchema, showRegistrantCard } from './registrants.js';

/** A digest's id, as RelayState.fold makes it (`<ms>-<8 hex>`). */
const DigestId = z.string().regex(/^\d{13}-[0-9a-f]{8}$/);

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
