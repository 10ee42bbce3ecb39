// Block Kit for Zoom Team Chat: the channel list, the "which channel?" question with a button per candidate, and
// the answer to a sent message.
import type { KnownBlock } from '@slack/types';
import type { ChatChannel } from '../zoom/chat.js';
import { button, context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn } from './format.js';

export const CHAT_ACTIONS = { pick: 'chat.send.pick' } as const;

/** Channels listed in one message: one line each in a single section. */
export const CHANNELS_SHOWN = 50;
/** Candidates offered, a section with a button each: with the question and the note, well under 50 blocks. */
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

/**
 * Several channels contain the name and none is it exactly: a line per candidate with its own button. Each button
 * sits in its own block because Slack refuses a message whose block repeats an action_id (invalid_blocks).
 */
export function whichChannelMessage(input: {
  typed: string;
  candidates: ReadonlyArray<{ channel: ChatChannel; value: string }>;
  /** Matches left out (beyond CANDIDATES_SHOWN). */
  more?: number;
}): SlackMessage {
  const typed = escapeMrkdwn(input.typed);
  const question =
    input.candidates.length === 1 && !input.more
      ? `No Team Chat channel is called “${typed}”. Did you mean this one?`
      : `Several Team Chat channels match “${typed}”. Which one should get the message?`;
  const blocks: KnownBlock[] = [section(question)];
  for (const { channel, value } of input.candidates.slice(0, CANDIDATES_SHOWN)) {
    const line = `*${escapeMrkdwn(channel.name || '(no name)')}* · ${CHANNEL_TYPES[channel.type ?? 0] ?? 'channel'} · \`${channel.id}\``;
    blocks.push(section(line, button(`Send to ${channel.name || channel.id}`, CHAT_ACTIONS.pick, value)));
  }
  const notes = ['The message goes to the first channel picked; the buttons work once, for 15 minutes.'];
  if (input.more) notes.unshift(`${input.more} more match; type more of the name to see them.`);
  blocks.push(context(notes.join(' ')));
  return { text: question, blocks };
}

export function messageSentLine(input: { sender: string; to: string; messageId: string }): string {
  return `:white_check_mark: Sent as ${escapeMrkdwn(input.sender)} to ${escapeMrkdwn(input.to)}. Zoom message ID: \`${input.messageId}\``;
}
