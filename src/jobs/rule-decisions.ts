// The `rules` queue, three kinds of flush job. `decide`: the registrant rules' decisions sent to Zoom in batches of up
// to 30 (one status call per session, occurrence and action, paced on Zoom's Medium budget by the client). A batch is
// saved under the job before it is sent: a run that died with one in hand asks Zoom who is still pending and sends only
// those, so no registrant is changed twice. Its outcome is then handed to `report`: one message per batch in the rule
// set's channel, an Undo button per registrant, and the audit lines (apart, so Slack's one post a second never holds
// back the calls to Zoom). `shadow`: what the rules would have done, a few seconds of registrations to a message.
import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Services } from '../services.js';
import { approvalsTaken, releaseApproval, type CapSlot } from '../rules/cap.js';
import { BatchReport, Bucket, bucketName, QueuedDecision, RuleDecisions, type Batch, type BatchOutcome, type DecideBucket } from '../rules/decisions.js';
import { rulesZone } from '../rules/zone.js';
import { MAX_PACE_WAIT_MS } from '../slack/pacing.js';
import { postOnce, singleTryClient, tsOnly, TryUnderWay } from '../slack/post-once.js';
import { pauseOnRateLimit } from '../slack/rate-limits.js';
import { WatchStore, type WatchingChannel } from '../slack/watches.js';
import { pendingRegistrationCard } from '../views/alerts.js';
import type { SlackMessage } from '../views/blocks.js';
import { decisionBatchMessage, sessionLabel, shadowReportMessage } from '../views/rule-decisions.js';
import { isTransient, ZoomApiError } from '../zoom/errors.js';
import { reasonOf, sendStatusBatch } from '../zoom/registrant-changes.js';
import { allRegistrants, REGISTRANT_STATUS_BATCH } from '../zoom/registrants.js';
import { newJobId } from './queues.js';
import { RelayState } from './relay-state.js';
import { comeBackIn, type JobContext, type JobProcessor } from './workers.js';

/** Decisions gather this long before the first batch goes out, so a burst fills batches of 30. */
export const FLUSH_DELAY_MS = 2_000;
/**
 * A second flush job is not queued while the first still waits; shorter than the wait, so a decision queued just as
 * the first starts (and may already have looked at an empty bucket) gets a job of its own.
 */
const FLUSH_DEDUPE_MS = FLUSH_DELAY_MS - 500;
/** A batch that would not be full waits while the bucket's latest decision is younger than this (mayTakeShort)… */
const QUIET_MS = 2_000;
/** …but not past this long after its job was queued. */
const MAX_HOLD_MS = 15_000;
/** Lines of one shadow report: a few seconds of a burst, within Slack's 50 blocks of 3,000 characters. */
export const SHADOW_LINES_PER_MESSAGE = 100;

const FlushJob = z.object({ bucket: Bucket });
type FlushJob = z.infer<typeof FlushJob>;

export const ruleDecisions: JobProcessor<FlushJob> = {
  queue: 'rules',
  data: FlushJob,
  // Every batch draws on the account's one Medium budget (the client waits for it); a few at once keep it busy while
  // others wait for Slack.
  concurrency: () => 4,
  process: (job, data, ctx) => flush(job, data.bucket, ctx),
};

