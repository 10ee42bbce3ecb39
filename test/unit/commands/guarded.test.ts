// What guarded() does with a failure: one sentence to the user, and a log line whose level says whether ZoomOps is at
// fault. The error's own `expected` flag decides (src/errors.ts): a typo, a refusal or Zoom's "no" is an info line;
// Zoom unreachable or a bug is an error an operator is alerted to.
import { describe, expect, it } from 'vitest';
import { guarded } from '../../../src/commands/register.js';
import { UsageError } from '../../../src/commands/errors.js';
import type { Services } from '../../../src/commands/context.js';
import { InFlight } from '../../../src/inflight.js';
import { NotAllowedError } from '../../../src/slack/authorize.js';
import { ZoomApiError, ZoomUnavailableError } from '../../../src/zoom/errors.js';

function harness() {
  const lines: Array<{ level: string; msg: string }> = [];
  const replies: string[] = [];
  const log = { info: (_: unknown, msg: string) => lines.push({ level: 'info', msg }), error: (_: unknown, msg: string) => lines.push({ level: 'error', msg }) };
  const person = { id: 'U1', name: 'ana', tz: 'Europe/Paris', isWorkspaceAdmin: true, teamId: 'T1' };
  const services = {
    inflight: new InFlight(),
    log,
    zoom: { request: async () => ({}) },
    directory: { person: async () => person, home: async () => ({ teamId: 'T1' }) },
    config: { access: {}, slack: { command: '/zoom' } },
  } as unknown as Services;
  const run = (error: unknown) =>
    guarded(services, 'U1', async (message) => void replies.push(message.text ?? ''), async () => { throw error; }, 'C1');
  return { lines, replies, run };
}

const refused = { status: 404, zoomCode: 3001, zoomMessage: 'Meeting does not exist: 1.', method: 'GET', path: '/meetings/1' };

describe('guarded: the log level of a failure comes from the error', () => {
  it.each([
    ['a usage error', new UsageError('No meeting ID given.'), 'info'],
    ['a refusal', new NotAllowedError('run `/zoom meeting delete`', { role: 'viewer' }), 'info'],
    ['a Zoom refusal', new ZoomApiError(refused), 'info'],
    ['Zoom unreachable', new ZoomUnavailableError({ method: 'GET', path: '/meetings/1', reason: 'timed out' }), 'error'],
    ['a bug', new TypeError('x is undefined'), 'error'],
  ])('%s is logged at %s level and answered in one sentence', async (_name, error, level) => {
    const { lines, replies, run } = harness();
    await run(error);
    expect(lines).toEqual([{ level, msg: 'request failed' }]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).not.toBe('');
  });
});
