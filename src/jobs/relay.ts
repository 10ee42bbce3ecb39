// The relay worker: each Zoom event on the `events` queue becomes one alert in every channel that watches it,
// paced at about one post a second per channel; a burst is folded into one digest message updated in place.
import { setTimeout as delay } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { boltLogger } from '../log.js';
import type { Services } from '../services.js';
import { WatchStore, type WatchingChannel } from '../slack/watches.js';
import { alertMessage, alertSummary, digestMessage } from '../views/alerts.js';
import { ZoomEvent, meetingInstanceOf } from '../zoom/events.js';
import type { RelayJobData } from '../ingress/accept.js';
import { RelayState } from './relay-state.js';
import type { JobProcessor } from './workers.js';

/** A post that would wait longer than this for the channel's pace is folded into the digest instead. */
const MAX_PACE_WAIT_MS = 3_000;
/** Digest updates gather this long, so a burst costs a few chat.update calls rather than one per event. */
const DIGEST_FLUSH_DELAY_MS = 2_000;
// Channels that are gone: their watches are removed instead of retrying forever.
const GONE = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

const EventJob = z.object({
  kind: z.literal('event'),
  key: z.string(),
  event: ZoomEvent,
  source: z.enum(['webhook', 'websocket']),
  receivedAt: z.number(),
});
const DigestFlushJob = z.object({ kind: z.literal('digest'), channel: z.string(), zone: z.string() });
type RelayData = RelayJobData | z.infer<typeof DigestFlushJob>;

export const relayProcessor: JobProcessor<RelayData> = {
  queue: 'events',
  data: z.discriminatedUnion('kind', [EventJob, DigestFlushJob]) as z.ZodType<RelayData>,
  // Posting is I/O bound and paced per channel in Redis; many channels are served at once.
  concurrency: () => 32,
  process: (job, data, ctx) => (data.kind === 'event' ? relayEvent(job, data, ctx.services) : flushDigest(data.channel, data.zone, ctx.services)),
};

class ChannelGone extends Error {}

async function relayEvent(job: Job, data: RelayJobData, services: Services): Promise<{ channels: number }> {
  const channels = await new WatchStore(services.redis, services.keyPrefix).channelsFor(data.event.event);
  const results = await Promise.allSettled(channels.map((c) => deliver(data, c, services)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ channel: channels[i]!.channel, error: r.reason as Error }] : []));
  for (const { channel, error } of failed) {
    if (error instanceof ChannelGone) {
      await new WatchStore(services.redis, services.keyPrefix).removeChannel(channel);
      services.log.warn({ channel, reason: error.message }, 'a watching channel is gone; its watches were removed');
    }
  }
  const retry = failed.filter((f) => !(f.error instanceof ChannelGone));
  if (retry.length > 0) {
    // Channels already served are recorded; the retry only reaches the ones that failed.
    throw new Error(`could not post ${data.event.event} to ${retry.map((f) => f.channel).join(', ')}: ${retry[0]!.error.message}`);
  }
  await job.updateProgress({ done: channels.length, total: channels.length, failed: 0, unit: 'events' });
  return { channels: channels.length };
}

async function deliver(data: RelayJobData, { channel, zone }: WatchingChannel, services: Services): Promise<void> {
  const state = new RelayState(services.redis, services.keyPrefix);
  if (await state.postedIn(data.key, channel)) return;
  const pace = services.pacing.channel(channel);
  const deadline = Date.now() + MAX_PACE_WAIT_MS;
  for (;;) {
    const wait = await pace.tryTake();
    if (wait === 0) break;
    if (Date.now() + wait > deadline || (await state.digestOpen(channel))) {
      await fold(data, channel, zone, services, state);
      return;
    }
    await delay(wait);
  }
  const instance = meetingInstanceOf(data.event);
  const threadTs = instance ? await state.thread(channel, instance) : null;
  const message = alertMessage(data.event, zone);
  const ts = await post(services, channel, { text: message.text, blocks: message.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
  await state.recordPost(data.key, channel, ts);
  if (instance && !threadTs) await state.claimThread(channel, instance, ts);
}

async function fold(data: RelayJobData, channel: string, zone: string, services: Services, state: RelayState): Promise<void> {
  await state.fold(channel, data.key, data.event.event, alertSummary(data.event, zone), Date.now());
  if (await state.claimDigestMessage(channel)) {
    // The digest message itself waits for the channel's pace like any post.
    await services.pacing.channel(channel).take();
    const ts = await post(services, channel, digestMessage({ ...(await state.digest(channel)), zone }));
    await state.setDigestMessage(channel, ts);
  }
  await services.jobs.queue('events').add(
    'Digest update',
    { kind: 'digest', channel, zone },
    { delay: DIGEST_FLUSH_DELAY_MS, deduplication: { id: `digest:${channel}`, ttl: DIGEST_FLUSH_DELAY_MS }, removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 3, backoff: { type: 'exponential', delay: 1_000 } },
  );
}

/** Brings the digest message up to date, within the workspace's shared chat.update budget. */
async function flushDigest(channel: string, zone: string, services: Services): Promise<void> {
  const state = new RelayState(services.redis, services.keyPrefix);
  for (let i = 0; i < 20; i++) {
    const digest = await state.digest(channel);
    if (Object.keys(digest.counts).length === 0) return;
    if (!digest.ts) {
      // The message is still being posted by another worker.
      await delay(250);
      continue;
    }
    await services.pacing.updates.take();
    const message = digestMessage({ ...digest, zone });
    await slackClient(services).chat.update({ channel, ts: digest.ts, text: message.text, blocks: message.blocks ?? [] });
    await state.touchDigest(channel);
    // Events folded while this update was on its way get one more round.
    const after = await state.digest(channel);
    if (sum(after.counts) === sum(digest.counts)) return;
  }
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

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
      const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
      if (e.code === 'slack_webapi_rate_limited_error' && attempt < 3) {
        await services.pacing.channel(channel).pause((e.retryAfter ?? 1) * 1000);
        await services.pacing.channel(channel).take();
        continue;
      }
      if (e.code === 'slack_webapi_platform_error' && e.data?.error && GONE.has(e.data.error)) throw new ChannelGone(e.data.error);
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
    });
    clients.set(services, client);
  }
  return client;
}
