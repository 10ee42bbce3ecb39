// "Did you mean …?": the closest known word to a mistyped one (resources, actions, flags, enum values).

import { distance } from 'fastest-levenshtein';

// A prefix shorter than this matches too many words to be a useful suggestion.
const MIN_PREFIX = 3;

/**
 * The candidate closest to `word`, ignoring case, or undefined when none is close enough.
 * A word that starts a candidate (`meet` → `meeting`) wins over edit distance; otherwise the smallest
 * Levenshtein distance within `maxDistance` (default: max(2, a third of the word's length)) wins,
 * ties going to the earlier candidate.
 */
export function closest(word: string, candidates: readonly string[], maxDistance?: number): string | undefined {
  const needle = word.trim().toLowerCase();
  if (needle === '' || candidates.length === 0) return undefined;

  const exact = candidates.find((c) => c.toLowerCase() === needle);
  if (exact !== undefined) return exact;

  if (needle.length >= MIN_PREFIX) {
    // The shortest completion is the likeliest one (`meet` → `meeting`, not `meetings`).
    const completions = candidates.filter((c) => c.toLowerCase().startsWith(needle));
    if (completions.length > 0) {
      return completions.reduce((best, c) => (c.length < best.length ? c : best));
    }
  }

  const limit = maxDistance ?? Math.max(2, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    // A distance as large as either word means nothing is shared: `ab` is not a typo of `xy`.
    if (d > limit || d >= needle.length || d >= candidate.length) continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

