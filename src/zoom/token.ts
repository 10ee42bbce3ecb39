// The Server-to-Server OAuth access token: one per account, shared by every process through Redis.
// Minting may invalidate the previous token (Zoom forum 2022–23), so only the holder of a Redis lock mints.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { execChecked, type RedisClient } from '../redis.js';
import { z } from 'zod';
import { silentLogger, type Logger } from '../log.js';
import { proxiedFetch } from '../outbound-proxy.js';
import {
  ZoomApiError,
  ZoomResponseError,
  ZoomUnavailableError,
  describeIssue,
  parseZoomErrorBody,
} from './errors.js';
import { RedisScript } from '../redis-script.js';
import { countZoomTokenMint } from '../metrics.js';
import { redisKey } from '../redis-keys.js';

const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});

// Longer than one token request may take (timeoutMs), so a slow minter does not lose the lock to a second one.
const LOCK_TTL_MS = 10_000;
// Drop the shared token this long before Zoom expires it, so no call starts with a token about to die (Rivet: 60 s).
const EXPIRY_MARGIN_S = 60;
const CREDENTIALS_HINT = 'check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET';

// Deletes the key only while it still holds the caller's value: another process's token or lock survives.
const compareAndDelete = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

export interface ZoomTokenProviderOptions {
  redis: RedisClient;
  prefix: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  fetch?: typeof fetch;
  /** Per token request; keep it below the 10 s lock. Default 8000. */
  timeoutMs?: number;
  /** How long a caller waits for another process to mint before giving up. Default 20000. */
  waitTimeoutMs?: number;
  /** How often a waiting caller looks for the token another process is minting. Default 50. */
  pollIntervalMs?: number;
  now?: () => number;
  logger?: Logger;
}

interface HeldToken {
  token: string;
  expiresAt: number;
}

/** The Redis keys of an account's shared token and of the scopes Zoom granted with it. */
export function tokenKeys(prefix: string, accountId: string): { token: string; scope: string } {
  const token = redisKey(prefix, 'zoom-token', accountId);
  return { token, scope: `${token}:scope` };
}

export class ZoomTokenProvider {
  private readonly redis: RedisClient;
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly scopeKey: string;
  private readonly accountId: string;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly oauthUrl: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly waitTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private held?: HeldToken;
  private inFlight?: Promise<string>;

  constructor(options: ZoomTokenProviderOptions) {
    this.redis = options.redis;
    const keys = tokenKeys(options.prefix, options.accountId);
    this.tokenKey = keys.token;
    this.lockKey = `${this.tokenKey}:lock`;
    this.scopeKey = keys.scope;
    this.accountId = options.accountId;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.oauthUrl = options.oauthUrl;
    this.fetch = options.fetch ?? proxiedFetch;
    this.timeoutMs = options.timeoutMs ?? 8_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 20_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.now = options.now ?? Date.now;
    this.logger = (options.logger ?? silentLogger).child({ component: 'zoom-token' });
  }

