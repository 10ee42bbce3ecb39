// Server-to-Server OAuth of the sandbox: `POST /oauth/token` (grant_type=account_credentials, Basic client auth)
// mints one-hour bearer tokens; REST calls and recording downloads are checked against them.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SCOPE_TABLE } from '../../doctor/zoom-scopes.js';
import { invalidToken, json, type Query, type Reply } from './http.js';

export const TOKEN_LIFETIME_S = 3600;
/** Webhook download tokens live 24 hours (Zoom's recording.completed `download_token`). */
export const DOWNLOAD_TOKEN_LIFETIME_S = 24 * 3600;

// Every granular scope of the README's scope table (the doctor's), so the token answer looks like that of an app
// configured as the README says, and the doctor finds no command blocked.
export const SANDBOX_SCOPES: readonly string[] = [...new Set(SCOPE_TABLE.flatMap((row) => row.needs.map((n) => n.granular)))];

export interface Credentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export class TokenIssuer {
  /** token → expiry (epoch ms). */
  private readonly tokens = new Map<string, number>();
  /** Scopes the console took away from the app (a fault to click through the doctor with). */
  private withheld = new Set<string>();

  constructor(
    private readonly credentials: Credentials,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Zoom's token endpoint: grant and account in the query string or a form body, client in Basic auth.
   * Refusals use OAuth's `{reason, error}` body, as Zoom's token endpoint does.
   */
  exchange(req: IncomingMessage, query: Query, body: string): Reply {
    const form = new URLSearchParams(body);
    const grant = query.grant_type ?? form.get('grant_type') ?? undefined;
    const accountId = query.account_id ?? form.get('account_id') ?? undefined;
    if (!this.clientMatches(req.headers.authorization)) {
      return json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' }, 401);
    }
    if (grant !== 'account_credentials') {
      return json({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' }, 400);
    }
    if (accountId !== this.credentials.accountId) {
      return json({ reason: 'Invalid account_id', error: 'invalid_request' }, 400);
    }
    const token = this.issue(TOKEN_LIFETIME_S);
    const scope = SANDBOX_SCOPES.filter((s) => !this.withheld.has(s)).join(' ');
    return json({ access_token: token, token_type: 'bearer', expires_in: TOKEN_LIFETIME_S, scope });
  }

  /** Tokens minted from now on list every scope but these (the API itself still answers: only the list changes). */
  withhold(scopes: readonly string[]): void {
    this.withheld = new Set(scopes);
  }

  get withheldScopes(): string[] {
    return [...this.withheld];
  }

  /** A fresh token valid for `seconds` (also the webhooks' download tokens). */
  issue(seconds: number): string {
    const token = `sbx.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, this.clock() + seconds * 1000);
    return token;
  }

  isValid(token: string | undefined): boolean {
    if (!token) return false;
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.clock()) return true;
    this.tokens.delete(token);
    return false;
  }

  /** The bearer token of a REST call, or Zoom's 401 code 124. */
  requireBearer(req: IncomingMessage): string {
    const token = bearerOf(req);
    if (!token || !this.isValid(token)) throw invalidToken();
    return token;
  }

  private clientMatches(header: string | undefined): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    return decoded === `${this.credentials.clientId}:${this.credentials.clientSecret}`;
  }
}

export function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}
