// What the relay remembers in Redis: each event's Slack posts (so a retried job never posts twice), the first
// message of each meeting instance per channel (its thread), the digest a burst is folded into, and the automatic
// download an event started. A folded event counts as delivered only once a digest message that shows it was posted
// or updated. Per-event records (posts, downloads) and threads are spread over the event shards' slots
// (jobs/event-shards.ts), so on a cluster no one master takes every event; a channel's digest keeps one slot.
import { randomUUID } from 'node:crypto';
import { execChecked, type RedisClient } from '../redis.js';
import { DEDUPE_TTL_MS } from '../ingress/accept.js';
import { RedisScript, deleteIfHolding } from '../redis-script.js';
import { redisKey, shardKey } from '../redis-keys.js';
import { PostSlot } from '../slack/post-once.js';
import { z } from 'zod';
import { shardOf } from './event-shards.js';
import { DIGEST_LINES_SHOWN, DIGEST_WAITING_SHOWN } from '../views/alerts.js';

const THREAD_TTL_S = 7 * 24 * 3600;
/** A digest stays open while events keep folding into it; this long after the last one, a new one opens. */
export const DIGEST_IDLE_MS = 60_000;
/** A digest older than this takes no more events: the next fold opens a fresh message, so none grows stale. */
export const DIGEST_MAX_AGE_MS = 60_000;
/** A claim to post the digest message outlives the post's own 10 s timeout; a crashed poster's claim expires. */
export const DIGEST_CLAIM_MS = 15_000;
// A digest's state outlives its flush job's retries (BullMQ backoff), so no folded event is forgotten.
const DIGEST_KEEP_MS = 30 * 60_000;
/** Lines a digest keeps for its Show all button: a minute's burst, with room (the message shows the latest few). */
const DIGEST_LINES = 1_000;
/**
 * A claim to start an event's automatic download outlives its work: a bounded wait for the channel's pace, one progress
 * post (the Slack client gives up within seconds) and queueing the job; a crashed claimant's claim expires.
 */
const DOWNLOAD_CLAIM_MS = 60_000;

export interface DigestState {
  id: string;
  ts?: string;
  counts: Record<string, number>;
  /** The latest lines (as many as the message shows); `lines()` has them all. */
  lines: string[];
  since?: number;
  /** Registrations waiting for approval, by session (`<meeting|webinar>:<id>`). */
  pending: Record<string, number>;
  /** Events folded in but not yet in any posted or updated message: not delivered yet. */
  unshown: string[];
  /** The zone of the watch whose events opened it (the digest's times). */
  zone?: string;
  /** The latest registrants waiting for approval, each a click from a decision in the digest, oldest first. */
  waiting: DigestWaiting[];
  /** Decisions made from the digest's buttons, by registrant ID. */
  decided: Record<string, DigestDecision>;
}

/** A waiting registrant as the digest offers it: the alert's registrant (session, ID, email) and its line. */
const DigestWaitingSchema = z.object({ k: z.enum(['meeting', 'webinar']), s: z.string(), r: z.string(), e: z.string().optional(), l: z.string() });
export type DigestWaiting = z.infer<typeof DigestWaitingSchema>;

export interface DigestDecision {
  action: 'approve' | 'deny';
  /** The Slack user who clicked. */
  by: string;
}

/** What a folded event adds besides its line: its waiting registrant, and the zone of the watch. */
interface DigestFold {
  waiting?: Omit<DigestWaiting, 'l'>;
  zone?: string;
}

// The channel's open digest, or a fresh one when there is none or the open one is too old.
const openDigest = new RedisScript(`
local now, max_age, idle = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local id = redis.call('HGET', KEYS[1], 'id')
local since = tonumber(redis.call('HGET', KEYS[1], 'since'))
if not id or not since or now - since >= max_age then
  id = ARGV[4]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'id', id, 'since', now)
end
redis.call('PEXPIRE', KEYS[1], idle)
return id
`);

