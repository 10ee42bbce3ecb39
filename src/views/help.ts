// `/zoom help`: generated from the command table, so help cannot drift from what the router accepts.
import type { KnownBlock } from '@slack/types';
import { SECTION_TEXT_MAX, context, section, type SlackMessage } from './blocks.js';

export interface HelpEntry {
  usage: string;
  summary: string;
  example?: string;
}

export function helpMessage(command: string, groups: Array<{ resource: string; entries: HelpEntry[] }>): SlackMessage {
  const blocks: KnownBlock[] = [];
  const single = groups.length === 1;
  if (!single) {
    blocks.push(section(`*ZoomOps* runs your Zoom account from Slack. \`${command} help <resource>\` shows examples.`));
  }
  for (const group of groups) {
    const lines = group.entries.map((e) => {
      const example = single && e.example ? `\n    e.g. \`${command} ${e.example}\`` : '';
      return `\`${command} ${e.usage}\`\n    ${e.summary}${example}`;
    });
    for (const text of packed(`*${group.resource}*`, lines)) blocks.push(section(text));
  }
  blocks.push(context('Times are read and shown in your Slack time zone. Add `--public` to a list or get to answer in the channel; a join link posted there leaves out its passcode.'));
  // A message holds at most 50 blocks; the whole table takes about 15 even with a 32-character command name.
  return { text: `${command} help`, blocks: blocks.slice(0, 50) };
}

/**
 * A heading and its entries as section texts that each fit Slack's 3,000 characters, split between entries (never
 * inside one, which would cut a usage and leave its backtick open); later sections repeat the heading, "continued".
 */
function packed(heading: string, lines: readonly string[]): string[] {
  const texts: string[] = [];
  let current = heading;
  let entries = 0;
  for (const line of lines) {
    if (entries > 0 && current.length + 1 + line.length > SECTION_TEXT_MAX) {
      texts.push(current);
      [current, entries] = [`${heading} (continued)`, 0];
    }
    current += `\n${line}`;
    entries++;
  }
  texts.push(current);
  return texts;
}
