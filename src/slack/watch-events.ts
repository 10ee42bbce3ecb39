// Slack events that end watches (contract.md): a channel archived or deleted takes its watches with it, and
// an uninstalled app takes all of them, so the relay never posts into the void.
import type { App } from '@slack/bolt';
import type { Services } from '../services.js';
import { WatchStore } from './watches.js';

export function registerWatchEvents(app: App, services: Services): void {
  const store = new WatchStore(services.redis, services.keyPrefix);
  const dropChannel = (why: string) => async ({ event }: { event: { channel: string } }) => {
    const removed = await store.removeChannel(event.channel);
    if (removed > 0) services.log.info({ channel: event.channel, removed, why }, 'removed the watches of a channel that is gone');
  };
  app.event('channel_archive', dropChannel('archived'));
  app.event('group_archive', dropChannel('archived'));
  app.event('channel_deleted', dropChannel('deleted'));
  app.event('app_uninstalled', async () => {
    const removed = await store.removeAll();
    services.log.warn({ removed }, 'ZoomOps was uninstalled from Slack; every watch was removed');
  });
}
