// Builds the running bot from a Config: the Bolt app (HTTP or Socket Mode) with its routes, and the
// services it shares with every handler. Nothing here knows which role the process plays; main.ts decides.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { registerCommands } from './commands/register.js';
import type { Config } from './config.js';
import { InFlight } from './inflight.js';
import { BodyGate } from './ingress/body-gate.js';
import { isZoomWebhookRequest, zoomWebhookHandler, zoomWebhookRoute } from './ingress/webhooks.js';
import { startZoomSocket } from './ingress/websocket.js';
import { JobQueues } from './jobs/queues.js';
import { boltLogger, type Logger } from './log.js';
import { instrumentSlack } from './metrics.js';
import { boardRoutes } from './ops/board.js';
import { metricsRoute } from './ops/metrics-route.js';
import { ThrottledLog } from './log-throttle.js';
import type { RedisClient } from './redis.js';
import { redisHealthProblem } from './redis-health.js';
import { ReplicaWait } from './replication.js';
import { RuleStore } from './rules/store.js';
import { proxiedFetch, proxyConfigured, proxyDispatcher } from './outbound-proxy.js';
import type { Services } from './services.js';
import { AuditLog } from './slack/audit.js';
import { SlackDirectory } from './slack/directory.js';
import { SlackPacing } from './slack/pacing.js';
import { registerWatchEvents } from './slack/watch-events.js';
import { createZoomClient } from './zoom/connect.js';

/** How long an accepted event waits for a replica's copy; past it the webhook gets 503 and Zoom sends it again. */
const REPLICA_WAIT_MS = 1_000;

/** Shutdown must end within 30 s (docs/configuration.md, shutdown); what runs longer is cut off. */
const DRAIN_MS = 20_000;

export interface BotOptions {
  config: Config;
  redis: RedisClient;
  log: Logger;
  /** Tests pin the clock and the key namespace (ZOOMOPS_KEY_PREFIX otherwise). */
  now?: () => DateTime;
  keyPrefix?: string;
  /** Shared with the process's own Redis connection, so one cause is throttled once. */
  redisErrors?: ThrottledLog;
  /** Where the HTTP server listens (all interfaces when unset); the sandbox keeps the bot on 127.0.0.1. */
  host?: string;
}

export interface Bot {
  services: Services;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createServices(opts: BotOptions): Services {
  const { config, redis, log } = opts;
  const keyPrefix = opts.keyPrefix ?? config.keyPrefix;
  const redisErrors = opts.redisErrors ?? new ThrottledLog(log);
  const slack = instrumentSlack(new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: boltLogger(log),
    // Handlers answer the user themselves; a 429 is retried by the SDK within a few seconds at most.
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 3_000 },
    // A trigger_id lives 3 s: a hanging users.info must not outlive it unnoticed.
    timeout: 5_000,
    fetch: proxiedFetch,
  }));
  return {
    config,
    keyPrefix,
    redis,
    log,
    redisErrors,
    slack,
    zoom: createZoomClient(config.zoom, redis, log, keyPrefix),
    directory: new SlackDirectory(slack),
    audit: new AuditLog(slack, config.auditChannel, log),
    now: opts.now ?? (() => DateTime.now()),
    inflight: new InFlight(),
    jobs: new JobQueues(
      redis,
      keyPrefix,
      (queue, error) => redisErrors.error(`queue ${queue}`, error, 'job queue error'),
      config.waitForReplica ? new ReplicaWait(redis, REPLICA_WAIT_MS) : undefined,
      config.eventShards,
    ),
    pacing: new SlackPacing(redis, keyPrefix),
    rules: new RuleStore(redis, keyPrefix),
  };
}

/** Socket Mode, its WebSocket and its apps.connections.open through the outbound proxy when one is set. */
function socketModeReceiver(config: Config, customRoutes: CustomRoute[], log: Logger): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken: config.slack.appToken!,
    logger: boltLogger(log),
    customRoutes,
    // What bolt's App passes when it builds the receiver itself: the client options of apps.connections.open.
    installerOptions: { port: config.port, clientOptions: { slackApiUrl: config.slack.apiUrl, fetch: proxiedFetch } },
    ...(proxyConfigured() ? { dispatcher: proxyDispatcher() } : {}),
  });
}

