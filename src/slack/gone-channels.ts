// A channel ZoomOps can no longer post in (archived, deleted, the bot removed): how a failed post says so, and
// the removal of its watches with an audit line. Apart from the watch store so that the store (slack/watches.ts)
// does not import views/, whose watch card reads the store's Watch type.
import { CodedError } from '../errors.js';
import type { Services } from '../services.js';
import { goneChannelAudit } from '../views/watch.js';
import { WatchStore } from './watches.js';

// Slack's answers for a channel the bot can no longer post in: its watches are removed instead of retried forever.
const GONE = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** A post into a watching channel failed because the channel is gone; the message is Slack's error code. */
export class ChannelGone extends CodedError<'slack_channel_gone'> {
  constructor(reason: string) {
    super('slack_channel_gone', reason, { expected: true });
  }
}

/** Slack's error code when a failed call says the channel is gone (as a ChannelGone or Slack's own error), else undefined. */
export function channelGoneReason(error: unknown): string | undefined {
  if (error instanceof ChannelGone) return error.message;
  const e = error as { code?: string; data?: { error?: string } } | undefined;
  return e?.code === 'slack_webapi_platform_error' && e.data?.error && GONE.has(e.data.error) ? e.data.error : undefined;
}

/**
 * A channel that is gone (Slack refused a post, or said it was archived or deleted): every watch of it goes. Nobody
 * asked for that, so the audit channel hears it from ZoomOps, with the topics an admin may want to watch elsewhere.
 */
export async function removeGoneChannel(services: Pick<Services, 'redis' | 'keyPrefix' | 'log' | 'audit'>, channel: string, reason: string): Promise<void> {
  const store = new WatchStore(services.redis, services.keyPrefix);
  // Read first only to name the topics; the count is the removal's own, so a second remover (another relay job
  // that met the same channel) writes no second line.
  const topics = (await store.ofChannel(channel)).map((w) => w.topic);
  const removed = await store.removeChannel(channel);
  if (removed === 0) return;
  services.log.warn({ channel, reason, removed }, 'a watching channel is gone; its watches were removed');
  await services.audit.record({ userId: null, action: goneChannelAudit(channel, topics, reason), outcome: 'ok' });
}
