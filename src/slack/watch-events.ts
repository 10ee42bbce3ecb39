// Slack events that end watches (docs/platform-facts.md, scopes and events): a channel archived or deleted takes its watches with it, and
// an uninstalled app takes all of them, so the relay never posts into the void.
import type { App } from '@slack/bolt';
import type { Services } from '../services.js';
import { removeGoneChannel } from './gone-channels.js';
import { WatchStore } from './watches.js';

export function registerWatchEvents(app: App, services: Services): void {
  const store = new WatchStore(services.redis, services.keyPrefix);
  // The reason named as removeGoneChannel takes it (Slack's error code for an archived channel), so one wording serves both.
  const dropChannel = (reason: string) => async ({ event }: { event: { channel: string } }) => removeGoneChannel(services, event.channel, reason);
  app.event('channel_archive', dropChannel('is_archived'));
  app.event('group_archive', dropChannel('is_archived'));
  app.event('channel_deleted', dropChannel('channel_deleted'));
  app.event('app_uninstalled', async () => {
    const removed = await store.removeAll();
    services.log.warn({ removed }, 'ZoomOps was uninstalled from Slack; every watch was removed');
  });
}
