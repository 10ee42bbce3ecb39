// A shutdown cut off at its deadline exits non-zero and says so; a clean one exits 0.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { stopWithin } from '../../src/shutdown.js';

function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}

describe('stopWithin', () => {
  it('exits 0 when everything stopped in time', async () => {
    const { log, lines } = recordingLog();
    expect(await stopWithin(async () => undefined, 1_000, log)).toBe(0);
    expect(lines).toEqual([]);
  });

  it('exits 1 and says why when the stop runs past its deadline', async () => {
    const { log, lines } = recordingLog();
    expect(await stopWithin(() => new Promise<void>(() => undefined), 50, log)).toBe(1);
    expect(lines.map((l) => l.msg)).toEqual(['shutdown did not finish within 0.05 s; exiting with status 1, work still running was cut off']);
  });

  it('exits 1 when the stop fails', async () => {
    const { log, lines } = recordingLog();
    expect(await stopWithin(() => Promise.reject(new Error('queue close failed')), 1_000, log)).toBe(1);
    expect(lines[0]).toMatchObject({ msg: 'error while shutting down; exiting with status 1', err: { message: 'queue close failed' } });
  });
});
