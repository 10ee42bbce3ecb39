// Hints name the command as the workspace has it: "Stop with `unwatch recordings`" cannot be followed as typed, and
// a hard-coded `/zoom` is wrong where Zoom's own app owns it and ZoomOps runs as /zoomadmin.
import { describe, expect, it } from 'vitest';
import { ZoomApiError } from '../../../src/zoom/errors.js';
import { renderError } from '../../../src/views/errors.js';
import { jobFailedMessage, registrantJobMessage } from '../../../src/views/jobs.js';
import { autoDownloadNote, joinedDownloadText } from '../../../src/views/recordings.js';
import { watchStarted } from '../../../src/views/watch.js';

const COMMAND = '/zoomadmin';
const text = (m: { text: string; blocks?: unknown[] }) => JSON.stringify(m.blocks ?? m.text);

/** Every `…` span that looks like a command: it must start with the command's name. */
function commandSpans(shown: string): string[] {
  return [...shown.matchAll(/`([^`]*)`/g)].map((m) => m[1]!).filter((span) => /^(\/\S+ )?(jobs|unwatch|watch|users|meeting|recordings|chat|api)\b/.test(span));
}

describe('hints', () => {
  it.each([
    ['watch started', text(watchStarted('C1', { topic: 'recordings', events: ['recording.completed'], zone: 'UTC', download: true } as never, false, COMMAND))],
    ['registrant job running', text(registrantJobMessage({ jobId: 'reg-1', description: 'x', state: 'running', done: 1, total: 2, command: COMMAND }))],
    ['job failed', text(jobFailedMessage({ jobId: 'reg-1', description: 'x', reason: 'y', attempts: 3, command: COMMAND }))],
    ['auto download note', text(autoDownloadNote({ jobId: 'dl-1', startedBy: 'U1', command: COMMAND }))],
    ['joined download', joinedDownloadText({ jobId: 'dl-1', viewer: 'U1', startedBy: 'U2', command: COMMAND })],
    ['Zoom 1001', renderError(new ZoomApiError({ status: 404, zoomCode: 1001, zoomMessage: 'User does not exist', method: 'GET', path: '/users/x' } as never), { command: COMMAND })],
    ['Zoom 3001', renderError(new ZoomApiError({ status: 404, zoomCode: 3001, zoomMessage: 'Meeting does not exist', method: 'GET', path: '/meetings/1' } as never), { command: COMMAND })],
  ])('%s names the command', (_name, shown) => {
    const spans = commandSpans(shown);
    expect(spans.length, shown).toBeGreaterThan(0);
    for (const span of spans) expect(span, shown).toMatch(new RegExp(`^${COMMAND} `));
  });
});
