// Small Block Kit builders shared by every view, so messages look alike and stay within Slack's limits.
import type { ActionsBlock, Button, ContextBlock, KnownBlock, PlainTextOption, SectionBlock } from '@slack/types';
import { truncate } from './format.js';

/** A message as the bot sends it: fallback text (notifications, screen readers) plus blocks. */
export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

export const SECTION_TEXT_MAX = 3000;
/** Slack refuses a message whose top-level `text` is longer (msg_too_long); an alert cut short beats one lost. */
export const MESSAGE_TEXT_MAX = 40_000;

export function section(text: string, accessory?: Button): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) },
    ...(accessory ? { accessory } : {}),
  };
}

export function fields(pairs: Array<[label: string, value: string]>): SectionBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) })),
  };
}

export function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) }] };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  opts: { style?: 'primary' | 'danger'; url?: string } = {},
): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(text, 75), emoji: true },
    action_id: actionId,
    value,
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.url ? { url: opts.url } : {}),
  };
}

/** One choice of a select or of radio buttons; Slack cuts an option's text at 75 characters. */
export function option(text: string, value: string = text): PlainTextOption {
  return { text: { type: 'plain_text', text: truncate(text, 75) }, value };
}

export function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, 25) };
}

/** Lines joined into texts of at most `max` characters each (one section apiece), never splitting a line. */
export function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** A plain one-sentence answer. */
export function textMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}
