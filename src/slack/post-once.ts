// Finding a post in doubt. A post whose outcome is unknown (the process died, Redis died, or Slack answered after the
// client gave up) may or may not be in Slack. Every post the relay makes carries its delivery's ID in Slack message
// metadata; before posting such a delivery again, the channel's messages since the first try are searched for that
// ID. Reading them needs the optional scopes channels:history / groups:history (and channels:join for a public channel
// the bot posts to without being a member); without them the bot posts again, as it always did (at least once), and
// says so once at start-up.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import { CodedError } from '../errors.js';
import { boltLogger, type Logger } from '../log.js';
import { instrumentSlack } from '../metrics.js';
import { proxiedFetch } from '../outbound-proxy.js';
import type { RedisClient } from '../redis.js';
import { RedisScript } from '../redis-script.js';
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

/** The metadata event type of every ZoomOps delivery (alerts, digests, job progress, automatic download lines). */
export const DELIVERY_EVENT_TYPE = 'zoomops_delivery';
export const RECOVERY_SCOPES = ['channels:history', 'groups:history', 'im:history', 'channels:join'] as const;
/**
 * A try to post that is younger than this may still be under way (a stalled job's first run, an answer after the
 * timeout): another try comes back later instead of searching the channel for it too early, or posting beside it.
 */
export const POST_LEASE_MS = SINGLE_TRY_TIMEOUT_MS + 5_000;
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
  /** channels:history or groups:history: a channel's messages. */
  history: boolean;
  /** im:history: a DM's (a job's progress message). */
  im: boolean;
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
            `The Slack token lacks ${missing.join(', ')}: a post whose outcome a crash left unknown cannot be looked for and is made again (it may show twice). Add these scopes (manifest.yml) for exactly-once alerts and job messages.`,
          );
        }
        return {
          history: granted.has('channels:history') || granted.has('groups:history'),
          im: granted.has('im:history'),
          join: granted.has('channels:join'),
        };
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
  /** A channel's ID, or a user's for their DM with the bot. */
  channel: string;
  deliveryKey: string;
  /** When the first try began (epoch ms). */
  since: number;
  /** The thread the post went into, if it was a reply (replies are not in the channel's history). */
  threadTs?: string;
}

/**
 * The message that carries this delivery, `undefined` when the channel has none since the first try, or `null` when
 * the bot cannot look (no history scopes, or not in a channel it may not join): the caller posts again. A post to a
 * user went into their DM with the bot, whose ID conversations.open names (im:write, which the bot has).
 */
export async function findDelivery(slack: WebClient, log: Logger, post: DoubtfulPost): Promise<MessageRef | undefined | null> {
  const id = deliveryId(post.deliveryKey);
  // Without im:history the DM cannot be read: not even opened.
  if (isUserId(post.channel) && !(await recoveryScopes(slack, log)).im) return null;
  const channel = isUserId(post.channel) ? await directMessageChannel(slack, post.channel) : post.channel;
  const ts = await findMessage(slack, log, { ...post, channel }, (m) => m.metadata?.event_type === DELIVERY_EVENT_TYPE && m.metadata.event_payload?.id === id);
  return typeof ts === 'string' ? { channel, ts } : ts;
}

export interface MessageRef {
  channel: string;
  ts: string;
}

/** chat.postMessage takes a user's ID for their DM; reading it takes the DM's own ID. */
function isUserId(channel: string): boolean {
  return /^[UW][A-Z0-9]+$/.test(channel);
}

async function directMessageChannel(slack: WebClient, user: string): Promise<string> {
  const opened = await slack.conversations.open({ users: user });
  if (!opened.channel?.id) throw new Error('Slack did not name the DM it opened');
  return opened.channel.id;
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
  if (!(where.channel.startsWith('D') ? scopes.im : scopes.history)) return null;
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
 * not Slack's own (a proxy's 502/504). Slack's refusal (`ok: false`, with any status, or a 429) means nothing was
 * posted, and so do ZoomOps's own errors.
 */
