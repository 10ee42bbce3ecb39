// Per-label request budgets of the sandbox, refused the way Zoom refuses them: 429 with X-RateLimit-Category,
// X-RateLimit-Type: QPS and Retry-After, so the bot's own throttling and backoff can be exercised locally.
import { ZoomError } from './http.js';

export type RateLabel = 'light' | 'medium' | 'heavy' | 'resource-intensive';
export type RateLimits = Record<RateLabel, number>;

/** Generous: the sandbox should only refuse when a test or a demo lowers a budget on purpose. */
export const DEFAULT_RATE_LIMITS: RateLimits = { light: 100, medium: 100, heavy: 100, 'resource-intensive': 100 };

// Zoom writes the category capitalised in its headers.
const CATEGORY: Record<RateLabel, string> = {
  light: 'Light',
  medium: 'Medium',
  heavy: 'Heavy',
  'resource-intensive': 'Resource-intensive',
};

/**
 * A fixed one-second window per label. It runs on the real clock, not the sandbox's `now`, because a test that
 * freezes the account's date must still see budgets refill.
 */
export class RateLimiter {
  private readonly windows = new Map<RateLabel, { second: number; used: number }>();

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one call against `label`, or throws Zoom's per-second 429. Returns the headers Zoom sends. */
  take(label: RateLabel): Record<string, string> {
    const second = Math.floor(this.clock() / 1000);
    const limit = this.limits[label];
    let window = this.windows.get(label);
    if (!window || window.second !== second) this.windows.set(label, (window = { second, used: 0 }));
    const headers = { 'X-RateLimit-Category': CATEGORY[label], 'X-RateLimit-Limit': String(limit) };
    if (window.used >= limit) {
      throw new ZoomError(
        429,
        429,
        'You have reached the maximum per-second rate limit for this API. Try again later.',
        undefined,
        { ...headers, 'X-RateLimit-Type': 'QPS', 'X-RateLimit-Remaining': '0', 'Retry-After': '1' },
      );
    }
    window.used += 1;
    return { ...headers, 'X-RateLimit-Remaining': String(limit - window.used) };
  }
}