// Adds one event to a digest once (a retried job folds again without counting twice).
const foldEvent = new RedisScript(`
-- A registration waiting for approval also counts under its session (ARGV[7], empty for any other event), and joins
-- the latest few the digest offers a decision on (ARGV[8], its registrant; ARGV[9] of them are kept).
local all, unshown, counts, lines, meta, pending, waiting = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
if redis.call('SADD', all, ARGV[1]) == 1 then
  redis.call('SADD', unshown, ARGV[1])
  redis.call('HINCRBY', counts, ARGV[2], 1)
  redis.call('RPUSH', lines, ARGV[3])
  redis.call('LTRIM', lines, -tonumber(ARGV[4]), -1)
  redis.call('HSETNX', meta, 'since', ARGV[6])
  redis.call('HSETNX', meta, 'zone', ARGV[10])
  if ARGV[7] ~= '' then redis.call('HINCRBY', pending, ARGV[7], 1) end
  if ARGV[8] ~= '' then
    redis.call('RPUSH', waiting, ARGV[8])
    redis.call('LTRIM', waiting, -tonumber(ARGV[9]), -1)
  end
end
for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
if redis.call('EXISTS', waiting) == 1 then redis.call('PEXPIRE', waiting, ARGV[5]) end
return 1
`);

// Records a decision made from a digest (KEYS[1], registrant ARGV[1] → ARGV[2]) and takes it off its session's waiting
// count (KEYS[2], field ARGV[3]) only the first time that registrant is decided, so a second admin's click (or a retry)
// never counts it twice; never below zero, and never recreates the count of a digest that has expired.
const decideInDigest = new RedisScript(`
local first = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if first == 1 and tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0') > 0 then redis.call('HINCRBY', KEYS[2], ARGV[3], -1) end
return first
`);

/** What `postedIn` reads for an event marked as folded into a digest that has not been shown yet. */
export const FOLDED = 'folded:';

