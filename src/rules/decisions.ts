// What the registrant rules decided, kept in Redis so that each registration is decided once whatever happens to the
// jobs: a claim per registrant (a retried relay job or a second webhook finds it and does nothing new), the queues of
// decisions waiting to be sent to Zoom in batches of 30 (one per session, occurrence, action and channel) and of sent
// batches waiting for their message, and what each flush job has in hand, which a crashed job's next run finds and
// finishes instead of taking more.
import { z } from 'zod';
import type { RedisClient } from '../redis.js';
import { redisKey } from '../redis-keys.js';
import { RedisScript } from '../redis-script.js';
import type { SessionKind } from '../zoom/meetings-webinars.js';

/** Claims outlive Zoom's webhook retries (85 min) and the event dedupe (4 h) by far; a week bounds what piles up. */
const CLAIM_TTL_MS = 7 * 24 * 3600_000;
/** Decisions waiting for a flush job, and a batch in hand: a week, so a long outage of Zoom loses none. */
const QUEUED_TTL_MS = 7 * 24 * 3600_000;

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

const DecideBucket = z.object({
  kind: z.literal('decide'),
  channel: z.string(),
  k: z.enum(['meeting', 'webinar']),
  s: z.string(),
  o: z.string().optional(),
  action: z.enum(['approve', 'deny']),
});
export type DecideBucket = z.infer<typeof DecideBucket>;

/**
 * Where work waits for a flush job: decisions to send (same session, occurrence, action and channel), shadow lines of
 * a channel, and the outcomes of sent batches waiting for their message in a channel (Slack's pace of one post a
 * second must not hold back the calls to Zoom).
 */
export const Bucket = z.discriminatedUnion('kind', [
  DecideBucket,
  z.object({ kind: z.literal('shadow'), channel: z.string() }),
  z.object({ kind: z.literal('report'), channel: z.string() }),
]);
export type Bucket = z.infer<typeof Bucket>;

export function bucketName(bucket: Bucket): string {
  return bucket.kind === 'decide' ? `decide:${bucket.channel}:${bucket.k}:${bucket.s}:${bucket.o ?? '-'}:${bucket.action}` : `${bucket.kind}:${bucket.channel}`;
}

/** What a batch came to: who Zoom changed, who it refused and why. */
export const BatchOutcome = z.object({
  decided: z.array(QueuedDecision),
  failed: z.array(z.object({ decision: QueuedDecision, reason: z.string() })),
});
export type BatchOutcome = z.infer<typeof BatchOutcome>;

/** A sent batch waiting for its message and audit lines; `id` names its delivery. */
export const BatchReport = z.object({ id: z.string(), bucket: DecideBucket, outcome: BatchOutcome });
export type BatchReport = z.infer<typeof BatchReport>;

/** The work a flush job has in hand, until it is done with it. */
export interface Batch<T> {
  id: string;
  entries: T[];
  /** A crashed run had it in hand: it may have reached Zoom, or Slack. */
  resumed: boolean;
  /** Its audit lines are written. */
  audited: boolean;
}

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
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'entries', cjson.encode(items))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'fresh'
`);

// Hands a sent batch's report (ARGV[1]) to the channel's report bucket (KEYS[2], noting when in KEYS[3]) and lets go
// of the batch (KEYS[1]) in one step: a crash leaves either the batch in hand (Zoom is asked again) or the report.
const handOver = new RedisScript(`
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[2])
redis.call('DEL', KEYS[1])
return 1
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
   * The work the job `owner` has in hand: what a crashed run of it left (`resumed`), else up to `max` entries taken
   * from the bucket (fewer only if `partial`), read with `schema`; undefined when the bucket is empty, `short` when
   * it holds fewer than `max` and `partial` is false.
   */
  async take<T>(owner: string, bucket: Bucket, schema: z.ZodType<T>, max: number, batchId: string, partial = true): Promise<Batch<T> | 'short' | undefined> {
    const key = this.batchKey(owner);
    const taken = String(await takeBatch.run(this.redis, [key, this.bucketKey(bucket)], [max, batchId, QUEUED_TTL_MS, partial ? 1 : 0]));
    if (taken === 'empty') return undefined;
    if (taken === 'short') return 'short';
    const batch = await this.inHand(owner, schema);
    return batch ? { ...batch, id: batch.id || batchId, resumed: taken === 'resumed' } : undefined;
  }

  /** What the job `owner` has in hand now, taking nothing: undefined when it holds no batch. */
  async inHand<T>(owner: string, schema: z.ZodType<T>): Promise<Batch<T> | undefined> {
    const fields = await this.redis.hgetall(this.batchKey(owner));
    if (fields.entries === undefined) return undefined;
    const entries = z.array(z.string()).parse(JSON.parse(fields.entries)).map((e) => schema.parse(JSON.parse(e)));
    return { id: fields.id ?? '', entries, resumed: true, audited: fields.audited === '1' };
  }

  /** Zoom's outcome of the batch in hand goes to its channel's reports, and the job is free for the next batch. */
  async handOver(owner: string, report: BatchReport): Promise<Bucket> {
    const bucket: Bucket = { kind: 'report', channel: report.bucket.channel };
    const reports = this.bucketKey(bucket);
    await handOver.run(this.redis, [this.batchKey(owner), reports, `${reports}:last`], [JSON.stringify(report), QUEUED_TTL_MS, Date.now()]);
    return bucket;
  }

  async markAudited(owner: string): Promise<void> {
    await this.redis.hset(this.batchKey(owner), 'audited', '1');
  }

  /** The job is done with what it had in hand: it may take more. */
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
