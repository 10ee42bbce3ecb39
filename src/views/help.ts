// `/zoom help`: generated from the command table, so help cannot drift from what the router accepts.
import type { KnownBlock } from '@slack/types';
import { context, section, type SlackMessage } from './blocks.js';

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
    blocks.push(section(`*${group.resource}*\n${lines.join('\n')}`));
  }
  blocks.push(context('Times are read and shown in your Slack time zone. Add `--public` to a list or get to answer in the channel.'));
  // A message holds at most 50 blocks.
  return { text: `${command} help`, blocks: blocks.slice(0, 50) };
}