/** The web role: Slack (HTTP or Socket Mode) plus the routes of docs/configuration.md on one port. */
export function createWebBot(opts: BotOptions, services: Services = createServices(opts)): Bot {
  const { config, log } = opts;
  // One bound on unauthenticated bodies for both signed routes (ingress/body-gate.ts).
  const gate = new BodyGate();
  const customRoutes: CustomRoute[] = [
    healthRoute(opts.redis, services.keyPrefix, config.eventShards),
    gatedRoute(zoomWebhookRoute(services), gate),
    metricsRoute(services),
    ...boardRoutes(services),
  ];
  const app = new App({
    token: config.slack.botToken,
    logger: boltLogger(log),
    clientOptions: { slackApiUrl: config.slack.apiUrl, fetch: proxiedFetch },
    ...(config.slack.socketMode
      ? { socketMode: true, receiver: socketModeReceiver(config, customRoutes, log) }
      : { receiver: httpReceiver(config, customRoutes, services, gate) }),
  });
  // Handlers share the services' client, so the fake Slack of the tests and the real one are reached alike.
  registerCommands(app, services);
  registerWatchEvents(app, services);
  let zoomSocket: { stop(): Promise<void> } | undefined;
  app.error(async (error) => {
    log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return {
    services,
    start: async () => {
      await app.start(opts.host && !config.slack.socketMode ? { port: config.port, host: opts.host } : config.port);
      log.info({ port: config.port, mode: config.slack.socketMode ? 'socket' : 'http' }, 'ZoomOps is listening');
      zoomSocket = startZoomSocket(services);
    },
    // Stop taking requests, then let the ones already acknowledged finish their Zoom calls and answers.
    stop: async () => {
      await zoomSocket?.stop();
      await app.stop();
      if (!(await services.inflight.drain(DRAIN_MS))) {
        log.warn({ running: services.inflight.size }, 'requests still running at shutdown were cut off');
      }
    },
  };
}

/**
 * Bolt's HTTP receiver (Slack requests, our custom routes), except that `POST /zoom/webhooks` is handed to its
 * handler before Bolt's routing: the webhook is the hot path, and Bolt's routing of custom routes cost more than
 * the HMAC. The receiver still owns the server (start, stop, errors).
 */
function httpReceiver(config: Config, customRoutes: CustomRoute[], services: Services, gate: BodyGate): HTTPReceiver {
  // parseConfig requires the secret unless Socket Mode is on; never verify Slack's requests with an empty one.
  const signingSecret = config.slack.signingSecret;
  if (!signingSecret) throw new Error('SLACK_SIGNING_SECRET is missing: set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode');
  const receiver = new HTTPReceiver({ signingSecret, port: config.port, customRoutes, logger: boltLogger(services.log) });
  const bolt = receiver.requestListener;
  const webhook = zoomWebhookHandler(services);
  receiver.requestListener = (req, res) => {
    if (!gate.admit(req, res)) return;
    if (isZoomWebhookRequest(req)) webhook(req, res);
    else bolt(req, res);
  };
  return receiver;
}

/** A custom route behind the body gate: in Socket Mode the Zoom webhook is served by Bolt's own HTTP server. */
function gatedRoute(route: CustomRoute, gate: BodyGate): CustomRoute {
  return { ...route, handler: (req, res) => (gate.admit(req, res) ? route.handler(req, res) : undefined) };
}

/** The worker role serves only GET /healthz and GET /metrics, so each process on a host needs its own PORT. */
export function createHealthServer(
  redis: RedisClient,
  keyPrefix: string,
  port: number,
  extraRoutes: CustomRoute[] = [],
  eventShards = 1,
): { start(): Promise<void>; stop(): Promise<void> } {
  const routes = [healthRoute(redis, keyPrefix, eventShards), ...extraRoutes];
  let server: Server | undefined;
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server = createServer((req, res) => {
          const route = routes.find((r) => req.method === 'GET' && req.url?.split('?')[0] === r.path);
          if (route) route.handler(req, res);
          else sendJson(res, 404, { error: 'not found' });
        });
        server.once('error', reject);
        server.listen(port, () => resolve());
      }),
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

function healthRoute(redis: RedisClient, keyPrefix: string, eventShards: number): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      redisHealthProblem(redis, keyPrefix, eventShards)
        .then((problem) =>
          problem === undefined
            ? sendJson(res, 200, { status: 'ok' })
            : sendJson(res, 503, { status: 'unavailable', reason: problem }),
        )
        .catch((error: unknown) => sendJson(res, 503, { status: 'unavailable', reason: String(error) }));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
