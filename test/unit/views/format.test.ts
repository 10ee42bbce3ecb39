import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatMeetingId, formatSize, formatTime, progressBar } from '../../../src/views/format.js';

describe('formatTime', () => {
  it('shows an instant in the reader’s zone with the zone named', () => {
    expect(formatTime('2026-12-01T14:00:00Z', 'Europe/Berlin')).toBe('Tue 1 Dec 2026, 15:00 CET');
    expect(formatTime('2026-12-01T14:00:00Z', 'America/New_York')).toBe('Tue 1 Dec 2026, 09:00 EST');
    expect(formatTime('2026-07-01T14:00:00Z', 'America/Los_Angeles')).toBe('Wed 1 Jul 2026, 07:00 PDT');
  });

  it('names the zone when it has no common abbreviation', () => {
    expect(formatTime('2026-12-01T14:00:00Z', 'Asia/Kathmandu')).toBe('Tue 1 Dec 2026, 19:45 GMT+5:45 (Asia/Kathmandu)');
  });

  it('shows unparseable input as given', () => {
    expect(formatTime('soon', 'UTC')).toBe('soon');
  });
});

describe('formatClock', () => {
  it('gives the time of day in the zone', () => {
    expect(formatClock(DateTime.fromISO('2026-11-29T10:00:00Z'), 'Europe/Berlin')).toBe('11:00 CET');
  });
});

describe('formatDuration and formatMeetingId', () => {
  it('reads durations in hours and minutes', () => {
    expect([formatDuration(45), formatDuration(60), formatDuration(90)]).toEqual(['45 min', '1 h', '1 h 30 min']);
  });

  it('groups meeting IDs as Zoom prints them', () => {
    expect(formatMeetingId('81234567890')).toBe('812 3456 7890');
    expect(formatMeetingId('8123456789')).toBe('812 345 6789');
    expect(formatMeetingId('812345678')).toBe('812 345 678');
    expect(formatMeetingId('812345678901')).toBe('8123 4567 8901');
    expect(formatMeetingId('abc==')).toBe('abc==');
  });
});

describe('progressBar', () => {
  it('fills twenty cells in proportion and says the percentage; nothing to do reads 0 %', () => {
    expect(progressBar(50, 100)).toBe(`${'▓'.repeat(10)}${'░'.repeat(10)} 50 %`);
    expect(progressBar(2_999, 3_000)).toBe(`${'▓'.repeat(20)} 99 %`);
    expect(progressBar(5, 0)).toBe(`${'░'.repeat(20)} 0 %`);
  });
});

describe('formatSize', () => {
  it('shows every size in decimal units with one spelling, as Zoom\'s web portal does', () => {
    expect([formatSize(223), formatSize(49_500), formatSize(3_328_371), formatSize(1_234_567_890)]).toEqual(['223 B', '50 KB', '3.3 MB', '1.2 GB']);
  });
});
