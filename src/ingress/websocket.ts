// The web role's Zoom WebSocket consumer, when ZOOM_WS_SUBSCRIPTION_ID is set: events feed the same queue as
// webhooks (deduplicated alike), with the S2S token every process shares.
import { watchZoomSocket } from '../metrics.js';
import type { Services } from '../services.js';
import { ZoomTokenProvider } from '../zoom/token.js';
import { ZoomEventSocket } from '../zoom/websocket.js';
import { acceptEvent } from './accept.js';
import { noteAcceptedEvent } from '../doctor/last-event.js';
import { SocketPresence } from '../doctor/ws-presence.js';

export function startZoomSocket(services: Services): { stop(): Promise<void> } | undefined {
  const { zoom } = services.config;
  if (!zoom.wsSubscriptionId) return undefined;
  const socket = new ZoomEventSocket({
    redis: services.redis,
    keyPrefix: services.keyPrefix,
    url: zoom.wsUrl,
    subscriptionId: zoom.wsSubscriptionId,
    // Same Redis key as the REST client's provider: one token for the account, minted behind one lock.
    tokens: new ZoomTokenProvider({
      redis: services.redis,
      prefix: services.keyPrefix,
      accountId: zoom.accountId,
      clientId: zoom.clientId,
      clientSecret: zoom.clientSecret,
      oauthUrl: zoom.oauthUrl,
      logger: services.log,
    }),
    onEvent: async (event) => {
      const accepted = await acceptEvent(services.jobs, event, 'websocket');
      noteAcceptedEvent(services.redis, services.keyPrefix, { at: services.now().toMillis(), type: event.event, source: 'websocket' });
      services.log.debug({ event: event.event, ...accepted }, 'Zoom WebSocket event');
    },
    // The doctor, in any process, reads whether this one holds a live connection.
    onConnectionChange: () => void presence.beat(),
    logger: services.log,
  });
  const presence = new SocketPresence(socket, {
    redis: services.redis,
    keyPrefix: services.keyPrefix,
    subscriptionId: zoom.wsSubscriptionId,
    role: services.config.role,
    now: () => services.now().toMillis(),
    onError: (error) => services.redisErrors.error('zoom-ws-presence', error, 'could not write the Zoom WebSocket heartbeat for the doctor'),
  });
  presence.start();
  socket.start();
  return watchZoomSocket({
    get connected() {
      return socket.connected;
    },
    stop: async () => {
      await socket.stop();
      await presence.stop();
    },
  });
}
