// Finding a post in doubt. A post whose outcome is unknown (the process died, Redis died, or Slack answered after the
// client gave up) may or may not be in Slack. Every post the relay makes carries its delivery's ID in Slack message
// metadata; before posting such a delivery again, the channel's messages since the first try are searched for that
// ID. Reading them needs the optional scopes channels:history / groups:history (and channels:join for a public channel
// the bot posts to without being a member); without them the bot posts again, as it always did (at least once), and
// says so once at start-up.
import { createHash } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { boltLogger, type Logger } from '../log.js';
import { instrumentSlack } from '../metrics.js';
import { proxiedFetch } from '../outbound-proxy.js';
import type { Services } from '../services.js';

/** Calls of the single-try client give up after this long; Slack may still carry out a post it answers later. */
export const SINGLE_TRY_TIMEOUT_MS = 10_000;

/**
 * A client that makes each call once: the SDK's own retry of a call whose answer was lost would post (or share) a
 * second time behind the caller's back. It also sees a 429 itself (the relay pauses the channel for everyone) instead
 * of sleeping through it; retries are the caller's (BullMQ's backoff, after a search for a post in doubt).
 */
export function singleTryClient(services: Pick<Services, 'config' | 'log'>): WebClient {
  let client = singleTryClients.get(services);
  if (!client) {
    client = instrumentSlack(
      new WebClient(services.config.slack.botToken, {
        slackApiUrl: services.config.slack.apiUrl,
        logger: boltLogger(services.log),
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
        timeout: SINGLE_TRY_TIMEOUT_MS,
        fetch: proxiedFetch,
      }),
    );
    singleTryClients.set(services, client);
  }
  return client;
}
const singleTryClients = new WeakMap<object, WebClient>();

/** The metadata event type of every ZoomOps delivery (alerts, digests). */
export const DELIVERY_EVENT_TYPE = 'zoomops_delivery';
export const RECOVERY_SCOPES = ['channels:history', 'groups:history', 'channels:join'] as const;
/** Messages this long before the first try are searched too: Slack's ts and our clock need not agree to the ms. */
const CLOCK_SKEW_MS = 60_000;
/** A post in doubt is searched for in at most this many pages of 200 messages since its first try. */
const MAX_PAGES = 5;

export interface DeliveryMetadata {
  event_type: string;
  event_payload: { id: string };
}

/**
 * The metadata that names a delivery. Its ID is a hash: metadata can be read by other apps in the workspace, and a
 * delivery's key may carry Zoom IDs no one there needs to see.
 */
export function deliveryMetadata(deliveryKey: string): DeliveryMetadata {
  return { event_type: DELIVERY_EVENT_TYPE, event_payload: { id: deliveryId(deliveryKey) } };
}

export function deliveryId(deliveryKey: string): string {
  return createHash('sha256').update(deliveryKey).digest('hex').slice(0, 32);
}

/** What the bot's token may do about a post in doubt (from the scopes Slack lists on auth.test). */
export interface RecoveryScopes {
  history: boolean;
  join: boolean;
}

/**
 * Reads the token's scopes once per client. A token that lacks the history scopes gets one warning: after a crash,
 * a post in doubt is made again (it may show twice), as before these scopes existed.
 */
export function recoveryScopes(slack: WebClient, log: Logger): Promise<RecoveryScopes> {
  let known = scopesOf.get(slack);
  if (!known) {
    known = slack.auth.test().then(
      (answer) => {
        const granted = new Set(answer.response_metadata?.scopes ?? []);
        const missing = RECOVERY_SCOPES.filter((s) => !granted.has(s));
        if (missing.length > 0) {
          log.warn(
            { missing },
            `The Slack token lacks ${missing.join(', ')}: a post whose outcome a crash left unknown cannot be looked for and is made again (it may show twice). Add these scopes (manifest.yml) for exactly-once alerts.`,
          );
        }
        return { history: granted.has('channels:history') || granted.has('groups:history'), join: granted.has('channels:join') };
      },
      (error: unknown) => {
        // Not cached: the next post in doubt asks again.
        scopesOf.delete(slack);
        throw error;
      },
    );
    scopesOf.set(slack, known);
  }
  return known;
}
const scopesOf = new WeakMap<WebClient, Promise<RecoveryScopes>>();

export interface DoubtfulPost {
  channel: string;
  deliveryKey: string;
  /** When the first try began (epoch ms). */
  since: number;
  /** The thread the post went into, if it was a reply (replies are not in the channel's history). */
  threadTs?: string;
}

/**
 * The ts of the message that carries this delivery, `undefined` when the channel has none since the first try, or
 * `null` when the bot cannot look (no history scopes, or not in a channel it may not join): the caller posts again.
 */
export function findDelivery(slack: WebClient, log: Logger, post: DoubtfulPost): Promise<string | undefined | null> {
  const id = deliveryId(post.deliveryKey);
  return findMessage(slack, log, post, (m) => m.metadata?.event_type === DELIVERY_EVENT_TYPE && m.metadata.event_payload?.id === id);
}

/** The message that shared this uploaded file into the channel since `since`, as findDelivery answers. */
export function findSharedFile(slack: WebClient, log: Logger, where: { channel: string; fileId: string; since: number }): Promise<string | undefined | null> {
  return findMessage(slack, log, where, (m) => m.files?.some((f) => f.id === where.fileId) === true);
}

interface SeenMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  files?: Array<{ id?: string }>;
}

async function findMessage(
  slack: WebClient,
  log: Logger,
  where: { channel: string; since: number; threadTs?: string },
  match: (m: SeenMessage) => boolean,
): Promise<string | undefined | null> {
  const scopes = await recoveryScopes(slack, log);
  if (!scopes.history) return null;
  const oldest = ((where.since - CLOCK_SKEW_MS) / 1000).toFixed(6);
  let joined = false;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; ) {
    const args = { channel: where.channel, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
    let answer: { messages?: SeenMessage[]; response_metadata?: { next_cursor?: string } };
    try {
      answer = where.threadTs ? await slack.conversations.replies({ ...args, ts: where.threadTs }) : await slack.conversations.history(args);
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      // A public channel the bot posts to without being a member (chat:write.public): it joins, then reads.
      if (code === 'not_in_channel' && scopes.join && !joined) {
        await slack.conversations.join({ channel: where.channel });
        joined = true;
        continue;
      }
      if (code === 'not_in_channel' || code === 'missing_scope' || code === 'channel_not_found') return null;
      throw error;
    }
    const found = answer.messages?.find(match);
    if (found?.ts) return found.ts;
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
    page++;
  }
  log.warn({ channel: where.channel }, 'a post in doubt was not found in the recent messages searched; posting it again');
  return undefined;
}

/**
 * Whether a failed call may still have reached Slack: no answer (timeout, connection lost), or an HTTP error that is
 * not Slack's own (a proxy's 502/504). Slack's refusal (`ok: false`, with any status, or a 429) means nothing was posted.
 */
export function outcomeUnknown(error: unknown): boolean {
  const e = error as { code?: string; body?: unknown } | undefined;
  if (e?.code === 'slack_webapi_platform_error' || e?.code === 'slack_webapi_rate_limited_error') return false;
  if (e?.code === 'slack_webapi_http_error') return !slackRefusal(e.body);
  return true;
}

// web-api hands over the body parsed when it was JSON, else as text.
function slackRefusal(body: unknown): boolean {
  try {
    const parsed = typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
    return (parsed as { ok?: unknown } | null)?.ok === false;
  } catch {
    return false;
  }
}
