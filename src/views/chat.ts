// Block Kit for Zoom Team Chat: the channel list, the "which channel?" question with a button per candidate, and
// the answer to a sent message.
import type { KnownBlock } from '@slack/types';
import type { ChatChannel } from '../zoom/chat.js';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn } from './format.js';

export const CHAT_ACTIONS = { pick: 'chat.send.pick' } as const;

/** Channels listed in one message: one line each in a single section. */
export const CHANNELS_SHOWN = 50;
/** Candidates offered as buttons: one actions block holds 25. */
export const CANDIDATES_SHOWN = 25;

const CHANNEL_TYPES: Record<number, string> = {
  1: 'private',
  2: 'private (account)',
  3: 'public',
  4: 'meeting chat',
  5: 'public (shared)',
};

export function channelListMessage(input: { owner: string; filter?: string; channels: readonly ChatChannel[] }): SlackMessage {
  const what = `Team Chat channels of ${escapeMrkdwn(input.owner)}${input.filter ? ` matching “${escapeMrkdwn(input.filter)}”` : ''}`;
  if (input.channels.length === 0) return { text: `${what}: none`, blocks: [section(`*${what}*: none found.`)] };
  const shown = input.channels.slice(0, CHANNELS_SHOWN);
  const lines = shown.map((c) => `• *${escapeMrkdwn(c.name || '(no name)')}* · ${CHANNEL_TYPES[c.type ?? 0] ?? 'channel'} · \`${c.id}\``);
  const blocks: KnownBlock[] = [section(`*${what}* (${input.channels.length})\n${lines.join('\n')}`)];
  if (input.channels.length > shown.length) {
    blocks.push(context(`Showing ${shown.length} of ${input.channels.length}; add a name filter to narrow them.`));
  }
  return { text: `${what} (${input.channels.length})`, blocks };
}

/** Several channels contain the name and none is it exactly: one button per candidate, each carrying the send. */
export function whichChannelMessage(input: { typed: string; candidates: ReadonlyArray<{ channel: ChatChannel; value: string }> }): SlackMessage {
  const typed = escapeMrkdwn(input.typed);
  const question =
    input.candidates.length === 1
      ? `No Team Chat channel is called “${typed}”. Did you mean this one?`
      : `Several Team Chat channels match “${typed}”. Which one should get the message?`;
  const shown = input.candidates.slice(0, CANDIDATES_SHOWN);
  const blocks: KnownBlock[] = [
    section(question),
    actions('chat_send_pick', shown.map(({ channel, value }) => button(channel.name || channel.id, CHAT_ACTIONS.pick, value))),
  ];
  if (input.candidates.length > shown.length) {
    blocks.push(context(`${input.candidates.length - shown.length} more match; type more of the name to see them.`));
  }
  return { text: question, blocks };
}

export function messageSentLine(input: { sender: string; to: string; messageId: string }): string {
  return `:white_check_mark: Sent as ${escapeMrkdwn(input.sender)} to ${escapeMrkdwn(input.to)}. Zoom message ID: \`${input.messageId}\``;
}