export function outcomeUnknown(error: unknown): boolean {
  // ZoomOps's own (a saturated pace before posting, a channel Slack said is gone, a try under way): nothing posted.
  if (error instanceof CodedError) return false;
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

// Claims a post (field `try:<field>` of the hash KEYS[1]: when the try began, and whose) unless it is done (`<field>`
// holds its message). `done` with that value; `busy` with the ms left while another try may still be under way; else
// `claimed`, with the earlier try (`<ms>:<token>`) whose post may be in Slack already (in doubt), if any. The one read
// (HMGET) doubles as the feature's own "was it posted?", and the key's expiry is set only by the write that may have
// created it (a first try of this field): every writer of these records sets one, so a key that has a try has one.
const claimTry = new RedisScript(`
local field = 'try:' .. ARGV[1]
local found = redis.call('HMGET', KEYS[1], ARGV[1], field)
if found[1] then return {'done', found[1]} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local earlier = found[2]
if earlier then
  local at = tonumber(string.match(earlier, '^(%d+):'))
  if at and now - at < tonumber(ARGV[3]) then return {'busy', tostring(at + tonumber(ARGV[3]) - now)} end
end
redis.call('HSET', KEYS[1], field, now .. ':' .. ARGV[2])
if not earlier then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {'claimed', earlier or ''}
`);

// Lets go of a try that certainly posted nothing (Slack refused it, or it never sent), if it is still this one's: the
// earlier try it replaced (ARGV[3], in doubt) is put back, else the try is forgotten.
const releaseTry = new RedisScript(`
local field = 'try:' .. ARGV[1]
local current = redis.call('HGET', KEYS[1], field)
if not current or string.sub(current, -string.len(ARGV[2])) ~= ARGV[2] then return 0 end
if ARGV[3] ~= '' then return redis.call('HSET', KEYS[1], field, ARGV[3]) end
return redis.call('HDEL', KEYS[1], field)
`);

export type PostClaim<T = string> =
  | { kind: 'done'; value: T }
  | { kind: 'busy'; retryInMs: number }
  /**
   * This try may post; `inDoubtSince`: an earlier try began then and its outcome is unknown (`earlier`: that try as
   * recorded, put back if this one lets go without sending).
   */
  | { kind: 'claimed'; token: string; inDoubtSince?: number; earlier?: string };

/**
 * Where one post's tries and outcome are kept: a field of a Redis hash (the feature's own record, so that "done" is
 * what the feature already reads), its try beside it under `try:<field>`. Kept `ttlMs` after the field's first try.
 */
export class PostSlot {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly field: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Claims the post before it is made, so that a try whose outcome is lost (a crash, an answer after the timeout) is
   * known to be in doubt the next time. A try younger than `leaseMs` may still be under way: the caller comes back.
   */
  async claim(leaseMs: number): Promise<PostClaim> {
    const token = randomUUID();
    const [kind, value] = (await claimTry.run(this.redis, [this.key], [this.field, token, leaseMs, this.ttlMs])) as [string, string];
    if (kind === 'done') return { kind, value };
    if (kind === 'busy') return { kind, retryInMs: Number(value) };
    const since = Number(/^(\d+):/.exec(value)?.[1]);
    return { kind: 'claimed', token, ...(Number.isFinite(since) ? { inDoubtSince: since } : {}), ...(value ? { earlier: value } : {}) };
  }

  /** What a finished post recorded, if one did. */
  recorded(): Promise<string | null> {
    return this.redis.hget(this.key, this.field);
  }

  /**
   * The post is in Slack (Slack answered, or the post in doubt was found): the try is over. One HSET: its claim set the
   * key's expiry, and its try field may stay (a claim reads the message first).
   */
  async record(value: string): Promise<void> {
    await this.redis.hset(this.key, this.field, value);
  }

  /**
   * Nothing was posted (Slack refused the post, or the caller gave up before sending): the next try needs no search.
   * `restore`: the claim's `earlier`, when the caller let go before it could settle that try's doubt.
   */
  async release(token: string, restore = ''): Promise<void> {
    await releaseTry.run(this.redis, [this.key], [this.field, token, restore]);
  }
}

/** Another try of this post may still be under way: come back once it is over (not a failure). */
export class TryUnderWay extends CodedError<'relay_try_under_way'> {
  constructor(
    channel: string,
    readonly retryInMs: number,
  ) {
    super('relay_try_under_way', `a post into ${channel} may still be under way`, { expected: true });
  }
}

export interface OncePost {
  /** Where its tries and its message are recorded; the value recorded is `<channel> <ts>` unless `record` says. */
  slot: PostSlot;
  /** Names the post in Slack (its message metadata) and in a search for it. */
  deliveryKey: string;
  /** A channel's ID, or a user's for their DM. */
  channel: string;
  threadTs?: string;
  /** Makes the post (once per try, through a single-try client) with this metadata; where Slack put it. */
  send: (metadata: DeliveryMetadata) => Promise<MessageRef>;
  /** How a found or posted message is recorded and read back (default `<channel> <ts>`). */
  codec?: { encode: (ref: MessageRef) => string; decode: (value: string) => MessageRef };
}

/** How a message is recorded in its slot unless the feature says otherwise: `<channel> <ts>`. */
export const messageRefCodec = {
  encode: (ref: MessageRef) => `${ref.channel} ${ref.ts}`,
  decode: (value: string): MessageRef => {
    const [channel = '', ts = ''] = value.split(' ');
    return { channel, ts };
  },
};

/** For a record whose field is the channel (an event's alerts, its download's lines): the ts alone. */
export function tsOnly(channel: string): NonNullable<OncePost['codec']> {
  return { encode: (ref) => ref.ts, decode: (ts) => ({ channel, ts }) };
}

/**
 * Posts a message exactly once: the try is claimed in Redis first; when an earlier try's outcome is unknown (a crash,
 * an answer after the timeout), the channel is searched for the post's metadata before posting again; the message is
 * recorded as soon as it is known. Throws TryUnderWay while another try may still be under way; a failed send whose
 * outcome is unknown keeps its try in doubt (the next try searches) and is thrown.
 */
export async function postOnce(slack: WebClient, log: Logger, post: OncePost): Promise<MessageRef> {
  const codec = post.codec ?? messageRefCodec;
  const claim = await post.slot.claim(POST_LEASE_MS);
  if (claim.kind === 'done') return codec.decode(claim.value);
  if (claim.kind === 'busy') throw new TryUnderWay(post.channel, claim.retryInMs);
  return postClaimed(slack, log, post, claim);
}

/**
 * postOnce for a caller that claimed the slot itself (the relay claims before it waits for the channel's pace, so
 * one read says whether the event is posted already; its lease covers that wait).
 */
export async function postClaimed(slack: WebClient, log: Logger, post: OncePost, claim: Extract<PostClaim, { kind: 'claimed' }>): Promise<MessageRef> {
  const codec = post.codec ?? messageRefCodec;
  if (claim.inDoubtSince !== undefined) {
    const found = await findDelivery(slack, log, {
      channel: post.channel,
      deliveryKey: post.deliveryKey,
      since: claim.inDoubtSince,
      ...(post.threadTs ? { threadTs: post.threadTs } : {}),
    });
    if (found) {
      await post.slot.record(codec.encode(found));
      return found;
    }
  }
  let posted: MessageRef;
  try {
    posted = await post.send(deliveryMetadata(post.deliveryKey));
  } catch (error) {
    if (!outcomeUnknown(error)) await post.slot.release(claim.token);
    throw error;
  }
  await post.slot.record(codec.encode(posted));
  return posted;
}

/**
 * postOnce for a caller no job retries (a command opening a job's progress message, a job's last word): a try of its
 * own left in doubt is waited out here (its lease), then looked for before posting again. Another's try under way is
 * not waited for (TryUnderWay is thrown: a job comes back later). At most `sends` sends; the last failure is thrown.
 */
export async function postOnceSettled(slack: WebClient, log: Logger, post: OncePost, sends = 2): Promise<MessageRef> {
  for (let sent = 0; ; ) {
    try {
      return await postOnce(slack, log, post);
    } catch (error) {
      if (error instanceof TryUnderWay && sent > 0) {
        await delay(error.retryInMs);
        continue;
      }
      if (error instanceof TryUnderWay || ++sent >= sends || !outcomeUnknown(error)) throw error;
      log.warn({ err: error, channel: post.channel }, 'a post’s outcome is unknown; looking for it once its try is over');
    }
  }
}
