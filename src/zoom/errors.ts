// What can go wrong when talking to Zoom, as small named errors that views/ can render and jobs/ can act on.
// Messages are for the log (views/errors.ts writes what an admin reads); none ever carries a token or a secret.
import { CodedError } from '../errors.js';

export interface ZoomApiErrorInit {
  status: number;
  /** Zoom's own numeric code from the error body (3001, 124 …). */
  zoomCode?: number;
  zoomMessage: string;
  trackingId?: string;
  method: string;
  path: string;
}

/** Zoom answered, and refused: carries Zoom's own code and message, and the tracking ID Zoom support asks for. */
export class ZoomApiError extends CodedError<'zoom_refused' | 'zoom_daily_limit'> {
  readonly status: number;
  readonly zoomCode?: number;
  readonly zoomMessage: string;
  readonly trackingId?: string;
  readonly method: string;
  readonly path: string;

  constructor(init: ZoomApiErrorInit, message = refusal(init), code: 'zoom_refused' | 'zoom_daily_limit' = 'zoom_refused') {
    super(code, message, { expected: true });
    this.status = init.status;
    this.zoomCode = init.zoomCode;
    this.zoomMessage = init.zoomMessage;
    this.trackingId = init.trackingId;
    this.method = init.method;
    this.path = init.path;
  }
}

export interface ZoomRateLimitErrorInit extends ZoomApiErrorInit {
  resetsAt: Date;
  /** True for the account's daily quota of a label; false for a per-user or per-registrant daily cap. */
  accountWide: boolean;
}

/** A daily quota is used up: retrying before `resetsAt` is pointless, so callers report or delay instead. */
export class ZoomRateLimitError extends ZoomApiError {
  declare readonly code: 'zoom_daily_limit';
  readonly resetsAt: Date;
  readonly accountWide: boolean;

  constructor(init: ZoomRateLimitErrorInit, message = dailyLimit(init)) {
    super(init, message, 'zoom_daily_limit');
    this.resetsAt = init.resetsAt;
    this.accountWide = init.accountWide;
  }
}

export interface ZoomUnavailableErrorInit {
  method: string;
  path: string;
  /** Why, in a few words: "timed out after 30000 ms", "HTTP 503". */
  reason: string;
  status?: number;
  trackingId?: string;
  /** A write that got no clear answer may have been applied; the admin must check before trying again. */
  inDoubt?: boolean;
  cause?: unknown;
}

/** Zoom could not be reached or kept failing (network, timeout, 5xx) after the retries we allow. */
export class ZoomUnavailableError extends CodedError<'zoom_unavailable'> {
  readonly status?: number;
  readonly trackingId?: string;
  readonly method: string;
  readonly path: string;
  readonly inDoubt: boolean;

  constructor(init: ZoomUnavailableErrorInit) {
    super('zoom_unavailable', unavailability(init), { cause: init.cause });
    this.status = init.status;
    this.trackingId = init.trackingId;
    this.method = init.method;
    this.path = init.path;
    this.inDoubt = init.inDoubt ?? false;
  }
}

export interface ZoomResponseErrorInit {
  method: string;
  path: string;
  status: number;
  trackingId?: string;
  /** The first problem found, e.g. `meetings[0].topic: Invalid input: expected string, received undefined`. */
  issue: string;
}

/** Zoom said yes but in a shape we cannot use; the first problem is named so the fix is obvious. */
export class ZoomResponseError extends CodedError<'zoom_bad_response'> {
  readonly status: number;
  readonly trackingId?: string;
  readonly method: string;
  readonly path: string;
  readonly issue: string;

  constructor(init: ZoomResponseErrorInit) {
    super('zoom_bad_response', `Zoom answered ${init.method} ${init.path} in an unexpected shape: ${init.issue}`);
    this.status = init.status;
    this.trackingId = init.trackingId;
    this.method = init.method;
    this.path = init.path;
    this.issue = init.issue;
  }
}

export interface ZoomErrorBody {
  code?: number;
  message?: string;
}

