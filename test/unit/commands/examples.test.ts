// Every example help shows must be a command the bot accepts as typed: it routes to the entry that shows it and its
// arguments parse. (A hint that fails when followed is worse than none.)
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/commands/register.js';
import { route } from '../../../src/commands/router.js';
import { parseArgs } from '../../../src/commands/grammar.js';

const withExamples = COMMANDS.filter((d) => d.example !== undefined);

describe('help examples', () => {
  it('covers most commands', () => {
    expect(withExamples.length).toBeGreaterThan(COMMANDS.length / 2);
  });

  it.each(withExamples.map((d) => [d.example!, d] as const))('`%s` routes to its own entry and parses', (example, def) => {
    const routed = route(example, COMMANDS, '/zoomadmin');
    expect(routed.kind).toBe('command');
    if (routed.kind !== 'command') return;
    expect(routed.def.path).toEqual(def.path);
    expect(() => parseArgs(routed.argText, def.args, { command: '/zoomadmin', usage: def.usage })).not.toThrow();
  });
});
