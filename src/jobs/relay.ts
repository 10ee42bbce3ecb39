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
import { POST_LEASE_MS, TryUnderWay, deliveryMetadata, findDelivery, outcomeUnknown, postClaimed, recoveryScopes, singleTryClient, tsOnly, type DeliveryMetadata } from '../slack/post-once.js';
import { ChannelGone, channelGoneReason, removeGoneChannel } from '../slack/gone-channels.js';
import { pauseOnRateLimit } from '../slack/rate-limits.js';
import { WatchStore, type WatchingChannel } from '../slack/watches.js';
import { alertMessage, alertSummary, digestMessage, pendingRegistration } from '../views/alerts.js';
import type { RegistrantRef } from '../views/registrants.js';
import { ZoomEvent, meetingInstanceOf } from '../zoom/events.js';
import { RELAY_ATTEMPTS, type RelayJobData } from '../ingress/accept.js';
import { startAutoDownloads } from './auto-download.js';
import { DIGEST_IDLE_MS, FOLDED, RelayState } from './relay-state.js';
import { decideByRules } from '../rules/run.js';
import { comeBackIn, type JobProcessor } from './workers.js';

/** Digest updates gather this long, so a burst costs a few chat.update calls rather than one per event. */
const DIGEST_FLUSH_DELAY_MS = 2_000;
/** An alert's try is claimed before the wait for the channel's pace: its lease covers that wait and the post. */
const ALERT_LEASE_MS = POST_LEASE_MS + MAX_PACE_WAIT_MS;
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
    // way (an alert's, or a thread message of the download's) is over: its lease, waited out in one go.
    const tries = later.map((f) => (f.error instanceof TryUnderWay ? f.error.retryInMs : 0));
    return { kind: 'later', inMs: Math.max(soon(), ...tries, downloads.tryEndsInMs ?? 0) };
  }
  // No job.updateProgress: it cost BullMQ ~5 Redis commands per event and said nothing the result does not (`/zoom
  // jobs` shows a relay job's channels from it).
  return { kind: 'done', channels: channels.length };
}

/**
 * One event's alert into one channel. Its record is read and its try claimed in one call (the claim answers "done"
 * with the record when it is posted or folded already), before the channel's pace is taken: a retried run spends no
 * slot of a channel it already served. The claim's lease covers the wait for the pace too.
 */
async function deliver(data: RelayJobData, { channel, zone }: WatchingChannel, services: Services): Promise<void> {
  // The event's records live on the slots of the shard count it was accepted under (a count changed since moves none).
  const state = new RelayState(services.redis, services.keyPrefix, data.shards ?? services.config.eventShards);
  const slot = state.alertSlot(data.key, channel);
  const claim = await slot.claim(ALERT_LEASE_MS);
  // A registration waiting for approval keeps its decision one click away in the digest's buttons for its session.
  const waiting = pendingRegistration(data.event);
  if (claim.kind === 'done') {
    // Marked folded but not shown yet: folded into that digest again, in case the run that marked it stopped before
    // the digest held it (RelayState.fold); the digest counts it once.
    if (claim.value.startsWith(FOLDED)) await fold(data, channel, zone, services, state, waiting, claim.value.slice(FOLDED.length));
    return;
  }
  if (claim.kind === 'busy') throw new TryUnderWay(channel, claim.retryInMs);
  let message: Awaited<ReturnType<typeof alertFor>>;
  let threadTs: string | null = null;
  const instance = meetingInstanceOf(data.event);
  try {
    message = await alertFor(data.event, channel, zone, services);
    // A Download button would be lost in a digest's one line. An earlier try whose alert may be in Slack is settled
    // (found, or posted) before anything else: folding it too could show it twice.
    const foldable = claim.inDoubtSince === undefined && (waiting !== undefined || !message.blocks?.some((b) => b.type === 'actions'));
    if (!(await roomToPost(channel, foldable, services))) {
      if (!foldable) throw new PaceSaturated(channel);
      await fold(data, channel, zone, services, state, waiting);
      return;
    }
    if (instance) threadTs = await state.thread(channel, instance);
  } catch (error) {
    // Nothing was sent: the try is let go (an earlier one in doubt is put back), so the run that comes back claims at
    // once instead of waiting out the lease and searching the channel. A fold that failed halfway is settled by the
    // next run either way (its mark, or none).
    await slot.release(claim.token, claim.earlier).catch(() => undefined);
    throw error;
  }
  const alert = { text: message.text, blocks: message.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) };
  const posted = await postClaimed(
    singleTryClient(services),
    services.log,
    {
      slot,
      deliveryKey: `event:${data.key}`,
      channel,
      ...(threadTs ? { threadTs } : {}),
      send: async (metadata) => ({ channel, ts: await post(services, channel, { ...alert, metadata }) }),
      codec: tsOnly(channel),
    },
    claim,
  );
  observeEventToSlack(data.receivedAt);
  if (instance && !threadTs) await state.claimThread(channel, instance, posted.ts);
}

/**
 * The alert as this channel shows it. Whether its watch asked for join links with their passcode is read only for an
 * alert that has such a link (most events have none): a Redis read saved per alert, for a second rendering.
 */
async function alertFor(event: ZoomEvent, channel: string, zone: string, services: Services): Promise<ReturnType<typeof alertMessage>> {
  const plain = alertMessage(event, zone, { withPasscode: false });
  const withPasscode = alertMessage(event, zone, { withPasscode: true });
  if (JSON.stringify(plain) === JSON.stringify(withPasscode)) return plain;
  return (await new WatchStore(services.redis, services.keyPrefix).showsPasscode(channel, event.event)) ? withPasscode : plain;
}

/**
 * Takes a slot of the channel's pace for an alert of its own. Saturated: the post would wait past MAX_PACE_WAIT_MS;
 * anything less is only waited for, so a trickle after a burst gets its own messages again. While events wait in the
 * channel's digest for its next update (a burst is on), a foldable event takes a slot only if one is free now, else
 * joins them: waiting up to 3 s each, 8 or 32 jobs at a time, is what made a 120-event burst take 44 s and 44 messages.
 * One script call either way: the burst is a mark beside the channel's pace (ChannelPace.markBurst).
 */
async function roomToPost(channel: string, foldable: boolean, services: Services): Promise<boolean> {
  const pace = services.pacing.channel(channel);
  if (foldable) return (await pace.takeOrFold(MAX_PACE_WAIT_MS)) === 'take';
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
  // The channel's burst is on until this digest has shown every event (flushDigest, postDigest end it).
  await services.pacing.channel(channel).markBurst(id, DIGEST_IDLE_MS);
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
    await markShown(channel, id, shown.unshown, ts, services, state);
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
      await pauseOnRateLimit(services.pacing.updates, error);
      throw error;
    }
    await markShown(channel, id, shown.unshown, digest.ts, services, state);
  }
}

/** The events are shown in the digest's message; once none of the digest's is left unshown, its burst is over. */
async function markShown(channel: string, id: string, events: readonly string[], ts: string, services: Services, state: RelayState): Promise<void> {
  if ((await state.markShown(channel, id, events, ts)) === 0) await services.pacing.channel(channel).endBurst(id);
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
      if (attempt < 3 && (await pauseOnRateLimit(services.pacing.channel(channel), error)) !== undefined) {
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