  /** A valid access token: from memory, else from Redis, else minted once for all processes. */
  async getToken(): Promise<string> {
    if (this.held && this.held.expiresAt > this.now()) return this.held.token;
    // Concurrent callers in this process share one trip to Redis and, if needed, one mint.
    this.inFlight ??= this.obtain().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** The scopes Zoom granted with the shared token, or undefined when no token minted since carries them. */
  async grantedScopes(): Promise<string[] | undefined> {
    const scope = await this.redis.get(this.scopeKey);
    return scope === null ? undefined : scope.split(/\s+/).filter(Boolean);
  }

  /**
   * Forgets a token Zoom rejected (401, code 124). Redis loses it only if it is still the stored one, so a fresh
   * token another process has minted meanwhile is kept. Resolves true when the shared token was dropped.
   */
  async invalidate(failedToken: string): Promise<boolean> {
    if (this.held?.token === failedToken) this.held = undefined;
    const deleted = await compareAndDelete.run(this.redis, [this.tokenKey], [failedToken]);
    return deleted === 1;
  }

  private async obtain(): Promise<string> {
    const deadline = this.now() + this.waitTimeoutMs;
    for (;;) {
      const shared = await this.readShared();
      if (shared) return shared;
      const lockValue = randomUUID();
      if ((await this.redis.set(this.lockKey, lockValue, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') {
        try {
          // Another process may have stored a token between our read and our lock.
          return (await this.readShared()) ?? (await this.mint());
        } finally {
          await compareAndDelete.run(this.redis, [this.lockKey], [lockValue]).catch((error: unknown) => {
            this.logger.warn({ err: error }, 'could not release the Zoom token lock; it expires by itself');
          });
        }
      }
      const minted = await this.awaitOtherMinter(deadline);
      if (minted) return minted;
    }
  }

  /** Polls until the lock holder stores a token (its value) or lets the lock go (undefined: try to lock again). */
  private async awaitOtherMinter(deadline: number): Promise<string | undefined> {
    for (;;) {
      if (this.now() >= deadline) {
        throw new ZoomUnavailableError({
          method: 'POST',
          path: this.oauthPath(),
          reason: `no access token after waiting ${this.waitTimeoutMs} ms for another process to fetch one`,
        });
      }
      await delay(this.pollIntervalMs);
      const shared = await this.readShared();
      if (shared) return shared;
      if ((await this.redis.exists(this.lockKey)) === 0) return undefined;
    }
  }

  private async readShared(): Promise<string | undefined> {
    const [token, ttl] = await execChecked(this.redis.multi().get(this.tokenKey).pttl(this.tokenKey));
    const ttlMs = Number(ttl);
    if (typeof token !== 'string' || !(ttlMs > 0)) return undefined;
    this.held = { token, expiresAt: this.now() + ttlMs };
    return token;
  }

  private async mint(): Promise<string> {
    const { status, text } = await this.requestToken();
    if (status < 200 || status > 299) throw this.refusal(status, text);
    const parsed = TokenResponse.safeParse(safeJson(text));
    if (!parsed.success) {
      const issue = describeIssue(parsed.error.issues[0]);
      throw new ZoomResponseError({ method: 'POST', path: this.oauthPath(), status, issue });
    }
    const { access_token: token, expires_in: expiresIn, scope } = parsed.data;
    const ttlMs = Math.round(Math.max(expiresIn - EXPIRY_MARGIN_S, 1) * 1000);
    // The granted scopes ride along (for /zoom doctor): Zoom lists them only in the token answer.
    await execChecked(this.redis.multi().set(this.tokenKey, token, 'PX', ttlMs).set(this.scopeKey, scope ?? '', 'PX', ttlMs));
    this.held = { token, expiresAt: this.now() + ttlMs };
    this.logger.info({ accountId: this.accountId, expiresIn, scope }, 'minted a Zoom access token');
    countZoomTokenMint();
    return token;
  }

  private async requestToken(): Promise<{ status: number; text: string }> {
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    try {
      const response = await this.fetch(this.oauthUrl, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'account_credentials', account_id: this.accountId }).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new ZoomUnavailableError({
        method: 'POST',
        path: this.oauthPath(),
        reason: timedOut ? `token request timed out after ${this.timeoutMs} ms` : 'token endpoint unreachable',
        cause: error,
      });
    }
  }

  private refusal(status: number, text: string): Error {
    if (status >= 500) {
      return new ZoomUnavailableError({ method: 'POST', path: this.oauthPath(), reason: `HTTP ${status}`, status });
    }
    const body = parseZoomErrorBody(text);
    // Zoom does not echo credentials today; the scrub keeps it that way if it ever starts.
    const zoomMessage = redact(body.message ?? `HTTP ${status}`, this.clientSecret);
    const code = body.code === undefined ? '' : `, code ${body.code}`;
    return new ZoomApiError(
      { status, zoomCode: body.code, zoomMessage, method: 'POST', path: this.oauthPath() },
      `Zoom refused the access token request (HTTP ${status}${code}): ${zoomMessage}; ${CREDENTIALS_HINT}`,
    );
  }

  private oauthPath(): string {
    try {
      return new URL(this.oauthUrl).pathname;
    } catch {
      return '/oauth/token';
    }
  }
}

function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[redacted]');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
