// The one Slack message that shows a job's progress, in the admin's DM (or a watching channel's thread), updated in
// place: at most every few seconds and only while the workspace's shared chat.update budget allows; the final summary
// always lands.
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import type { SlackPacing } from '../slack/pacing.js';
import type { SlackMessage } from '../views/blocks.js';

export interface MessageRef {
  channel: string;
  ts: string;
}

/**
 * Where a progress message opens: the DM of the admin who asked (their user ID), or, for work no one asked for in
 * person (a watch's automatic download), a thread in the watching channel.
 */
export type ProgressPlace = string | { channel: string; threadTs?: string };

/** Opens the progress message when the job is enqueued, so the admin sees it at once. */
export async function postProgressMessage(slack: WebClient, place: ProgressPlace, message: SlackMessage): Promise<MessageRef> {
  const where = typeof place === 'string' ? { channel: place } : { channel: place.channel, ...(place.threadTs ? { thread_ts: place.threadTs } : {}) };
  const posted = await slack.chat.postMessage({ ...where, text: message.text, blocks: message.blocks, unfurl_links: false });
  if (!posted.channel || !posted.ts) throw new Error('Slack did not say where the progress message was posted');
  return { channel: posted.channel, ts: posted.ts };
}

export class ProgressMessage {
  private lastUpdate = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly slack: WebClient,
    private readonly pacing: SlackPacing,
    private readonly ref: MessageRef,
    private readonly log: Logger,
    private readonly minIntervalMs = 2_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * An intermediate update is dropped when one went out recently or the budget is spent (the next one carries
   * newer figures anyway); a final one waits for a slot and, if the message is gone, is posted anew.
   */
  async update(message: SlackMessage, opts: { final?: boolean } = {}): Promise<void> {
    if (!opts.final) {
      if (this.clock() - this.lastUpdate < this.minIntervalMs) return;
      if ((await this.pacing.updates.tryTake()) > 0) return;
    } else {
      await this.pacing.updates.take();
    }
    this.lastUpdate = this.clock();
    try {
      await this.slack.chat.update({ channel: this.ref.channel, ts: this.ref.ts, text: message.text, blocks: message.blocks ?? [] });
    } catch (error) {
      this.log.warn({ err: error, ref: this.ref }, 'could not update a progress message');
      if (!opts.final) return;
      // The work is done either way: a summary Slack will not take must not fail (and so repeat) the job.
      await this.slack.chat
        .postMessage({ channel: this.ref.channel, text: message.text, blocks: message.blocks, unfurl_links: false })
        .catch((again: unknown) => this.log.error({ err: again, ref: this.ref }, 'could not post a job summary'));
    }
  }
}