// Claims a digest's message (KEYS[1], as claim() does) and notes the first try (KEYS[2], `<ms>:<token>`, kept while
// its outcome is unknown); returns whether it was claimed and the earlier try, if one is noted.
const claimDigest = new RedisScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return {0, ''} end
local earlier = redis.call('GET', KEYS[2])
if earlier then return {1, earlier} end
local t = redis.call('TIME')
redis.call('SET', KEYS[2], (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) .. ':' .. ARGV[1], 'PX', ARGV[3])
return {1, ''}
`);

// Forgets a digest's noted try if it was this one's (`<ms>:<token>` ends with ARGV[1]).
const releaseTriedDigest = new RedisScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, -string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export interface RecordedDownload {
  jobId?: string;
  /** The admin whose job (started by hand) the event joined; absent when the event started the job. */
  startedBy?: string;
  /** Per channel: `progress`, or the ts of the line naming the job. */
  shownIn: Record<string, string>;
}

export class RelayState {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    /** ZOOMOPS_EVENT_SHARDS: the slots per-event records and threads are spread over. */
    private readonly shards = 1,
  ) {}

  /** Where this event was already delivered in this channel: the ts of its message or of the digest showing it. */
  postedIn(eventKey: string, channel: string): Promise<string | null> {
    return this.redis.hget(this.postedKey(eventKey), channel);
  }

  /**
   * The record of an event's post into a channel (slack/post-once.ts): `postedIn` reads what it records, the ts of
   * the alert (or `folded:<digest>`); its claim reads the same field first, so the relay asks once.
   */
  alertSlot(eventKey: string, channel: string): PostSlot {
    return new PostSlot(this.redis, this.postedKey(eventKey), channel, DEDUPE_TTL_MS);
  }

  /** Recorded right after Slack answered (or the post in doubt was found in the channel); the try is over. */
  recordPost(eventKey: string, channel: string, ts: string): Promise<void> {
    const key = this.postedKey(eventKey);
    return execChecked(this.redis.multi().hset(key, channel, ts).pexpire(key, DEDUPE_TTL_MS)).then(() => undefined);
  }

  thread(channel: string, instance: string): Promise<string | null> {
    return this.redis.get(this.threadKey(channel, instance));
  }

  /** The first message of an instance becomes its thread; a later one never replaces it. */
  async claimThread(channel: string, instance: string, ts: string): Promise<void> {
    await this.redis.set(this.threadKey(channel, instance), ts, 'EX', THREAD_TTL_S, 'NX');
  }

  /**
   * Folds one event into the channel's open digest (opening one if none is, or it is too old), or into digest `into`;
   * its id. `pendingIn`: the session (`<meeting|webinar>:<id>`) whose registrant waits for approval, for a folded
   * registration alert.
   *
   * The event is first marked handled in this channel (`folded:<digest>` in its record), so a retry of its job for
   * another channel never posts it here on its own while the digest carries it; markShown later puts the digest's ts
   * there. The record's slot is the event's shard's, the digest's the channel's, so the two writes cannot be one
   * script on a cluster: a run that stops between them leaves the mark without the event in the digest, and the next
   * run, finding the mark, folds it again into that digest (relay.ts), which counts it once however often it is folded.
   */
  async fold(channel: string, eventKey: string, eventName: string, line: string, now: number, pendingIn = '', folded: DigestFold = {}, into?: string): Promise<string> {
    const id = into ?? String(await openDigest.run(this.redis, [this.digestKey(channel, 'current')], [now, DIGEST_MAX_AGE_MS, DIGEST_IDLE_MS, `${now}-${randomUUID().slice(0, 8)}`]));
    const posted = this.postedKey(eventKey);
    await execChecked(this.redis.multi().hsetnx(posted, channel, `${FOLDED}${id}`).pexpire(posted, DEDUPE_TTL_MS));
    await foldEvent.run(
      this.redis,
      ['all', 'unshown', 'counts', 'lines', 'meta', 'pending', 'waiting'].map((part) => this.digestKey(channel, `${id}:${part}`)),
      [
        eventKey,
        eventName,
        line,
        DIGEST_LINES,
        DIGEST_KEEP_MS,
        now,
        pendingIn,
        folded.waiting ? JSON.stringify({ ...folded.waiting, l: line }) : '',
        DIGEST_WAITING_SHOWN,
        folded.zone ?? '',
      ],
    );
    return id;
  }

  /** The digest open in this channel now, if any. */
  currentDigest(channel: string): Promise<string | null> {
    return this.redis.hget(this.digestKey(channel, 'current'), 'id');
  }

  /**
   * One process posts a digest's message: the claim's token for the one that may (with the time an earlier try began
   * when that try's outcome is unknown: its message may be in Slack), else undefined.
   */
  async claimDigestMessage(channel: string, id: string): Promise<{ token: string; inDoubtSince?: number } | undefined> {
    const token = `pending:${randomUUID()}`;
    const [claimed, earlier] = (await claimDigest.run(
      this.redis,
      [this.digestKey(channel, `${id}:ts`), this.digestKey(channel, `${id}:tried`)],
      [token, DIGEST_CLAIM_MS, DIGEST_KEEP_MS],
    )) as [number, string];
    if (!claimed) return undefined;
    const since = Number(/^(\d+):/.exec(earlier)?.[1]);
    return { token, ...(Number.isFinite(since) ? { inDoubtSince: since } : {}) };
  }

  /**
   * The post failed: another attempt (this job's retry, the flush job) may claim it at once. `posted: 'no'` when Slack
   * refused it, so the next try needs no search; otherwise its try stays recorded as in doubt.
   */
  async releaseDigestClaim(channel: string, id: string, token: string, posted: 'no' | 'unknown' = 'no'): Promise<void> {
    await this.release(this.digestKey(channel, `${id}:ts`), token);
    if (posted === 'no') await releaseTriedDigest.run(this.redis, [this.digestKey(channel, `${id}:tried`)], [`:${token}`]);
  }

  async setDigestMessage(channel: string, id: string, ts: string): Promise<void> {
    await this.redis.multi().set(this.digestKey(channel, `${id}:ts`), ts, 'PX', DIGEST_KEEP_MS).del(this.digestKey(channel, `${id}:tried`)).exec();
  }

  async digest(channel: string, id: string): Promise<DigestState> {
    const key = (part: string) => this.digestKey(channel, `${id}:${part}`);
    // One MULTI: an event folded between separate reads could be marked shown without being in the message.
    const [ts, counts, lines, meta, unshown, pending, waiting, decided] = (await execChecked(
      this.redis
        .multi()
        .get(key('ts'))
        .hgetall(key('counts'))
        .lrange(key('lines'), -DIGEST_LINES_SHOWN, -1)
        .hgetall(key('meta'))
        .smembers(key('unshown'))
        .hgetall(key('pending'))
        .lrange(key('waiting'), 0, -1)
        .hgetall(key('decided')),
    )) as [string | null, Record<string, string>, string[], Record<string, string>, string[], Record<string, string>, string[], Record<string, string>];
    return {
      id,
      ...(ts && !ts.startsWith('pending') ? { ts } : {}),
      counts: numbers(counts),
      lines,
      ...(meta.since ? { since: Number(meta.since) } : {}),
      ...(meta.zone ? { zone: meta.zone } : {}),
      pending: numbers(pending),
      waiting: waiting.flatMap((w) => {
        const parsed = DigestWaitingSchema.safeParse(safeJson(w));
        return parsed.success ? [parsed.data] : [];
      }),
      decided: Object.fromEntries(
        Object.entries(decided).flatMap(([r, d]) => {
          const [action, by] = d.split(':');
          return (action === 'approve' || action === 'deny') && by ? [[r, { action, by }]] : [];
        }),
      ),
      unshown,
    };
  }

  /**
   * A decision on one of a digest's waiting registrants (of `session`, `<meeting|webinar>:<id>`), made from its
   * buttons: the digest shows it from now on, and its session counts one registration fewer waiting.
   */
  async decide(channel: string, id: string, session: string, registrantId: string, decision: DigestDecision): Promise<void> {
    await decideInDigest.run(
      this.redis,
      [this.digestKey(channel, `${id}:decided`), this.digestKey(channel, `${id}:pending`)],
      [registrantId, `${decision.action}:${decision.by}`, session, DIGEST_KEEP_MS],
    );
  }

  /** Every line a digest keeps (its Show all button), oldest first; empty once it has expired. */
  lines(channel: string, id: string): Promise<string[]> {
    return this.redis.lrange(this.digestKey(channel, `${id}:lines`), 0, -1);
  }

  /**
   * A message showing these events is in Slack: they are delivered, under that message's ts. One transaction per slot
   * (the events' records spread over the shards'), the records first: a stop before the digest forgets them as
   * unshown costs one more update of its message, never an event left out. How many events of the digest are still
   * unshown (folded since), so the caller knows when its burst is over.
   */
  async markShown(channel: string, id: string, eventKeys: readonly string[], ts: string): Promise<number> {
    if (eventKeys.length === 0) return this.redis.scard(this.digestKey(channel, `${id}:unshown`));
    const bySlot = new Map<number, string[]>();
    for (const key of eventKeys) bySlot.set(shardOf(key, this.shards), [...(bySlot.get(shardOf(key, this.shards)) ?? []), key]);
    await Promise.all(
      [...bySlot.values()].map((keys) => {
        const tx = this.redis.multi();
        for (const key of keys) tx.hset(this.postedKey(key), channel, ts).pexpire(this.postedKey(key), DEDUPE_TTL_MS);
        return execChecked(tx);
      }),
    );
    const unshown = this.digestKey(channel, `${id}:unshown`);
    const [, left] = (await execChecked(this.redis.multi().srem(unshown, ...eventKeys).scard(unshown))) as [number, number];
    return left;
  }

  /**
   * The automatic download started for this event (`watch … --download`): its job ID, who started it when the event
   * joined a job an admin had started by hand, and per channel where it shows (`progress` for the channel whose thread
   * has the progress message, else the ts of the line naming the job). One download per event however many channels
   * watch, and a retried relay job never starts a second one, even after the first finished and the download queue's
   * own dedupe let go of it.
   */
  async download(eventKey: string): Promise<RecordedDownload> {
    const { job, by, ...fields } = await this.redis.hgetall(this.downloadKey(eventKey));
    // A line's try (`try:<channel>`, downloadLineSlot's) stays beside its ts once it is posted: not a channel.
    const shownIn = Object.fromEntries(Object.entries(fields).filter(([field]) => !field.startsWith('try:')));
    return { ...(job ? { jobId: job } : {}), ...(by ? { startedBy: by } : {}), shownIn };
  }

  /**
   * One run of the event's relay job at a time reads, queues and records its download (a stalled job runs again while
   * the first run still goes); the claim's token, else undefined while another run holds it.
   */
  claimDownload(eventKey: string): Promise<string | undefined> {
    return this.claim(`${this.downloadKey(eventKey)}:claim`, DOWNLOAD_CLAIM_MS);
  }

  releaseDownloadClaim(eventKey: string, token: string): Promise<void> {
    return this.release(`${this.downloadKey(eventKey)}:claim`, token);
  }

  /**
   * Recorded right after the job was queued (or the line naming it posted). A run that stops in between leaves a job
   * this record does not name yet; the job's ID, derived from the event, lets the next run find it (auto-download.ts).
   */
  async recordDownload(eventKey: string, job: { jobId: string; startedBy?: string }, shownIn: { channel: string; ts: string }): Promise<void> {
    const key = this.downloadKey(eventKey);
    const fields = ['job', job.jobId, ...(job.startedBy ? ['by', job.startedBy] : []), shownIn.channel, shownIn.ts];
    await execChecked(this.redis.multi().hset(key, ...fields).pexpire(key, DEDUPE_TTL_MS));
  }

  /**
   * The record of the line naming the event's download in a channel's thread: `download().shownIn` reads its ts.
   */
  downloadLineSlot(eventKey: string, channel: string): PostSlot {
    return new PostSlot(this.redis, this.downloadKey(eventKey), channel, DEDUPE_TTL_MS);
  }

  /** A claim (SET NX with an expiry) only one caller gets; its token, else undefined. */
  private async claim(key: string, ms: number): Promise<string | undefined> {
    const token = `pending:${randomUUID()}`;
    const ok = await this.redis.set(key, token, 'PX', ms, 'NX');
    return ok === 'OK' ? token : undefined;
  }

  private async release(key: string, token: string): Promise<void> {
    // Only if it is still this poster's: a slow poster never frees someone else's.
    await deleteIfHolding.run(this.redis, [key], [token]);
  }

  // Each MULTI and script above stays within one Redis Cluster slot: an event's records on its shard's (by the
  // event's identity, which markShown knows), an instance's threads on the instance's, a channel's digest on `relay`.
  private postedKey(eventKey: string): string {
    return shardKey(this.keyPrefix, 'relay', shardOf(eventKey, this.shards), 'posted', eventKey);
  }
  private threadKey(channel: string, instance: string): string {
    return shardKey(this.keyPrefix, 'relay', shardOf(instance, this.shards), 'thread', channel, instance);
  }
  private downloadKey(eventKey: string): string {
    return shardKey(this.keyPrefix, 'relay', shardOf(eventKey, this.shards), 'download', eventKey);
  }
  private digestKey(channel: string, part: string): string {
    return redisKey(this.keyPrefix, 'relay', 'digest', channel, part);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function numbers(hash: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
}
