// The relay worker: each Zoom event on the `events` queue becomes one alert in every channel that watches it,
// paced at about one post a second per channel; only while that pace is saturated is an event folded into a
// digest message updated in place (never an alert with a Download button; a registration waiting for approval folds,
// its decision kept in the digest's buttons), and a digest takes events for a minute at most.
import { setTimeout as delay } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { CodedError } from '../errors.js';
import { observeEventToSlack } from '../metrics.js';
import type { Services } from '../services.js';
import { MAX_PACE_WAIT_MS } from '../slack/pacing.js';
import { TryUnderWay, deliveryMetadata, findDelivery, outcomeUnknown, postOnce, recoveryScopes, singleTryClient, tsOnly, type DeliveryMetadata } from '../slack/post-once.js';
import { ChannelGone, channelGoneReason, removeGoneChannel } from '../slack/gone-channels.js';
import { WatchStore, type WatchingChannel } from '../slack/watches.js';
import { alertMessage, alertSummary, digestMessage, pendingRegistration } from '../views/alerts.js';
import type { RegistrantRef } from '../views/registrants.js';
import { ZoomEvent, meetingInstanceOf } from '../zoom/events.js';
import { RELAY_ATTEMPTS, type RelayJobData } from '../ingress/accept.js';
import { startAutoDownloads } from './auto-download.js';
import { FOLDED, RelayState } from './relay-state.js';
import { decideByRules } from '../rules/run.js';
import { comeBackIn, type JobProcessor } from './workers.js';

/** Digest updates gather this long, so a burst costs a few chat.update calls rather than one per event. */
const DIGEST_FLUSH_DELAY_MS = 2_000;
/** Waits for the chat.update budget longer than this give the worker slot back (the job is delayed). */
const MAX_BUDGET_HOLD_MS = 1_000;
const EventJob = z.object({
  kind: z.literal('event'),
  key: z.string(),
  event: ZoomEvent,
  source: z.enum(['webhook', 'websocket']),
  receivedAt: z.number(),
  shards: z.number().int().positive().optional(),
});
// `digest` names the digest (jobs queued before digests had ids flush the channel's open one).
const DigestFlushJob = z.object({ kind: z.literal('digest'), channel: z.string(), zone: z.string(), digest: z.string().optional() });
type RelayData = RelayJobData | z.infer<typeof DigestFlushJob>;

/**
 * What one run of an event's relay came to; a BullMQ job (relayProcessor) and the express lane (jobs/event-lane.ts)
 * each act on it their own way. `later`: every channel that could be served is recorded, the rest come back in `inMs`
 * (no attempt counted). `failed`: some channel could not be served; a retry reaches only those.
 */
export type RelayOutcome = { kind: 'done'; channels: number } | { kind: 'later'; inMs: number } | { kind: 'failed'; error: Error };

export const relayProcessor: JobProcessor<RelayData> = {
  queue: 'events',
  data: z.discriminatedUnion('kind', [EventJob, DigestFlushJob]) as z.ZodType<RelayData>,
  // Posting is I/O bound and paced per channel in Redis; many channels are served at once. In role `all` the
  // relay shares the event loop with the webhook ingress: 32 jobs resuming together held the loop long enough to
  // push the ingress's p99 time to 200 past 100 ms at 500 events/s (bench/webhooks.ts); 8 keep it in bounds.
  concurrency: (config) => (config.role === 'all' ? 8 : 32),
  process: (job, data, ctx) => (data.kind === 'event' ? relayEventJob(job, data, ctx.services) : flushDigest(job, data, ctx.services)),
  lane: { data: EventJob, run: relayEvent },
};

async function relayEventJob(job: Job, data: RelayJobData, services: Services): Promise<{ channels: number }> {
  const outcome = await relayEvent(data, services);
  if (outcome.kind === 'failed') throw outcome.error;
  if (outcome.kind === 'later') return comeBackIn(job, outcome.inMs);
  await job.updateProgress({ done: outcome.channels, total: outcome.channels, failed: 0, unit: 'events' });
  return { channels: outcome.channels };
}

