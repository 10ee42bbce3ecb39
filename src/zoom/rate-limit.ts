// The account's Zoom request budgets per rate label, shared by every process through Redis.
// Zoom counts per account and label, and every other app on the account spends from the same budget.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { execChecked, type RedisClient } from '../redis.js';
import { ZoomRateLimitError, formatUtc } from './errors.js';
import { clockArg, extendPause, takeSlot } from '../sliding-window.js';
import { redisKey } from '../redis-keys.js';

export type RateLabel = 'light' | 'medium' | 'heavy' | 'resource-intensive';
export type ZoomPlan = 'free' | 'pro' | 'business';
/** Zoom Phone endpoints have their own, lower table. */
export type RateTable = 'default' | 'phone';

export interface Budget {
  limit: number;
  windowMs: number;
}

type PlanBudgets = Record<RateLabel, Budget>;

const perSecond = (limit: number): Budget => ({ limit, windowMs: 1_000 });
const perMinute = (limit: number): Budget => ({ limit, windowMs: 60_000 });

function budgets(light: number, medium: number, heavy: number, intensivePerMinute: number): PlanBudgets {
  return {
    light: perSecond(light),
    medium: perSecond(medium),
    heavy: perSecond(heavy),
    'resource-intensive': perMinute(intensivePerMinute),
  };
}

// docs/platform-facts.md, rate limits. Business covers Business, Education, Enterprise and Partners.
const DEFAULT_FREE = budgets(4, 2, 1, 10);

export const RATE_BUDGETS: Record<RateTable, Record<ZoomPlan, PlanBudgets>> = {
  default: {
    free: DEFAULT_FREE,
    pro: budgets(30, 20, 10, 10),
    business: budgets(80, 60, 40, 20),
  },
  phone: {
    // Zoom Phone needs a paid licence, so a free account should never get here; if it does, the default table's
    // free budget is the lowest Zoom publishes and the safest guess.
    free: DEFAULT_FREE,
    pro: budgets(20, 10, 5, 5),
    business: budgets(40, 20, 10, 10),
  },
};

// Our grant times are not Zoom's arrival times: network jitter can bring the first and the last call of a full
// window closer together at Zoom than they were here, and Zoom answers 429 (then everyone sits out a second).
// Counting each window 50 ms longer costs 5 % of a per-second budget and, measured by bench/registrants-bulk.ts
// against a fake that counts on arrival, removes those 429s (3 of 110 calls → 0; 67 % → 98 % of the limit).
export const ARRIVAL_MARGIN_MS = 50;

export function budgetFor(plan: ZoomPlan, table: RateTable, label: RateLabel): Budget {
  return RATE_BUDGETS[table][plan][label];
}

/** The outcome of one attempt to take a slot. */
export type SlotDecision =
  | { kind: 'granted' }
  | { kind: 'wait'; ms: number }
  | { kind: 'exhausted'; resetsAt: Date };

export interface RateLimiterOptions {
  redis: RedisClient;
  prefix: string;
  accountId: string;
  plan: ZoomPlan;
  /** A fake clock for tests; by default every process uses Redis' clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the caller was about to do, for the error raised when a daily quota is used up. */
export interface RequestContext {
  method: string;
  path: string;
}

export class RateLimiter {
  private readonly redis: RedisClient;
  private readonly keyBase: string;
  private readonly plan: ZoomPlan;
  private readonly now?: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RateLimiterOptions) {
    this.redis = options.redis;
    // One hash tag for all budget keys: the take-slot script touches three of them, which must share a cluster slot.
    this.keyBase = redisKey(options.prefix, 'zoom-rate', options.accountId);
    this.plan = options.plan;
    this.now = options.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
  }

  /**
   * Takes one slot of the label's budget, waiting for one as long as needed.
   * Throws ZoomRateLimitError at once while the label's daily quota is marked exhausted.
   */
  async acquire(label: RateLabel, table: RateTable = 'default', context?: RequestContext): Promise<void> {
    for (;;) {
      const decision = await this.tryAcquire(label, table);
      if (decision.kind === 'granted') return;
      if (decision.kind === 'exhausted') throw exhaustedError(label, decision.resetsAt, context);
      await this.sleep(decision.ms);
    }
  }

  /** Takes a slot if one is free now; otherwise says how long to wait, or that the daily quota is gone. */
  async tryAcquire(label: RateLabel, table: RateTable = 'default'): Promise<SlotDecision> {
    const { limit, windowMs } = budgetFor(this.plan, table, label);
    const key = this.key(label, table);
    const reply = Number(
      await takeSlot.run(
        this.redis,
        [key, `${key}:pause`, `${key}:exhausted`],
        [this.clock(), limit, windowMs + ARRIVAL_MARGIN_MS, randomUUID()],
      ),
    );
    if (reply === 0) return { kind: 'granted' };
    if (reply < 0) return { kind: 'exhausted', resetsAt: new Date(-reply) };
    return { kind: 'wait', ms: reply };
  }

  /**
   * After a per-second 429, holds every process off the label for `ms`: Zoom's count includes other apps on
   * the account, so ours was wrong and waiting alone would not help.
   */
  async penalize(label: RateLabel, table: RateTable, ms: number): Promise<void> {
    const pauseMs = Math.max(1, Math.ceil(ms));
    await extendPause.run(this.redis, [`${this.key(label, table)}:pause`], [this.clock(), pauseMs]);
  }

  /** Records that Zoom refused the label for the rest of the day, so no process calls Zoom for it until then. */
  async markExhausted(label: RateLabel, table: RateTable, resetsAt: Date): Promise<void> {
    const at = resetsAt.getTime();
    if (!Number.isFinite(at)) return;
    const pipeline = this.redis.pipeline();
    for (const shared of this.sharedDailyCap(label)) {
      pipeline.set(`${this.key(shared, table)}:exhausted`, at, 'PXAT', at);
    }
    await execChecked(pipeline);
  }

  /** When the label's daily quota resets, while it is marked used up; undefined while calls may go out. */
  async exhaustedUntil(label: RateLabel, table: RateTable = 'default'): Promise<Date | undefined> {
    const at = await this.redis.get(`${this.key(label, table)}:exhausted`);
    return at === null ? undefined : new Date(Number(at));
  }

  // On paid plans Heavy and Resource-intensive draw on one daily cap (docs/platform-facts.md, rate limits), so one exhausts both.
  private sharedDailyCap(label: RateLabel): RateLabel[] {
    const pooled: RateLabel[] = ['heavy', 'resource-intensive'];
    return this.plan !== 'free' && pooled.includes(label) ? pooled : [label];
  }

  private key(label: RateLabel, table: RateTable): string {
    return `${this.keyBase}:${table}:${label}`;
  }

  private clock(): string {
    return clockArg(this.now);
  }
}

const LABEL_NAMES: Record<RateLabel, string> = {
  light: 'Light',
  medium: 'Medium',
  heavy: 'Heavy',
  'resource-intensive': 'Resource-intensive',
};

function exhaustedError(label: RateLabel, resetsAt: Date, context?: RequestContext): ZoomRateLimitError {
  const name = LABEL_NAMES[label];
  const init = {
    status: 429,
    zoomMessage: `the daily quota for ${name} requests was used up earlier, so Zoom was not called`,
    method: context?.method ?? '',
    path: context?.path ?? '',
    resetsAt,
    accountWide: true,
  };
  if (context) return new ZoomRateLimitError(init);
  const message = `Zoom's daily quota for ${name} requests is used up; it resets at ${formatUtc(resetsAt)}`;
  return new ZoomRateLimitError(init, message);
}
