import { describe, expect, it } from 'vitest';
import { inBatches } from '../../../src/zoom/batches.js';

describe('inBatches', () => {
  it('splits in order into full batches and a shorter last one', () => {
    const items = Array.from({ length: 65 }, (_, i) => i);
    const batches = inBatches(items, 30);
    expect(batches.map((b) => b.length)).toEqual([30, 30, 5]);
    expect(batches.flat()).toEqual(items);
    expect(batches[2]).toEqual([60, 61, 62, 63, 64]);
  });

  it('makes no short batch when the size divides the count', () => {
    expect(inBatches(['a', 'b', 'c', 'd'], 2)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('makes one batch of fewer items than the size, and none of no items', () => {
    expect(inBatches(['a'], 30)).toEqual([['a']]);
    expect(inBatches([], 30)).toEqual([]);
  });

  it('leaves the input alone', () => {
    const items = [1, 2, 3];
    inBatches(items, 2)[0]?.push(99);
    expect(items).toEqual([1, 2, 3]);
  });

  it('refuses a size that is not a whole number of at least 1', () => {
    for (const size of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => inBatches([1, 2], size)).toThrow(/size must be a whole number/);
    }
  });
});
