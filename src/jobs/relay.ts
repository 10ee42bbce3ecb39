// The relay worker: each Zoom event on the `events` queue becomes one alert in every channel that watches it,
// paced at about one post a second per channel; only while that pace is saturated is an event folded into a
// digest message updated in place (never an alert with buttons), and a digest takes events for a minute at most.
import { setTimeout as delay } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import { boltLogger } from '../log.js';
import type { Services } from '../services.js';
import { MAX_PACE_WAIT_MS } from '../slack/pacing.js';
import { ChannelGone, WatchStore, channelGoneReason, removeGoneChannel, type WatchingChannel } from '../slack/watches.js';
import { alertMessage, alertSummary, digestMessage } from '../views/alerts.js';
import { ZoomEvent, meetingInstanceOf } from '../zoom/events.js';
import { RELAY_ATTEMPTS, type RelayJobData } from '../ingress/accept.js';
import { startAutoDownloads } from './auto-download.js';
import { RelayState } from './relay-state.js';
import type { JobProcessor } from './workers.js';
import { proxiedFetch } from '../outbound-proxy.js';

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
});
// `digest` names the digest (jobs queued before digests had ids flush the channel's open one).
const DigestFlushJob = z.object({ kind: z.literal('digest'), channel: z.string(), zone: z.string(), digest: z.string().optional() });
type RelayData = RelayJobData | z.infer<typeof DigestFlushJob>;

export const relayProcessor: JobProcessor<RelayData> = {
  queue: 'events',
  data: z.discriminatedUnion('kind', [EventJob, DigestFlushJob]) as z.ZodType<RelayData>,
  // Posting is I/O bound and paced per channel in Redis; many channels are served at once. In role `all` the
  // relay shares the event loop with the webhook ingress: 32 jobs resuming together held the loop long enough to
  // push the ingress's p99 time to 200 past 100 ms at 500 events/s (bench/webhooks.ts); 8 keep it in bounds.
  concurrency: (config) => (config.role === 'all' ? 8 : 32),
  process: (job, data, ctx) => (data.kind === 'event' ? relayEvent(job, data, ctx.services) : flushDigest(job, data, ctx.services)),
};

/** An alert that may not be folded met a saturated channel: the job is delayed, not failed. */
class PaceSaturated extends Error {}

async function relayEvent(job: Job, data: RelayJobData, services: Services): Promise<{ channels: number }> {
  const channels = await new WatchStore(services.redis, services.keyPrefix).channelsFor(data.event.event);
  const results = await Promise.allSettled(channels.map((c) => deliver(data, c, services)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ channel: channels[i]!.channel, error: r.reason as Error }] : []));
  for (const { channel, error } of failed) {
    if (error instanceof ChannelGone) await removeGoneChannel(services, channel, error.message);
  }
  // Channels whose alert is in Slack get their automatic download now, not only once every other channel is served.
  const downloads = await startAutoDownloads(data, channels.map((c) => c.channel), services, (channel, message) => post(services, channel, message));
  const retry = failed.filter((f) => !(f.error instanceof ChannelGone) && !(f.error instanceof PaceSaturated));
  if (retry.length > 0) {
    // Channels already served are recorded; the retry only reaches the ones that failed.
    throw new Error(`could not post ${data.event.event} to ${retry.map((f) => f.channel).join(', ')}: ${retry[0]!.error.message}`);
  }
  if (failed.some((f) => f.error instanceof PaceSaturated) || downloads.later) {
    // Channels already served (and a download already started) are recorded; the job comes back (no attempt counted)
    // when the pace has room, or once the run of it that is starting the download is done.
    return comeBackIn(job, soon());
  }
  await job.updateProgress({ done: channels.length, total: channels.length, failed: 0, unit: 'events' });
  return { channels: channels.length };
}

async function deliver(data: RelayJobData, { channel, zone }: WatchingChannel, services: Services): Promise<void> {
  const state = new RelayState(services.redis, services.keyPrefix);
  if (await state.postedIn(data.key, channel)) return;
  const message = alertMessage(data.event, zone);
  // Buttons (Approve/Deny, Download) would be lost in a digest's one line.
  const foldable = !message.blocks?.some((b) => b.type === 'actions');
  // Saturated: the post would wait past MAX_PACE_WAIT_MS. Anything less is only waited for, so a trickle after a
  // burst gets its own messages again.
  if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) {
    if (!foldable) throw new PaceSaturated(channel);
    await fold(data, channel, zone, services, state);
    return;
  }
  const instance = meetingInstanceOf(data.event);
  const threadTs = instance ? await state.thread(channel, instance) : null;
  const ts = await post(services, channel, { text: message.text, blocks: message.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
  await state.recordPost(data.key, channel, ts);
  if (instance && !threadTs) await state.claimThread(channel, instance, ts);
}

/** Folds the event into the channel's digest; it is delivered once a posted or updated digest shows it. */
async function fold(data: RelayJobData, channel: string, zone: string, services: Services, state: RelayState): Promise<void> {
  const id = await state.fold(channel, data.key, data.event.event, alertSummary(data.event, zone), Date.now());
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
  try {
    // The digest message itself waits for the channel's pace like any post, within the same bound.
    if (!(await services.pacing.channel(channel).takeWithin(MAX_PACE_WAIT_MS))) throw new PaceSaturated(channel);
    const shown = await state.digest(channel, id);
    const ts = await post(services, channel, digestMessage({ ...shown, zone }));
    await state.setDigestMessage(channel, id, ts);
    await state.markShown(channel, id, shown.unshown, ts);
    return true;
  } catch (error) {
    await state.releaseDigestClaim(channel, id, claim);
    throw error;
  }
}

/** Brings the digest message up to date, within the workspace's shared chat.update budget. */
async function flushDigest(job: Job, data: z.infer<typeof DigestFlushJob>, services: Services): Promise<void> {
  const { channel, zone } = data;
  const state = new RelayState(services.redis, services.keyPrefix);
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
    const message = digestMessage({ ...shown, zone });
    try {
      await slackClient(services).chat.update({ channel, ts: digest.ts, text: message.text, blocks: message.blocks ?? [] });
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code === 'slack_webapi_rate_limited_error') await services.pacing.updates.pause((e.retryAfter ?? 1) * 1000);
      throw error;
    }
    await state.markShown(channel, id, shown.unshown, digest.ts);
  }
}

/** Moves the job to delayed for `ms` (no attempt counted) and ends this run of it. */
async function comeBackIn(job: Job, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, job.token);
  throw new DelayedError();
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
async function post(services: Services, channel: string, message: { text: string; blocks?: unknown[]; thread_ts?: string }): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await slackClient(services).chat.postMessage({ channel, unfurl_links: false, unfurl_media: false, ...message } as never);
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

// The relay's own client: it sees a 429 itself (to pause the channel for everyone) instead of the SDK sleeping
// through it, and leaves retries to BullMQ's backoff.
const clients = new WeakMap<Services, WebClient>();
function slackClient(services: Services): WebClient {
  let client = clients.get(services);
  if (!client) {
    client = new WebClient(services.config.slack.botToken, {
      slackApiUrl: services.config.slack.apiUrl,
      logger: boltLogger(services.log),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 10_000,
      fetch: proxiedFetch,
    });
    clients.set(services, client);
  }
  return client;
}
