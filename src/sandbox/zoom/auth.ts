// Server-to-Server OAuth of the sandbox: `POST /oauth/token` (grant_type=account_credentials, Basic client auth)
// mints one-hour bearer tokens; REST calls and recording downloads are checked against them.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { invalidToken, json, type Query, type Reply } from './http.js';

export const TOKEN_LIFETIME_S = 3600;
/** Webhook download tokens live 24 hours (Zoom's recording.completed `download_token`). */
export const DOWNLOAD_TOKEN_LIFETIME_S = 24 * 3600;

// The granular admin scopes the bot asks for (docs/platform-facts.md, the OAuth token), so the token answer looks like a configured app's.
const SCOPES = [
  'user:read:list_users:admin',
  'user:read:user:admin',
  'meeting:read:list_meetings:admin',
  'meeting:read:meeting:admin',
  'meeting:write:meeting:admin',
  'meeting:update:meeting:admin',
  'meeting:update:status:admin',
  'meeting:delete:meeting:admin',
  'meeting:read:list_registrants:admin',
  'meeting:write:registrant:admin',
  'meeting:update:registrant_status:admin',
  'webinar:read:list_webinars:admin',
  'webinar:read:webinar:admin',
  'webinar:write:webinar:admin',
  'webinar:read:list_registrants:admin',
  'webinar:update:registrant_status:admin',
  'webinar:read:list_panelists:admin',
  'webinar:write:panelist:admin',
  'webinar:delete:panelist:admin',
  'cloud_recording:read:list_user_recordings:admin',
  'cloud_recording:read:list_recording_files:admin',
  'cloud_recording:delete:meeting_recording:admin',
  'phone:read:list_call_logs:admin',
  'team_chat:read:list_user_channels:admin',
  'team_chat:write:user_message:admin',
  'report:read:user_activities:admin',
].join(' ');

export interface Credentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export class TokenIssuer {
  /** token → expiry (epoch ms). */
  private readonly tokens = new Map<string, number>();

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
    return json({ access_token: token, token_type: 'bearer', expires_in: TOKEN_LIFETIME_S, scope: SCOPES });
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
