// The yes/no prompt shown before every action that cannot be taken back (docs/command-grammar.md lists them).
import type { KnownBlock } from '@slack/types';
import { actions, button, context, section, type SlackMessage } from './blocks.js';

export const CANCEL_CONFIRMATION = 'zoomops.confirm.cancel';

/** A yes/no prompt before an action that cannot be taken back; the confirm button carries what to do. */
export function confirmationPrompt(input: {
  question: string;
  confirmLabel: string;
  actionId: string;
  value: string;
  note?: string;
}): SlackMessage {
  const blocks: KnownBlock[] = [section(input.question)];
  if (input.note) blocks.push(context(input.note));
  blocks.push(
    actions('confirmation', [
      button(input.confirmLabel, input.actionId, input.value, { style: 'danger' }),
      button('Cancel', CANCEL_CONFIRMATION, 'cancel'),
    ]),
  );
  return { text: input.question, blocks };
}
