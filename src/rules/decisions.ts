// What the registrant rules decided, kept in Redis so that each registration is decided once whatever happens to the
// jobs: a claim per registrant (a retried relay job or a second webhook finds it and does nothing new), the queues of
// decisions waiting to be sent to Zoom in batches of 30 (one per session, occurrence, action and channel), and the
// batch each flush job has in hand, which a crashed job's next run finds and finishes instead of taking a new one.
import { z } from 'zod';
import type { RedisClient } from '../redis.js';
import { redisKey } from '../redis-keys.js';
import { RedisScript } from '../redis-script.js';

/** Claims outlive Zoom's webhook retries (85 min) and the event dedupe (4 h) by far; a week bounds what piles up. */
const CLAIM_TTL_MS = 7 * 24 * 3600_000;
/** Decisions waiting for a flush job, and a batch in hand: a week, so a long outage of Zoom loses none. */
const QUEUED_TTL_MS = 7 * 24 * 3600_000;

export type SessionKind = 'meeting' | 'webinar';

/** One registration as the rules see it. */
export interface Registration {
  kind: SessionKind;
  sessionId: string;
  /** The one occurrence the registration is for, on a recurring meeting or webinar. */
  occurrence?: string;
  registrantId: string;
  email: string;
}

/** A registrant's decision, from the first look at it (`claimed`) to its place in a queue (`queued`). */
export const DecisionClaim = z.object({
  action: z.enum(['approve', 'deny', 'leave']),
  reason: z.string(),
  mode: z.enum(['shadow', 'on']),
  /** The rule set's channel: decision messages, shadow reports and the card of a registration left pending. */
  channel: z.string(),
  /** `claimed`: decided, but a cap place or the queue may still be missing (a crash came between). */
  stage: z.enum(['claimed', 'queued']),
  /** A cap place was taken for this approval (given back if Zoom refuses it). */
  capped: z.boolean().optional(),
});
export type DecisionClaim = z.infer<typeof DecisionClaim>;

/** A decision waiting to be sent (or, in shadow mode, reported). */
export const QueuedDecision = z.object({
  k: z.enum(['meeting', 'webinar']),
  s: z.string(),
  o: z.string().optional(),
  r: z.string(),
  e: z.string(),
  /** The registrant's name and the session's topic, for the message. */
  n: z.string().optional(),
  t: z.string().optional(),
  action: z.enum(['approve', 'deny', 'leave']),
  reason: z.string(),
  /** A cap place was taken for it (given back if Zoom refuses). */
  capped: z.boolean().optional(),
  /** The rule set's cap: in shadow mode a real approval would be subject to it; on, the message counts the places. */
  cap: z.number().optional(),
  at: z.number(),
});
export type QueuedDecision = z.infer<typeof QueuedDecision>;

/** Where decisions wait: decisions to send share session, occurrence, action and channel; shadow lines a channel. */
export const Bucket = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('decide'),
    channel: z.string(),
    k: z.enum(['meeting', 'webinar']),
    s: z.string(),
    o: z.string().optional(),
    action: z.enum(['approve', 'deny']),
  }),
  z.object({ kind: z.literal('shadow'), channel: z.string() }),
]);
export type Bucket = z.infer<typeof Bucket>;

export function bucketName(bucket: Bucket): string {
  return bucket.kind === 'shadow' ? `shadow:${bucket.channel}` : `decide:${bucket.channel}:${bucket.k}:${bucket.s}:${bucket.o ?? '-'}:${bucket.action}`;
}

/** What a batch came to: who Zoom changed, who it refused and why. Saved before anything is said about it. */
export const BatchOutcome = z.object({
  decided: z.array(QueuedDecision),
  failed: z.array(z.object({ decision: QueuedDecision, reason: z.string() })),
});
export type BatchOutcome = z.infer<typeof BatchOutcome>;

/** The batch a flush job has in hand: `sending` until Zoom's outcome is saved, then `sent` until it is in Slack. */
interface BatchInHand {
  id: string;
  entries: QueuedDecision[];
  /** A crashed run had it in hand: it may have reached Zoom. */
  resumed: boolean;
  /** Its audit lines are written. */
  audited: boolean;
}
export type Batch = (BatchInHand & { stage: 'sending' }) | (BatchInHand & { stage: 'sent'; outcome: BatchOutcome });

// Moves a claim from `claimed` to `queued` (ARGV[1], the final claim) and, in the same step, queues its decision
// (ARGV[2], unless empty) in KEYS[2], noting when (KEYS[3]): a retry after a crash in between finds both done or neither.
const settleClaim = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).stage ~= 'claimed' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
if ARGV[2] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
end
return 1
`);

// The flush job's batch (KEYS[1]): the one it already had (a crashed run's), else up to ARGV[1] decisions taken from
// the head of the bucket (KEYS[2]) in one step, so no decision is in two batches or in none; fewer than ARGV[1] only
// when ARGV[4] allows it (else 'short': checked in the same step, so two jobs never split one full batch).
const takeBatch = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'resumed' end
local items = redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return 'empty' end
if #items < tonumber(ARGV[1]) and ARGV[4] == '0' then return 'short' end
redis.call('LTRIM', KEYS[2], #items, -1)
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'entries', cjson.encode(items), 'stage', 'sending')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'fresh'
`);

