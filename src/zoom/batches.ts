// Splitting a list into Zoom-sized batches: some endpoints take at most N items a call (30 panelists, 30 registrants).

/** `items` in order, in consecutive batches of `size` (the last one may be shorter); no batches for no items. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  // A size below 1 would loop forever, and a fraction would make uneven batches: both are programming errors.
  if (!Number.isInteger(size) || size < 1) throw new Error(`inBatches: size must be a whole number ≥ 1, got ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