/** An alert that may not be folded met a saturated channel: the job is delayed, not failed. */
class PaceSaturated extends CodedError<'slack_pace_saturated'> {
  constructor(channel: string) {
    super('slack_pace_saturated', channel, { expected: true });
  }
}

async function relayEvent(data: RelayJobData, services: Services): Promise<RelayOutcome> {
  // Registrant rules may decide a registration (no pending card then) or add their channel for its card.
  const channels = await decideByRules(data, await new WatchStore(services.redis, services.keyPrefix).channelsFor(data.event.event), services);
  const results = await Promise.allSettled(channels.map((c) => deliver(data, c, services)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ channel: channels[i]!.channel, error: r.reason as Error }] : []));
  for (const { channel, error } of failed) {
    if (error instanceof ChannelGone) await removeGoneChannel(services, channel, error.message);
  }
  // Channels whose alert is in Slack get their automatic download now, not only once every other channel is served.
  const downloads = await startAutoDownloads(data, channels.map((c) => c.channel), services, (channel, message) => post(services, channel, message));
  const later = failed.filter((f) => f.error instanceof PaceSaturated || f.error instanceof TryUnderWay);
  const retry = failed.filter((f) => !(f.error instanceof ChannelGone) && !later.includes(f));
  if (retry.length > 0) {
    // Channels already served are recorded; the retry only reaches the ones that failed.
    return { kind: 'failed', error: new Error(`could not post ${data.event.event} to ${retry.map((f) => f.channel).join(', ')}: ${retry[0]!.error.message}`) };
  }
  if (later.length > 0 || downloads.later) {
    // Channels already served (and a download already started) are recorded; the job comes back (no attempt counted)
    // when the pace has room, once the run of it that is starting the download is done, or once a try still under
    // way is over.
    const tries = later.map((f) => (f.error instanceof TryUnderWay ? f.error.retryInMs : 0));
    return { kind: 'later', inMs: Math.max(soon(), ...tries) };
  }
  return { kind: 'done', channels: channels.length };
}

