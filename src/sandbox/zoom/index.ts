// Entry point of the embedded Zoom sandbox: a node:http server on 127.0.0.1 that the real bot talks to through
// ZOOM_API_URL (`${url}/v2`) and ZOOM_OAUTH_URL (`${url}/oauth/token`), with a seeded in-memory account.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.js';
import { chatRoutes } from './api/chat.js';
import { panelistRoutes } from './api/panelists.js';
import { phoneRoutes } from './api/phone.js';
import { recordingRoutes } from './api/recordings.js';
import { meetingRegistrantRoutes, webinarRegistrantRoutes } from './api/registrants.js';
import { reportRoutes } from './api/reports.js';
import { meetingRoutes, webinarRoutes } from './api/meetings-webinars.js';
import { userRoutes } from './api/users.js';
import { TokenIssuer } from './auth.js';
import { consoleRoutes, stateSummary } from './console.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLabel } from './rate-limit.js';
import { Router, open, type Route, type SandboxContext } from './router.js';
import { seedAccount } from './seed.js';
import { simulate, type SimulateAction, type SimulateResult } from './simulate.js';
import { emptyState, zoomStyleId, type SandboxState } from './store.js';
import { WebhookSender } from './webhooks.js';
import { refuseForeign } from '../local-only.js';

export type { SimulateAction, SimulateResult } from './simulate.js';
export type { SandboxState } from './store.js';

export interface ZoomSandboxOptions {
  /** 0 / undefined: any free port. The sandbox listens on 127.0.0.1 only. */
  port?: number;
  /** Where to POST signed webhooks (the bot's /zoom/webhooks); may be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Signs webhooks: x-zm-signature = 'v0=' + hex HMAC-SHA256(secret, `v0:${ts}:${rawBody}`). */
  webhookSecret: string;
  /** Requests per second per label; default 100 each. */
  rateLimits?: Partial<Record<RateLabel, number>>;
  /** The account's clock: seed times and "now" in lists; defaults to the real clock. */
  now?: () => Date;
  /** Handler failures are logged here (never request bodies or tokens). */
  logger?: Logger;
}

export interface SandboxZoomFaults {
  withholdScopes(scopes: readonly string[]): void;
  readonly withheldScopes: string[];
  silenceWebhooks(on: boolean): void;
  readonly webhooksSilenced: boolean;
}

export interface ZoomSandbox {
  /** e.g. http://127.0.0.1:PORT; REST base is `${url}/v2`, OAuth is `${url}/oauth/token`. */
  url: string;
  /** `${url}/v2`, for ZOOM_API_URL. */
  apiUrl: string;
  /** `${url}/oauth/token`, for ZOOM_OAUTH_URL. */
  oauthUrl: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  setWebhookUrl(url: string): void;
  /** Sends `endpoint.url_validation` to the webhook URL, as Zoom does when an app's event subscription is saved. */
  validateWebhook(): void;
  /** Runs a simulation; rejects with SimulateError (message says why) when it cannot. */
  simulate(action: SimulateAction): Promise<SimulateResult>;
  /** The in-memory account, for tests. */
  state: SandboxState;
  /** The JSON `GET /sandbox/state` answers. */
  summary(): Record<string, unknown>;
  /** Faults for the doctor to find: scopes the token answer leaves out, webhooks not delivered. */
  faults: SandboxZoomFaults;
  /** Resolves when every webhook sent so far has been delivered or has failed. */
  webhooksSettled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startZoomSandbox(opts: ZoomSandboxOptions): Promise<ZoomSandbox> {
  const now = opts.now ?? (() => new Date());
  const accountId = zoomStyleId('sandbox-account');
  const clientId = 'sandboxClientId';
  // Random per start: nothing outside this process can mint tokens for the sandbox.
  const clientSecret = randomBytes(24).toString('base64url');
  const state = emptyState(accountId);
  seedAccount(state, now());

  const tokens = new TokenIssuer({ accountId, clientId, clientSecret });
  const webhooks = new WebhookSender(state, opts.webhookSecret, clientId, opts.webhookUrl);
  let baseUrl = '';
  const ctx: SandboxContext = {
    state,
    now,
    baseUrl: () => baseUrl,
    webhooks,
    tokens,
    fileSecret: randomBytes(32).toString('hex'),
  };
  const routes: Route[] = [
    open('POST', '/oauth/token', (c, { req, query, body }) => c.tokens.exchange(req, query, body)),
    ...userRoutes,
    ...meetingRoutes,
    ...webinarRoutes,
    ...meetingRegistrantRoutes,
    ...webinarRegistrantRoutes,
    ...panelistRoutes,
    ...recordingRoutes,
    ...phoneRoutes,
    ...chatRoutes,
    ...reportRoutes,
    ...consoleRoutes,
  ];
  const limiter = new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...opts.rateLimits });
  const router = new Router(routes, ctx, limiter, opts.logger);
  const server: Server = createServer((req, res) => {
    if (refuseForeign(req, res, (server.address() as AddressInfo).port)) return;
    void router.handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/v2`,
    oauthUrl: `${baseUrl}/oauth/token`,
    accountId,
    clientId,
    clientSecret,
    state,
    setWebhookUrl: (url) => webhooks.setUrl(url),
    validateWebhook: () => webhooks.validate(),
    simulate: async (action) => simulate(ctx, action),
    summary: () => stateSummary(ctx),
    faults: {
      withholdScopes: (scopes) => tokens.withhold(scopes),
      get withheldScopes() {
        return tokens.withheldScopes;
      },
      silenceWebhooks: (on) => {
        webhooks.silenced = on;
      },
      get webhooksSilenced() {
        return webhooks.silenced;
      },
    },
    webhooksSettled: () => webhooks.settled(),
    stop: async () => {
      await webhooks.settled();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
