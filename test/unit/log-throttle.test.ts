// A Redis that keeps failing: one line per cause per minute, the next one saying how many were left out.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ThrottledLog } from '../../src/log-throttle.js';

function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

function refused(port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });
}

describe('ThrottledLog', () => {
  it('logs a cause once a minute with the count of repeats, and each other cause on its own', () => {
    let now = 1_000_000;
    const { log, lines } = recordingLog();
    const throttled = new ThrottledLog(log, () => now);
    for (let i = 0; i < 17_000; i++) throttled.error('connection', refused(6379), 'Redis is not answering');
    throttled.error('worker events', new Error('MOVED 1234 10.0.0.2:7001'), 'queue worker error');
    throttled.error('worker events', new Error('MOVED 99 10.0.0.3:7002'), 'queue worker error');
    expect(lines.map((l) => [l.msg, l.source, l.repeatedInLastMinute])).toEqual([
      ['Redis is not answering', 'connection', undefined],
      ['queue worker error', 'worker events', undefined],
    ]);
    now += 60_000;
    throttled.error('connection', refused(6379), 'Redis is not answering');
    expect(lines.at(-1)).toMatchObject({ msg: 'Redis is not answering', repeatedInLastMinute: 16_999 });
    expect(lines).toHaveLength(3);
  });
});