async function deliver(data: RelayJobData, { channel, zone }: WatchingChannel, services: Services): Promise<void> {
  const state = new RelayState(services.redis, services.keyPrefix, data.shards ?? services.config.eventShards);
  const done = await state.postedIn(data.key, channel);
  if (done && !done.startsWith(FOLDED)) return;
  const message = alertMessage(data.event, zone, { withPasscode: await new WatchStore(services.redis, services.keyPrefix).showsPasscode(channel, data.event.event) });
  // A Download button would be lost in a digest's one line; a registration waiting for approval keeps its decision
  // one click away in the digest's buttons for its session.
  const waiting = pendingRegistration(data.event);
  // Marked folded but not shown yet: folded into that digest again, in case the run that marked it stopped before the
  // digest held it (RelayState.fold); the digest counts it once.
  if (done) return fold(data, channel, zone, services, state, waiting, done.slice(FOLDED.length));
  const foldable = waiting !== undefined || !message.blocks?.some((b) => b.type === 'actions');
  if (!(await roomToPost(channel, foldable, services, state))) {
    if (!foldable) throw new PaceSaturated(channel);
    await fold(data, channel, zone, services, state, waiting);
    return;
  }
  const instance = meetingInstanceOf(data.event);
  const threadTs = instance ? await state.thread(channel, instance) : null;
  const ts = await postAlertOnce(services, state, data.key, channel, { text: message.text, blocks: message.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
  observeEventToSlack(data.receivedAt);
  if (instance && !threadTs) await state.claimThread(channel, instance, ts);
}

/**
 * Posts an event's alert into a channel exactly once: the try is claimed in Redis first; when an earlier try's outcome
 * is unknown (a crash, an answer after the timeout), the channel is searched for the alert's metadata before posting
 * again; the ts is recorded as soon as it is known.
 */
async function postAlertOnce(services: Services, state: RelayState, eventKey: string, channel: string, message: Omit<PostedMessage, 'metadata'>): Promise<string> {
  const posted = await postOnce(singleTryClient(services), services.log, {
    slot: state.alertSlot(eventKey, channel),
    deliveryKey: `event:${eventKey}`,
    channel,
    ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
    send: async (metadata) => ({ channel, ts: await post(services, channel, { ...message, metadata }) }),
    codec: tsOnly(channel),
  });
  return posted.ts;
}

/**
 * Takes a slot of the channel's pace for an alert of its own. Saturated: the post would wait past MAX_PACE_WAIT_MS;
 * anything less is only waited for, so a trickle after a burst gets its own messages again. While events wait in the
 * channel's digest for its next update (a burst is on), a foldable event takes a slot only if one is free now, else
 * joins them: waiting up to 3 s each, 8 or 32 jobs at a time, is what made a 120-event burst take 44 s and 44 messages.
 */
async function roomToPost(channel: string, foldable: boolean, services: Services, state: RelayState): Promise<boolean> {
  const pace = services.pacing.channel(channel);
  if (foldable && (await state.burstOn(channel))) return (await pace.tryTake()) === 0;
  return pace.takeWithin(MAX_PACE_WAIT_MS);
}

/** Folds the event into the channel's digest; it is delivered once a posted or updated digest shows it. */
async function fold(data: RelayJobData, channel: string, zone: string, services: Services, state: RelayState, waiting: RegistrantRef | undefined, into?: string): Promise<void> {
  const folded = { zone, ...(waiting?.r ? { waiting: { k: waiting.k, s: waiting.s, r: waiting.r, ...(waiting.e ? { e: waiting.e } : {}) } } : {}) };
  const id = await state.fold(channel, data.key, data.event.event, alertSummary(data.event, zone), Date.now(), waiting ? `${waiting.k}:${waiting.s}` : '', folded, into);
  // Queued first: if this process dies before the digest is in Slack, the flush job still gets it there.
  await services.jobs.queue('events').add(
    'Digest update',
    { kind: 'digest', channel, zone, digest: id },
    {
      delay: DIGEST_FLUSH_DELAY_MS,
      deduplication: { id: `digest:${channel}:${id}`, ttl: DIGEST_FLUSH_DELAY_MS },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
      attempts: RELAY_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1_000 },
    },
  );
  if (!(await state.digest(channel, id)).ts) await postDigest(channel, id, zone, services, state);
}

/**
 * Posts a digest's message if no one else is; false when another holds the claim. A failed post lets the claim
 * go at once, so the retry (or the flush job) posts it; a crashed poster's claim expires (DIGEST_CLAIM_MS).
 */
async function postDigest(channel: string, id: string, zone: string, services: Services, state: RelayState): Promise<boolean> {
  const claim = await state.claimDigestMessage(channel, id);
  if (!claim) return false;
  const deliveryKey = `digest:${channel}:${id}`;
  try {
    if (claim.inDoubtSince !== undefined) {
      // An earlier try's message may be in Slack: that one becomes the digest's message, and the flush job brings it
      // up to date (its events stay unshown until then).
      const found = await findDelivery(singleTryClient(services), services.log, { channel, deliveryKey, since: claim.inDoubtSince });
      if (found) {
        await state.setDigestMessage(channel, id, found.ts);
        return true;
      }
    }
    // The digest message itself waits for the channel's pace like any post, within the same bound.
    if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) throw new PaceSaturated(channel);
    const shown = await state.digest(channel, id);
    const ts = await post(services, channel, { ...digestMessage({ ...shown, zone, showAll: id }), metadata: deliveryMetadata(deliveryKey) });
    await state.setDigestMessage(channel, id, ts);
    await state.markShown(channel, id, shown.unshown, ts);
    return true;
  } catch (error) {
    // A post that may be in Slack keeps its claim until it expires (DIGEST_CLAIM_MS), so nothing posts beside an
    // answer still on its way; the next claimant searches the channel for it.
    if (!outcomeUnknown(error)) await state.releaseDigestClaim(channel, id, claim.token, 'no');
    throw error;
  }
}