/** Queues the bucket's flush in a few seconds, unless one is already waiting to start. */
export async function scheduleFlush(services: Services, bucket: Bucket): Promise<void> {
  await services.jobs.queue('rules').add(
    bucket.kind === 'decide' ? `Rules ${bucket.action}` : `Rules ${bucket.kind}`,
    { bucket } satisfies FlushJob,
    {
      jobId: newJobId('rules'),
      delay: FLUSH_DELAY_MS,
      deduplication: { id: bucketName(bucket), ttl: FLUSH_DEDUPE_MS },
      // Zoom or Slack down for a while: the batch in hand waits with the job, and is finished by a later try.
      attempts: 10,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: true,
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  );
}

async function flush(job: Job, bucket: Bucket, ctx: JobContext): Promise<{ batches: number }> {
  try {
    return await flushBatches(job, bucket, ctx);
  } catch (error) {
    if (bucket.kind === 'decide' && endsTheJob(job, error)) await giveUp(job, ctx.services, bucket, error);
    throw error;
  }
}

async function flushBatches(job: Job, bucket: Bucket, ctx: JobContext): Promise<{ batches: number }> {
  const { services } = ctx;
  const ledger = new RuleDecisions(services.redis, services.keyPrefix);
  const owner = String(job.id);
  // A run that died after handing a batch's report over may not have queued its job: this run does.
  if (bucket.kind === 'decide' && (await ledger.waiting(reportsOf(bucket))) > 0) await scheduleFlush(services, reportsOf(bucket));
  let batches = 0;
  for (;;) {
    // A safe point: what the job has in hand is saved under it, whoever runs it next.
    if (ctx.shutdown.aborted) await ctx.putBack();
    const id = `${owner}:${randomBytes(4).toString('hex')}`;
    if (bucket.kind === 'decide') {
      const batch = await ledger.take(owner, bucket, QueuedDecision, REGISTRANT_STATUS_BATCH, id, await mayTakeShort(job, ledger, bucket));
      if (!batch) return { batches };
      if (batch === 'short') return comeBackIn(job, QUIET_MS);
      const outcome = await send(services, bucket, batch);
      await ledger.handOver(owner, { id: batch.id, bucket, outcome });
      // After the hand-over, so a crash in between leaves a place unused rather than given back twice.
      for (const { decision } of outcome.failed) {
        if (decision.capped) await releaseApproval(services.redis, services.keyPrefix, slotOf(bucket));
      }
      await scheduleFlush(services, reportsOf(bucket));
    } else {
      const shadow = bucket.kind === 'shadow';
      const batch = shadow
        ? await ledger.take(owner, bucket, QueuedDecision, SHADOW_LINES_PER_MESSAGE, id, await mayTakeShort(job, ledger, bucket))
        : await ledger.take(owner, bucket, BatchReport, 1, id);
      if (!batch) return { batches };
      if (batch === 'short') return comeBackIn(job, QUIET_MS);
      if (shadow) await postDecisionsOnce(job, services, `rules:${batch.id}`, bucket.channel, shadowReport(services, batch.entries as QueuedDecision[]));
      else for (const done of batch.entries as BatchReport[]) await report(job, services, ledger, owner, done, batch.audited);
      await ledger.finish(owner);
    }
    batches += 1;
  }
}

function reportsOf(bucket: DecideBucket): Bucket {
  return { kind: 'report', channel: bucket.channel };
}

/**
 * Whether a batch may go out short of full. Not while decisions are still coming in (a burst that outlasts the first
 * few seconds): calls to Zoom stay close to one per 30 registrants. But never later than MAX_HOLD_MS after the job was
 * queued, so a steady trickle is still decided within seconds.
 */
async function mayTakeShort(job: Job, ledger: RuleDecisions, bucket: Bucket): Promise<boolean> {
  return Date.now() - job.timestamp > MAX_HOLD_MS || Date.now() - (await ledger.lastQueuedAt(bucket)) >= QUIET_MS;
}

/** The cap's counter a batch's approvals took their places from. */
function slotOf(bucket: DecideBucket): CapSlot {
  return { kind: bucket.k, id: bucket.s, ...(bucket.o ? { occurrence: bucket.o } : {}) };
}

/**
 * One status call for the batch (Zoom's per-registrant refusals split it, as for the bulk job). A batch a crashed run
 * had in hand may have reached Zoom: only the registrants Zoom still lists as pending are sent; the others were
 * decided by that run's call.
 */
async function send(services: Services, bucket: DecideBucket, batch: Batch<QueuedDecision>): Promise<BatchOutcome> {
  let todo = batch.entries;
  const outcome: BatchOutcome = { decided: [], failed: [] };
  if (batch.resumed) {
    const pending = await pendingIds(services, bucket);
    outcome.decided.push(...todo.filter((d) => !pending.has(d.r)));
    todo = todo.filter((d) => pending.has(d.r));
  }
  if (todo.length === 0) return outcome;
  const request = { kind: bucket.k, sessionId: bucket.s, action: bucket.action, ...(bucket.o ? { occurrenceId: bucket.o } : {}) };
  const byId = new Map(todo.map((d) => [d.r, d]));
  try {
    const sent = await sendStatusBatch(services.zoom, request, todo.map((d) => ({ id: d.r, email: d.e })));
    outcome.decided.push(...sent.changed.map((r) => byId.get(r.id)!));
    outcome.failed.push(...sent.failed.map((f) => ({ decision: byId.get(f.registrant.id)!, reason: f.reason })));
  } catch (error) {
    // Zoom down, or a per-second 429: the batch stays in hand and the next try asks Zoom who is still pending.
    if (isTransient(error)) throw error;
    // The session is gone, registration is off, the daily quota is used: none of them will pass today.
    const reason = error instanceof ZoomApiError ? reasonOf(error) : String(error);
    outcome.failed.push(...todo.map((decision) => ({ decision, reason })));
  }
  return outcome;
}

/** Who Zoom lists as pending now for the bucket's session (and occurrence). */
async function pendingIds(services: Services, bucket: DecideBucket): Promise<Set<string>> {
  return new Set((await allRegistrants(services.zoom, bucket.k, bucket.s, ['pending'], bucket.o ? { occurrenceId: bucket.o } : {})).map((r) => r.id));
}

/**
 * Whether this failure ends the job for good: BullMQ retries only while `attemptsMade + 1 < attempts` (attemptsMade
 * counts the attempts before this one). A run that puts its job back or delays it is not failing.
 */
function endsTheJob(job: Job, error: unknown): boolean {
  if (error instanceof DelayedError || error instanceof WaitingError) return false;
  return error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * The job's last attempt failed (Zoom down for its whole backoff, say) with a batch in hand: left as it is, its
 * registrants would wait unseen, neither decided nor carded. Each one Zoom still lists as pending gets the usual card
 * (leavePending), an audit line says so, the batch is let go with the cap places of those left pending, and the
 * decisions still queued behind it get a job of their own. Run again (a stalled run), nothing is posted twice.
 */
async function giveUp(job: Job, services: Services, bucket: DecideBucket, failure: unknown): Promise<void> {
  const owner = String(job.id);
  const ledger = new RuleDecisions(services.redis, services.keyPrefix);
  try {
    const batch = await ledger.inHand(owner, QueuedDecision);
    if (batch) {
      const left = new Set((await leavePending(job, services, bucket, batch.entries)).map((d) => d.r));
      if (!batch.audited) {
        const where = sessionLabel(bucket.k, bucket.s, undefined, bucket.o);
        const reason = failure instanceof ZoomApiError ? reasonOf(failure) : failure instanceof Error ? failure.message : String(failure);
        const gaveUp = `gave up after ${job.attemptsMade + 1} attempts: ${reason}`;
        const lines = batch.entries.map((d) =>
          left.has(d.r)
            ? `could not automatically ${bucket.action} ${d.e} for ${where} (${gaveUp}); left pending with its card`
            : `${d.e} for ${where}: Zoom no longer lists it as pending (${gaveUp})`,
        );
        await services.audit.record({ userId: null, action: lines.join('\n'), outcome: 'failed', detail: 'registrant rules' });
        await ledger.markAudited(owner);
      }
      await ledger.finish(owner);
      // After letting go of the batch, so a crash in between leaves a place unused rather than given back twice.
      for (const d of batch.entries) if (d.capped && left.has(d.r)) await releaseApproval(services.redis, services.keyPrefix, slotOf(bucket));
    }
    if ((await ledger.waiting(bucket)) > 0) await scheduleFlush(services, bucket);
  } catch (error) {
    // A full channel: the job comes back (no attempt counted) and its last attempt runs again.
    if (error instanceof DelayedError) throw error;
    services.log.error({ err: error, jobId: job.id }, 'rules job gave up, and could not leave its registrants their cards');
  }
}

/**
 * Registrants the rules meant to decide but did not (Zoom refused them, or their job gave up): each one Zoom still lists
 * as pending gets the card of a registration the rules leave pending (views/alerts.ts pendingRegistrationCard), in the
 * channels that watch registrations and the rule set's channel, as the relay does. Once per registrant and channel
 * (post-once, keyed by the registrant), however often this runs. Returns those left pending.
 */
async function leavePending(job: Job, services: Services, bucket: DecideBucket, decisions: QueuedDecision[]): Promise<QueuedDecision[]> {
  if (decisions.length === 0) return [];
  const left = await stillPending(services, bucket, decisions);
  const channels = left.length > 0 ? await cardChannels(services, bucket) : [];
  for (const d of left) {
    const card = { k: d.k, s: d.s, r: d.r, e: d.e, at: d.at, ...(d.n ? { name: d.n } : {}), ...(d.t ? { topic: d.t } : {}) };
    for (const { channel, zone } of channels) {
      await postDecisionsOnce(job, services, `rules-card:${d.k}:${d.s}:${d.o ?? '-'}:${d.r}`, channel, pendingRegistrationCard(card, zone));
    }
  }
  return left;
}

async function stillPending(services: Services, bucket: DecideBucket, decisions: QueuedDecision[]): Promise<QueuedDecision[]> {
  try {
    const pending = await pendingIds(services, bucket);
    return decisions.filter((d) => pending.has(d.r));
  } catch (error) {
    // The meeting or webinar is gone: nobody is left to decide.
    if (error instanceof ZoomApiError && error.status === 404) return [];
    // Zoom cannot say (still down): a card too many beats a registrant waiting unseen.
    services.log.warn({ err: error }, 'could not ask Zoom who is still pending; every registrant the rules left gets a card');
    return decisions;
  }
}

/** Where a registration the rules leave pending shows its card: the channels watching registrations, and the rules' own. */
async function cardChannels(services: Services, bucket: DecideBucket): Promise<WatchingChannel[]> {
  const watching = await new WatchStore(services.redis, services.keyPrefix).channelsFor(`${bucket.k}.registration_created`);
  if (watching.some((w) => w.channel === bucket.channel)) return watching;
  return [...watching, { channel: bucket.channel, zone: await rulesZone(services, await services.rules.governing(bucket.k, bucket.s)) }];
}

/** A sent batch's message in the rule set's channel (once), and its audit lines: one per registrant decided. */
async function report(job: Job, services: Services, ledger: RuleDecisions, owner: string, done: BatchReport, audited: boolean): Promise<void> {
  const { bucket, outcome } = done;
  const first = outcome.decided[0] ?? outcome.failed[0]?.decision;
  const message = decisionBatchMessage({
    kind: bucket.k,
    sessionId: bucket.s,
    ...(first?.t ? { topic: first.t } : {}),
    ...(bucket.o ? { occurrence: bucket.o } : {}),
    action: bucket.action,
    decided: outcome.decided.map((d) => ({
      email: d.e,
      ...(d.n ? { name: d.n } : {}),
      reason: d.reason,
      undo: { k: d.k, s: d.s, r: d.r, e: d.e, d: bucket.action, at: d.at, ...(d.o ? { o: d.o } : {}) },
    })),
    failed: outcome.failed.map((f) => ({ email: f.decision.e, ...(f.decision.n ? { name: f.decision.n } : {}), reason: f.decision.reason, refusal: f.reason })),
    command: services.config.slack.command,
    ...(bucket.action === 'approve' && first?.cap !== undefined ? { cap: { taken: await approvalsTaken(services.redis, services.keyPrefix, slotOf(bucket)), of: first.cap } } : {}),
  });
  await postDecisionsOnce(job, services, `rules:${done.id}`, bucket.channel, message);
  if (!audited) {
    const where = sessionLabel(bucket.k, bucket.s, undefined, bucket.o);
    const verb = bucket.action === 'approve' ? 'approved' : 'denied';
    const lines = [
      ...outcome.decided.map((d) => `automatically ${verb} ${d.e} for ${where}: ${d.reason}`),
      ...outcome.failed.map((f) => `could not automatically ${bucket.action} ${f.decision.e} for ${where}: ${f.reason}`),
    ];
    // At least once: a crash between the line and its mark writes it again, never loses it.
    await services.audit.record({ userId: null, action: lines.join('\n'), outcome: outcome.failed.length > 0 ? 'failed' : 'ok', detail: 'registrant rules' });
    await ledger.markAudited(owner);
  }
  // Those Zoom refused are still pending, named in the message: each gets its card, as if no rule had matched. After
  // the audit line, so a card that cannot be posted yet never holds back the record of what was decided.
  await leavePending(job, services, bucket, outcome.failed.map((f) => f.decision));
}

function shadowReport(services: Services, entries: QueuedDecision[]): SlackMessage {
  return shadowReportMessage({
    command: services.config.slack.command,
    lines: entries.map((d) => ({
      kind: d.k,
      sessionId: d.s,
      ...(d.t ? { topic: d.t } : {}),
      email: d.e,
      ...(d.n ? { name: d.n } : {}),
      action: d.action,
      reason: d.reason,
      ...(d.cap !== undefined ? { capped: d.cap } : {}),
    })),
  });
}

/**
 * Posts the message exactly once, as the relay posts an alert (slack/post-once.ts): the try is claimed first, a try
 * whose outcome is unknown is looked for in the channel before posting again, and the ts is recorded at once. The
 * channel's pace is shared with the relay's alerts; when it is full the job comes back later.
 */
async function postDecisionsOnce(job: Job, services: Services, deliveryKey: string, channel: string, message: SlackMessage): Promise<void> {
  const state = new RelayState(services.redis, services.keyPrefix);
  if (await state.postedIn(deliveryKey, channel)) return;
  if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) return comeBackIn(job, 1_000);
  const slack = singleTryClient(services);
  try {
    await postOnce(slack, services.log, {
      slot: state.alertSlot(deliveryKey, channel),
      deliveryKey,
      channel,
      send: async (metadata) => {
        const ts = (await slack.chat.postMessage({ channel, text: message.text, blocks: message.blocks ?? [], metadata, unfurl_links: false, unfurl_media: false })).ts;
        return { channel, ts: ts ?? 'unknown' };
      },
      codec: tsOnly(channel),
    });
  } catch (error) {
    if (error instanceof TryUnderWay) return comeBackIn(job, error.retryInMs);
    // Slack's 429 (nothing was posted): the job comes back after Retry-After, no attempt counted, as the relay's does.
    const retryAfter = await pauseOnRateLimit(services.pacing.channel(channel), error);
    if (retryAfter !== undefined) return comeBackIn(job, retryAfter);
    throw error;
  }
}