/**
 * Reads Zoom's error body, which may be empty, HTML from a proxy, `{code, message, errors[]}` from the REST API
 * or `{reason, error}` from the OAuth endpoint.
 */
export function parseZoomErrorBody(text: string): ZoomErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null) return {};
  const fields = body as Record<string, unknown>;
  const code = Number(fields.code);
  const message = stringField(fields.message) ?? oauthReason(fields);
  return {
    code: fields.code !== undefined && Number.isFinite(code) ? code : undefined,
    message: message === undefined ? undefined : message + validationDetails(fields.errors),
  };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function oauthReason(fields: Record<string, unknown>): string | undefined {
  const reason = stringField(fields.reason);
  const error = stringField(fields.error);
  if (reason && error) return `${reason} (${error})`;
  return reason ?? error;
}

// Zoom's code 300 ("Validation Failed.") lists the offending fields separately; the admin needs them.
function validationDetails(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  const details = errors
    .map((e: { field?: unknown; message?: unknown }) => [stringField(e?.field), stringField(e?.message)])
    .filter(([, message]) => message !== undefined)
    .map(([field, message]) => (field ? `${field}: ${message}` : message));
  return details.length > 0 ? ` (${details.join('; ')})` : '';
}

function refusal(init: ZoomApiErrorInit): string {
  const said = init.zoomMessage.replace(/\.$/, '') || `HTTP ${init.status}`;
  const code = init.zoomCode === undefined ? '' : ` (code ${init.zoomCode})`;
  return `Zoom refused ${init.method} ${init.path}: ${said}${code}`;
}

function dailyLimit(init: ZoomRateLimitErrorInit): string {
  const whose = init.accountWide ? "the account's daily rate limit" : 'a daily per-user rate limit';
  const said = init.zoomMessage ? `: ${init.zoomMessage}` : '';
  return `Zoom refused ${init.method} ${init.path} because ${whose} is used up; ` +
    `the quota resets at ${formatUtc(init.resetsAt)}${said}`;
}

function unavailability(init: ZoomUnavailableErrorInit): string {
  const doubt = init.inDoubt ? '; the change may or may not have been applied, so check in Zoom before retrying' : '';
  return `Zoom did not answer ${init.method} ${init.path} (${init.reason})${doubt}`;
}

/** A schema problem (a zod issue) as `meetings[0].topic: Invalid input: expected string, received number`. */
export function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid';
  const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  return `${path.replace(/^\./, '') || 'body'}: ${issue.message}`;
}

/** `2026-12-01 00:00 UTC`: the form admins read in messages. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Worth another attempt later (a job backs off and resumes): Zoom unreachable or answering 5xx, or per-second limits
 * that outlasted the client's retries. A daily quota, a missing session, user or scope will not pass by retrying.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ZoomApiError)) return true;
  return error.status >= 500 || (error.status === 429 && !(error instanceof ZoomRateLimitError));
}

/**
 * Zoom's code when the host (or the account) has no webinar licence, the "Webinar plan" add-on: HTTP 400, code 200,
 * "Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this user …".
 * Read in Zoom's OpenAPI spec (every /webinars endpoint, and GET/POST /users/{userId}/webinars); not yet seen from a
 * real account. The spec gives the same code 200 to "No permission.", so the code alone does not tell them apart:
 * use isWebinarLicenceMissing, which also reads the message.
 */
export const WEBINAR_LICENCE_REQUIRED_CODES: readonly number[] = [200];

/** True for Zoom's "Webinar plan is missing" refusal (see WEBINAR_LICENCE_REQUIRED_CODES), false for anything else. */
export function isWebinarLicenceMissing(error: unknown): boolean {
  return (
    error instanceof ZoomApiError &&
    error.zoomCode !== undefined &&
    WEBINAR_LICENCE_REQUIRED_CODES.includes(error.zoomCode) &&
    // The spec words it "Webinar plan is missing" and "Webinar plan subscription (is) missing".
    /webinar plan/i.test(error.zoomMessage)
  );
}