/** Brings the digest message up to date, within the workspace's shared chat.update budget. */
async function flushDigest(job: Job, data: z.infer<typeof DigestFlushJob>, services: Services): Promise<void> {
  const { channel, zone } = data;
  const state = new RelayState(services.redis, services.keyPrefix, services.config.eventShards);
  const id = data.digest ?? (await state.currentDigest(channel));
  if (!id) return;
  // A few rounds: events folded while an update was on its way get the next one.
  for (let round = 0; round < 5; round++) {
    const digest = await state.digest(channel, id);
    if (digest.unshown.length === 0) return;
    if (!digest.ts) {
      // Another job is posting the digest message, or the channel has no room now: this job comes back (no attempt
      // counted, so a long wait never uses them up and leaves folded events unshown) and brings the message up to date.
      const posted = await postDigest(channel, id, zone, services, state).catch((error: unknown) => {
        if (error instanceof PaceSaturated) return false;
        throw error;
      });
      if (!posted) return comeBackIn(job, soon());
      continue;
    }
    await takeUpdateOrDelay(job, services);
    const shown = await state.digest(channel, id);
    const message = digestMessage({ ...shown, zone, showAll: id });
    try {
      await singleTryClient(services).chat.update({ channel, ts: digest.ts, text: message.text, blocks: message.blocks ?? [] });
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code === 'slack_webapi_rate_limited_error') await services.pacing.updates.pause((e.retryAfter ?? 1) * 1000);
      throw error;
    }
    await state.markShown(channel, id, shown.unshown, digest.ts);
  }
}


/** 1–3 s: soon, and spread, so jobs waiting on the same channel do not all come back at once. */
function soon(): number {
  return 1_000 + Math.floor(Math.random() * 2_000);
}

/** A slot of the chat.update budget; a long wait delays the job instead of holding one of the relay's slots. */
async function takeUpdateOrDelay(job: Job, services: Services): Promise<void> {
  for (;;) {
    const wait = await services.pacing.updates.tryTake();
    if (wait === 0) return;
    if (wait > MAX_BUDGET_HOLD_MS) {
      return comeBackIn(job, wait);
    }
    await delay(wait);
  }
}

/**
 * One post; a 429 holds every process off this channel for Retry-After (SlidingWindow.pause) and is tried
 * again; a channel that is gone is reported as such.
 */
interface PostedMessage {
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** Names the delivery, so that a post in doubt can be found in the channel (slack/post-once.ts). */
  metadata?: DeliveryMetadata;
}

async function post(services: Services, channel: string, message: PostedMessage): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await singleTryClient(services).chat.postMessage({ channel, unfurl_links: false, unfurl_media: false, ...message } as never);
      if (!answer.ts) throw new Error('Slack answered without a message ts');
      return answer.ts;
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code === 'slack_webapi_rate_limited_error' && attempt < 3) {
        await services.pacing.channel(channel).pause((e.retryAfter ?? 1) * 1000);
        // A short Retry-After is waited for; a long one (Slack says up to minutes) must not hold a relay slot: the
        // event's job comes back when the channel has room, as for a saturated pace.
        if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) throw new PaceSaturated(channel);
        continue;
      }
      const gone = channelGoneReason(error);
      if (gone) throw new ChannelGone(gone);
      throw error;
    }
  }
}

/**
 * Reads the token's scopes once at start-up, so that a token without the optional history scopes is named in one
 * warning before any post is in doubt (slack/post-once.ts). Never fails the start-up: the next post in doubt asks again.
 */
export async function checkRelayScopes(services: Services): Promise<void> {
  await recoveryScopes(singleTryClient(services), services.log).catch((error: unknown) =>
    services.log.warn({ err: error }, 'could not read the Slack token’s scopes (auth.test); will ask again when a post is in doubt'),
  );
}
