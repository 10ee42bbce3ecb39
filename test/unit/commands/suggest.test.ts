// "Did you mean": closest known word to a typo.
import { describe, expect, it } from 'vitest';
import { closest } from '../../../src/commands/suggest.js';

const FLAGS = ['start', 'duration', 'timezone', 'user', 'agenda', 'registration'];

describe('closest', () => {
  it('finds typos by edit distance', () => {
    expect(closest('strat', FLAGS)).toBe('start');
    expect(closest('duraton', FLAGS)).toBe('duration');
    expect(closest('timzone', FLAGS)).toBe('timezone');
  });

  it('ignores case and returns the candidate spelling', () => {
    expect(closest('START', FLAGS)).toBe('start');
    expect(closest('Europe/berln', ['Europe/Berlin', 'Europe/Bern'])).toBe('Europe/Berlin');
  });

  it('completes prefixes, preferring the shortest completion', () => {
    expect(closest('meet', ['webinar', 'meetings', 'meeting'])).toBe('meeting');
    expect(closest('reg', FLAGS)).toBe('registration');
  });

  it('suggests nothing for unrelated words', () => {
    expect(closest('banana', FLAGS)).toBeUndefined();
    expect(closest('xy', ['ab'])).toBeUndefined();
    expect(closest('', FLAGS)).toBeUndefined();
    expect(closest('start', [])).toBeUndefined();
  });

  it('honours an explicit maximum distance', () => {
    expect(closest('strat', FLAGS, 1)).toBeUndefined();
  });
});
