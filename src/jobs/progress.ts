// The one Slack message that shows a job's progress, in the admin's DM (or a watching channel's thread), updated in
// place: at most every few seconds and only while the workspace's shared chat.update budget allows; the final summary
// always lands. Its first post, and the summary posted anew when the message is gone, are made exactly once
// (slack/post-once.ts): a lost answer or a crash mid-post is looked for in the DM or thread before posting again.
import { redisKey } from '../redis-keys.js';
import type { Services } from '../services.js';
import { PostSlot, messageRefCodec, postOnceSettled, singleTryClient, type MessageRef } from '../slack/post-once.js';
import type { SlackMessage } from '../views/blocks.js';

export type { MessageRef };

/** A job's messages are remembered as long as the job is (KEEP_FINISHED keeps a failed one 30 days). */
const PROGRESS_KEEP_MS = 30 * 24 * 3600_000;

type ProgressServices = Pick<Services, 'slack' | 'pacing' | 'log' | 'redis' | 'keyPrefix' | 'config'>;

/**
 * Where a progress message opens: the DM of the admin who asked (their user ID), or, for work no one asked for in
 * person (a watch's automatic download), a thread in the watching channel.
 */
export type ProgressPlace = string | { channel: string; threadTs?: string };

/**
 * Opens the progress message of job `jobId` when it is enqueued, so the admin sees it at once. One per job ID: a job
 * enqueued again under the same ID (an event's automatic download, its relay job run again) gets the same message.
 */
export async function postProgressMessage(services: ProgressServices, jobId: string, place: ProgressPlace, message: SlackMessage): Promise<MessageRef> {
  const where = typeof place === 'string' ? { channel: place } : { channel: place.channel, ...(place.threadTs ? { threadTs: place.threadTs } : {}) };
  return postJobMessage(services, {
    slot: new PostSlot(services.redis, redisKey(services.keyPrefix, 'jobs', 'progress', jobId), 'message', PROGRESS_KEEP_MS),
    deliveryKey: `progress:${jobId}`,
    ...where,
    message,
  });
}

export class ProgressMessage {
  private lastUpdate = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly services: ProgressServices,
    private readonly ref: MessageRef,
    private readonly minIntervalMs = 2_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * An intermediate update is dropped when one went out recently or the budget is spent (the next one carries
   * newer figures anyway); a final one waits for a slot and, if the message is gone, is posted anew (once: a later
   * final word, e.g. after the job was retried, updates that one).
   */
  async update(message: SlackMessage, opts: { final?: boolean } = {}): Promise<void> {
    const { slack, pacing, log } = this.services;
    if (!opts.final) {
      if (this.clock() - this.lastUpdate < this.minIntervalMs) return;
      if ((await pacing.updates.tryTake()) > 0) return;
    } else {
      await pacing.updates.take();
    }
    this.lastUpdate = this.clock();
    const summary = this.summarySlot();
    const reposted = opts.final ? await summary.recorded() : null;
    const ref = reposted ? messageRefCodec.decode(reposted) : this.ref;
    try {
      await slack.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks ?? [] });
    } catch (error) {
      log.warn({ err: error, ref }, 'could not update a progress message');
      if (!opts.final || reposted) return;
      // The work is done either way: a summary Slack will not take must not fail (and so repeat) the job.
      await postJobMessage(this.services, { slot: summary, deliveryKey: `progress-summary:${this.ref.channel}:${this.ref.ts}`, channel: this.ref.channel, message }).catch(
        (again: unknown) => log.error({ err: again, ref: this.ref }, 'could not post a job summary'),
      );
    }
  }

  /** The summary posted anew in place of this message, when it was gone. */
  private summarySlot(): PostSlot {
    const { redis, keyPrefix } = this.services;
    return new PostSlot(redis, redisKey(keyPrefix, 'jobs', 'progress-summary', this.ref.channel, this.ref.ts), 'message', PROGRESS_KEEP_MS);
  }
}

/** One message of a job, posted once, through the single-try client (the SDK's own retry would post it twice). */
async function postJobMessage(
  services: ProgressServices,
  post: { slot: PostSlot; deliveryKey: string; channel: string; threadTs?: string; message: SlackMessage },
): Promise<MessageRef> {
  const slack = singleTryClient(services);
  const { slot, deliveryKey, channel, threadTs, message } = post;
  return postOnceSettled(slack, services.log, {
    slot,
    deliveryKey,
    channel,
    ...(threadTs ? { threadTs } : {}),
    send: async (metadata) => {
      const posted = await slack.chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        metadata,
      } as never);
      if (!posted.channel || !posted.ts) throw new Error('Slack did not say where the job’s message was posted');
      return { channel: posted.channel, ts: posted.ts };
    },
  });
}
