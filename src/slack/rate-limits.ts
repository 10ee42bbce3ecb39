// Slack's 429: the web client's rate-limited error carries Retry-After (seconds). Every process then holds off the
// budget the refused call spent from (a channel's post pace, the workspace's chat.update budget) for that long, so
// one 429 is not followed by others from elsewhere. Shared by the relay and the rules' messages.
import type { SlidingWindow } from '../sliding-window.js';

/** When `error` is Slack's 429: pauses `budget` for its Retry-After and returns how long (ms); else undefined. */
export async function pauseOnRateLimit(budget: Pick<SlidingWindow, 'pause'>, error: unknown): Promise<number | undefined> {
  const e = error as { code?: string; retryAfter?: number } | undefined;
  if (e?.code !== 'slack_webapi_rate_limited_error') return undefined;
  const ms = (e.retryAfter ?? 1) * 1000;
  await budget.pause(ms);
  return ms;
}
