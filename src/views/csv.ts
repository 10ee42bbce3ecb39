// The "CSV" button every list carries, and the line that says where the file went.
import { button } from './blocks.js';
import { escapeMrkdwn } from './format.js';
import type { Button } from '@slack/types';

export function csvButton(actionId: string, value: string): Button {
  return button('CSV', actionId, value);
}

/** `:page_facing_up: Sent 120 calls as phone-calls.csv in a direct message.` */
export function csvSentLine(input: { count: number; noun: string; filename: string; truncated?: boolean }): string {
  const cut = input.truncated ? ` It stops at ${input.count} rows; ask for a shorter period to get the rest.` : '';
  return `:page_facing_up: Sent ${input.count} ${input.noun} as \`${escapeMrkdwn(input.filename)}\` in a direct message.${cut}`;
}
