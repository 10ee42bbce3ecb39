// One log line per cause per minute: a Redis that keeps failing makes ioredis and BullMQ report the same error many
// times a second (17,000 lines in 13 s were seen), which buries everything else and fills disks.
import type { Logger } from './log.js';

const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  /** Reports of this cause not logged since the window started. */
  suppressed: number;
}

export class ThrottledLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Logs `message` with the error unless the same cause (source plus the error's code or text) was logged less than a
   * minute ago; then it is only counted, and the next line of that cause says how many were left out.
   */
  error(source: string, error: unknown, message: string): void {
    const key = `${source}\u0000${causeOf(error)}`;
    const now = this.now();
    const window = this.windows.get(key);
    if (window && now - window.startedAt < WINDOW_MS) {
      window.suppressed += 1;
      return;
    }
    const repeated = window?.suppressed ?? 0;
    this.windows.set(key, { startedAt: now, suppressed: 0 });
    this.log.error({ err: error, source, ...(repeated > 0 ? { repeatedInLastMinute: repeated } : {}) }, message);
  }
}

/** What makes two errors "the same": the system error code, else the message with addresses and numbers taken out. */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error.message.replace(/\d+/g, '#');
}
