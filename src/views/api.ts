// Block Kit for `/zoom api`: Zoom's answer (status, tracking ID, pretty JSON cut to fit) or its refusal, and the
// question before a write.
import type { KnownBlock } from '@slack/types';
import { context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, truncate } from './format.js';

export const API_ACTIONS = { confirm: 'api.call.confirm' } as const;

/** Characters of JSON shown in Slack; a longer answer comes whole as a file in a DM. */
export const API_BODY_SHOWN = 2_500;

export function apiAnswerMessage(input: {
  method: string;
  path: string;
  status: number;
  trackingId?: string;
  /** Pretty JSON, or Zoom's text when it is not JSON; empty for no body. */
  body: string;
  /** Where the whole body went when it was too long to show. */
  fileNote?: string;
}): SlackMessage {
  const head = `*${input.method} ${escapeMrkdwn(input.path)}* → ${input.status}${tracking(input.trackingId)}`;
  const blocks: KnownBlock[] = [section(head)];
  if (input.body === '') blocks.push(context('No body.'));
  else blocks.push(section(codeBlock(input.body)));
  if (input.fileNote) blocks.push(context(input.fileNote));
  return { text: `${input.method} ${escapeMrkdwn(input.path)} → ${input.status}`, blocks };
}

export function apiRefusalMessage(input: {
  method: string;
  path: string;
  status: number;
  code?: number;
  message: string;
  trackingId?: string;
}): SlackMessage {
  const code = input.code === undefined ? '' : ` · Zoom code ${input.code}`;
  const said = input.message ? `: ${escapeMrkdwn(input.message)}` : '';
  const text = `:x: *${input.method} ${escapeMrkdwn(input.path)}* → ${input.status}${code}${said}${tracking(input.trackingId)}`;
  return { text: text.replace(/\*/g, ''), blocks: [section(text)] };
}

function tracking(id?: string): string {
  return id ? ` · Zoom tracking ID: \`${escapeMrkdwn(id)}\`` : '';
}

/**
 * The body as the confirmation shows it: pretty, cut to fit, and saying how much was cut, since the admin confirms
 * all of it, not only what they see.
 */
export function bodyPreview(body: unknown): string {
  const chars = Array.from(JSON.stringify(body, null, 2));
  if (chars.length <= API_BODY_SHOWN) return fenced(chars.join(''));
  const hidden = (chars.length - API_BODY_SHOWN).toLocaleString('en-US');
  return `${fenced(chars.slice(0, API_BODY_SHOWN).join(''))}\n… ${hidden} more characters not shown; Zoom gets the whole body.`;
}

function codeBlock(text: string): string {
  return fenced(truncate(text, API_BODY_SHOWN));
}

// Slack reads &, < and > as markup even inside a code block.
function fenced(text: string): string {
  return `\`\`\`${escapeMrkdwn(text)}\`\`\``;
}
