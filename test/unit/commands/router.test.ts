import { describe, expect, it } from 'vitest';
import type { CommandDef } from '../../../src/commands/command.js';
import { UsageError } from '../../../src/commands/errors.js';
import { route } from '../../../src/commands/router.js';

const def = (path: string[], usage = path.join(' ')): CommandDef => ({
  path,
  usage,
  summary: '',
  access: 'read',
  args: {},
  run: async () => undefined,
});

const TABLE = [def(['meeting', 'list']), def(['meeting', 'get'], 'meeting get <meetingId>'), def(['webinar', 'panelists']), def(['webinar', 'panelists', 'add'])];

function usageError(text: string): UsageError {
  try {
    route(text, TABLE, '/zoom');
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('route', () => {
  it('accepts singular and plural resources and passes the rest through verbatim', () => {
    const routed = route('meetings get 812 3456 7890', TABLE, '/zoom');
    expect(routed).toMatchObject({ kind: 'command', argText: '812 3456 7890' });
    expect(routed.kind === 'command' && routed.def.path).toEqual(['meeting', 'get']);
  });

  it('picks the longest matching path', () => {
    const routed = route('webinar panelists add 81234567890 a@b.c', TABLE, '/zoom');
    expect(routed.kind === 'command' && routed.def.path).toEqual(['webinar', 'panelists', 'add']);
    expect(routed.kind === 'command' && routed.argText).toBe('81234567890 a@b.c');
  });

  it('routes an empty command and help to help', () => {
    expect(route('', TABLE, '/zoom')).toEqual({ kind: 'help', resource: undefined });
    expect(route('help meetings', TABLE, '/zoom')).toEqual({ kind: 'help', resource: 'meeting' });
  });

  it('suggests the closest resource or action with its usage', () => {
    expect(usageError('meting list').message).toContain('Did you mean `/zoom meeting`?');
    const typo = usageError('meeting gte 1');
    expect(typo.message).toContain('Did you mean `/zoom meeting get`?');
    expect(typo.usage).toBe('/zoom meeting get <meetingId>');
  });

  it('lists the actions when only a resource is given', () => {
    expect(usageError('meeting').message).toBe('Say what to do with meeting: list, get.');
  });
});
