// `help` for every topic, under the longest command name Slack allows: each section within Slack's 3,000 characters
// and every usage shown whole (a cut one loses its closing backtick and its last flags).
import { describe, expect, it } from 'vitest';
import type { SectionBlock } from '@slack/types';
import { COMMANDS, helpGroups } from '../../../src/commands/register.js';
import { helpMessage } from '../../../src/views/help.js';

// Slack allows 32 characters for a command's name; one more covers counting the slash either way.
const LONGEST = `/${'z'.repeat(32)}`;
const TOPICS = [undefined, ...new Set(COMMANDS.map((d) => d.path[0]!))];

describe('help', () => {
  it.each(TOPICS.map((t) => [t ?? '(all)', t] as const))('help %s fits Slack with a 32-character command name', (_name, topic) => {
    const groups = helpGroups(topic);
    expect(groups.length).toBeGreaterThan(0);
    const message = helpMessage(LONGEST, groups);

    const blocks = message.blocks ?? [];
    expect(blocks.length).toBeLessThanOrEqual(50);
    const sections = blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => b.text!.text);
    for (const text of sections) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text.split('`').length % 2, `an unclosed backtick in: ${text.slice(-80)}`).toBe(1);
    }
    const shown = sections.join('\n');
    for (const entry of groups.flatMap((g) => g.entries)) {
      expect(shown).toContain(`\`${LONGEST} ${entry.usage}\``);
      if (topic !== undefined && entry.example) expect(shown).toContain(`\`${LONGEST} ${entry.example}\``);
    }
  });
});
