// The one place where an error becomes the sentence an admin reads: what went wrong and what to do.
// Never a stack trace, never a secret; unexpected errors get a reference the operator finds in the log.
// The sentence is chosen by the error's `code` (src/errors.ts); the classes are only imported as types, so this
// view pulls in no runtime code of commands/, slack/, zoom/ or Redis.
import { DateTime } from 'luxon';
import type { UsageError } from '../commands/errors.js';
import { hasCode } from '../errors.js';
import { isRedisUnavailable } from '../redis-errors.js';
import type { NotAllowedError, Refused } from '../slack/authorize.js';
import { isWebinarLicenceMissing, type ZoomApiError, type ZoomRateLimitError, type ZoomResponseError, type ZoomUnavailableError } from '../zoom/errors.js';
import { escapeMrkdwn, formatDateTime } from './format.js';

/** Admins named in a refusal; more would make the sentence a roll call. */
const NAMED_ADMINS_MAX = 5;

const OUTSIDER_REFUSAL =
  'ZoomOps takes requests only from people of the Slack workspace it is installed in, and you belong to another ' +
  'organisation (this is a shared channel). Ask someone of that workspace to do this.';

/** What they may not do, what they may, and whom to ask: by mention when ZOOMOPS_ADMINS lists people or groups. */
function refusalText(what: string, { role, admins, command = '/zoom' }: Refused): string {
  const may = role === 'viewer'
    ? `: as a ZoomOps viewer you may list and look up (e.g. \`${command} meeting list\`), not change anything`
    : '';
  const names = admins ? [...admins.users.map((u) => `<@${u}>`), ...admins.groups.map((g) => `<!subteam^${g}>`)] : [];
  const shown = names.length > NAMED_ADMINS_MAX ? [...names.slice(0, NAMED_ADMINS_MAX), 'the others listed'] : names;
  const ask = role === 'viewer' ? 'to do it for you' : 'for access';
  const whom = !admins
    ? `Ask one of this workspace's Slack admins and owners ${ask}: they are ZoomOps's admins here.`
    : shown.length > 0
      ? `Ask a ZoomOps admin (${listed(shown)}) ${ask}.`
      : `Ask whoever runs ZoomOps ${ask}.`;
  return `You are not allowed to ${what}${may}. ${whom}`;
}

/** `a`, `a or b`, `a, b or c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Zoom codes whose own message does not say what to do next. */
const ZOOM_HINTS: Record<number, (command: string, error: ZoomApiError) => string> = {
  124: () => 'The Zoom token was refused; check the Server-to-Server OAuth app is activated.',
  200: () => 'The Zoom app lacks a permission; check its scopes (README, "Zoom app").',
  300: () => 'Check the values you gave.',
  1001: (command) => `Check the email, or list users with \`${command} users list\`.`,
  // A webinar's ID is listed by `webinar list`: pointing there from a webinar's refusal is a hint that works.
  3001: (command, error) => `Check the ID with \`${command} ${error.path.startsWith('/webinars') ? 'webinar' : 'meeting'} list\`.`,
  3018: () => 'A Personal Meeting ID cannot be deleted.',
  4711: () => 'The Zoom app lacks a scope for this; add it in the Zoom Marketplace (README lists them).',
};

export function renderError(error: unknown, opts: { zone?: string; reference?: string; command?: string } = {}): string {
  const zone = opts.zone ?? 'UTC';
  if (hasCode<UsageError>(error, 'zoomops_usage')) {
    return [error.message, error.usage ? `Usage: \`${error.usage}\`` : ''].filter(Boolean).join('\n');
  }
  if (hasCode<NotAllowedError>(error, 'zoomops_outsider')) return OUTSIDER_REFUSAL;
  if (hasCode<NotAllowedError>(error, 'zoomops_not_allowed')) return refusalText(error.what, error.refused);
  if (hasCode<ZoomRateLimitError>(error, 'zoom_daily_limit')) {
    const resets = formatDateTime(DateTime.fromJSDate(error.resetsAt), zone);
    return `Zoom's daily limit for this kind of request is used up (${escapeMrkdwn(error.zoomMessage)}). It resets ${resets}; nothing was changed.`;
  }
  if (isWebinarLicenceMissing(error)) {
    return 'The host has no Zoom Webinars licence, so Zoom refused. Assign the Webinars add-on to the host in Zoom (Admin → User Management), or pick a licensed host.';
  }
  if (hasCode<ZoomApiError>(error, 'zoom_refused', 'zoom_daily_limit')) {
    if (error.status === 429) {
      return 'Zoom is rate-limiting this account right now and kept refusing after several tries; nothing was changed. Try again in a minute.';
    }
    const code = error.zoomCode !== undefined ? ` (code ${error.zoomCode})` : '';
    const hint = error.zoomCode !== undefined ? ZOOM_HINTS[error.zoomCode]?.(opts.command ?? '/zoom', error) : undefined;
    const tracking = error.trackingId ? ` Zoom tracking ID: ${error.trackingId}.` : '';
    const said = escapeMrkdwn(error.zoomMessage.replace(/\.+\s*$/, ''));
    return `Zoom refused: ${said}${code}.${hint ? ` ${hint}` : ''}${tracking}`;
  }
  if (hasCode<ZoomUnavailableError>(error, 'zoom_unavailable')) {
    return error.inDoubt
      ? 'Zoom did not answer in time, so the change may or may not have been made. Check in Zoom before trying again.'
      : 'Zoom is not answering right now, so nothing was changed. Try again in a minute.';
  }
  if (hasCode<ZoomResponseError>(error, 'zoom_bad_response')) {
    return error.method === 'GET'
      ? 'Zoom answered in a form ZoomOps does not understand, so nothing was changed. The operator can find the details in the log.'
      : 'Zoom accepted the change but answered in a form ZoomOps does not understand; check the result in Zoom.';
  }
  const slackError = slackPlatformError(error);
  if (slackError) return SLACK_ERRORS[slackError] ?? `Slack refused a step of this (${slackError}); nothing more was done.`;
  if (isRedisUnavailable(error)) {
    return 'ZoomOps cannot reach its Redis, so it did nothing. Ask the operator to check REDIS_URL and the Redis server.';
  }
  const ref = opts.reference ? ` (reference ${opts.reference})` : '';
  return `Something went wrong inside ZoomOps${ref}; nothing more is known here. The operator can find the details in the bot's log.`;
}

/** Slack's own refusals that a user can act on. */
const SLACK_ERRORS: Record<string, string> = {
  user_not_found: 'Slack does not know that user; check the mention.',
  expired_trigger_id: 'Slack took too long to open the form; run the command again.',
  exchanged_trigger_id: 'That form was already opened; run the command again.',
  channel_not_found: 'Slack cannot find that channel, or ZoomOps is not in it; invite the bot first.',
  not_in_channel: 'ZoomOps is not in that channel; invite it with /invite first.',
};

function slackPlatformError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; data?: { error?: unknown } };
  return e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' ? e.data.error : undefined;
}