export class RuleDecisions {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /** The registration's claim, if it was looked at before. */
  async claim(reg: Registration): Promise<DecisionClaim | undefined> {
    const raw = await this.redis.get(this.claimKey(reg));
    return raw === null ? undefined : DecisionClaim.parse(JSON.parse(raw));
  }

  /** Claims the registration for this decision; the claim already there when someone was first. */
  async claimFirst(reg: Registration, claim: DecisionClaim): Promise<DecisionClaim> {
    const set = await this.redis.set(this.claimKey(reg), JSON.stringify(claim), 'PX', CLAIM_TTL_MS, 'NX');
    if (set === 'OK') return claim;
    return (await this.claim(reg)) ?? claim;
  }

  /** Records that a cap place was taken, so a retry does not take a second one. */
  async markCapped(reg: Registration, claim: DecisionClaim): Promise<void> {
    await this.redis.set(this.claimKey(reg), JSON.stringify({ ...claim, capped: true } satisfies DecisionClaim), 'KEEPTTL');
  }

  /** Settles a claim (`final`) and queues `queued` into `bucket`, both or neither; false when already settled. */
  async settle(reg: Registration, final: DecisionClaim, queued?: { bucket: Bucket; decision: QueuedDecision }): Promise<boolean> {
    const bucketKey = queued ? this.bucketKey(queued.bucket) : this.claimKey(reg);
    const keys = [this.claimKey(reg), bucketKey, `${bucketKey}:last`];
    const settled = await settleClaim.run(this.redis, keys, [JSON.stringify(final), queued ? JSON.stringify(queued.decision) : '', QUEUED_TTL_MS, Date.now()]);
    return settled === 1;
  }

  /** How many decisions wait in the bucket. */
  waiting(bucket: Bucket): Promise<number> {
    return this.redis.llen(this.bucketKey(bucket));
  }

  /** When the bucket's latest decision was queued (epoch ms), 0 when none is known. */
  async lastQueuedAt(bucket: Bucket): Promise<number> {
    return Number((await this.redis.get(`${this.bucketKey(bucket)}:last`)) ?? 0);
  }

  /**
   * The batch the job `owner` has in hand: the one a crashed run of it left (`resumed`), else up to `max` decisions
   * taken from the bucket (fewer only if `partial`); undefined when the bucket is empty, `short` when it holds fewer
   * than `max` and `partial` is false.
   */
  async take(owner: string, bucket: Bucket, max: number, batchId: string, partial = true): Promise<Batch | 'short' | undefined> {
    const key = this.batchKey(owner);
    const taken = String(await takeBatch.run(this.redis, [key, this.bucketKey(bucket)], [max, batchId, QUEUED_TTL_MS, partial ? 1 : 0]));
    if (taken === 'empty') return undefined;
    if (taken === 'short') return 'short';
    const fields = await this.redis.hgetall(key);
    const entries = z.array(z.string()).parse(JSON.parse(fields.entries ?? '[]')).map((e) => QueuedDecision.parse(JSON.parse(e)));
    const base = { id: fields.id ?? batchId, entries, resumed: taken === 'resumed', audited: fields.audited === '1' };
    if (fields.stage === 'sent') return { ...base, stage: 'sent', outcome: BatchOutcome.parse(JSON.parse(fields.outcome ?? '{}')) };
    return { ...base, stage: 'sending' };
  }

  /** Zoom's outcome of the batch, saved before it is shown, so a crash after Zoom answered never sends it again. */
  async recordOutcome(owner: string, outcome: BatchOutcome): Promise<void> {
    await this.redis.hset(this.batchKey(owner), 'stage', 'sent', 'outcome', JSON.stringify(outcome));
  }

  async markAudited(owner: string): Promise<void> {
    await this.redis.hset(this.batchKey(owner), 'audited', '1');
  }

  /** The batch is shown in Slack: the job may take the next one. */
  async finish(owner: string): Promise<void> {
    await this.redis.del(this.batchKey(owner));
  }

  private claimKey(reg: Registration): string {
    return redisKey(this.keyPrefix, 'rules', 'run', 'claim', reg.kind, reg.sessionId, reg.occurrence ?? '-', reg.registrantId);
  }

  private bucketKey(bucket: Bucket): string {
    return redisKey(this.keyPrefix, 'rules', 'run', 'bucket', bucketName(bucket));
  }

  private batchKey(owner: string): string {
    return redisKey(this.keyPrefix, 'rules', 'run', 'batch', owner);
  }
}
