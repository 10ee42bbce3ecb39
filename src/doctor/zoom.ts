// The Zoom half of the doctor: the token, the commands its scopes allow, and whether Zoom's events arrive.
import { DateTime } from 'luxon';
import type { DoctorDeps } from './deps.js';
import { tokenProvider } from './deps.js';
import { readLastEvent } from './last-event.js';
import { bad, good, note, reason, type DoctorLine } from './line.js';
import { readPresence } from './ws-presence.js';
import { scopeLines } from './zoom-scopes.js';
import { RATE_BUDGETS, RateLimiter, type RateLabel, type RateTable } from '../zoom/rate-limit.js';
import { TIMESTAMP_WINDOW_S } from '../zoom/webhook.js';

/** A subscription that delivered nothing for this long is reported as silent. */
const SILENT_AFTER_DAYS = 7;

/** Past this skew the webhook timestamp window is half used up by the clock alone. */
const MAX_SKEW_S = TIMESTAMP_WINDOW_S / 2;

export async function zoomChecks(deps: DoctorDeps): Promise<DoctorLine[]> {
  return [...(await tokenChecks(deps)), await clockLine(deps), await quotaLine(deps), ...(await eventChecks(deps))];
}

/**
 * The limiter does not count a day's calls (Zoom counts every app on the account, so our count would mislead); it
 * learns from Zoom's 429 that a daily cap is reached and holds every process off until the reset. Those are shown.
 */
async function quotaLine(deps: DoctorDeps): Promise<DoctorLine> {
  const { accountId, plan } = deps.config.zoom;
  const limiter = new RateLimiter({ redis: deps.redis, prefix: deps.keyPrefix, accountId, plan });
  const used: string[] = [];
  for (const table of Object.keys(RATE_BUDGETS) as RateTable[]) {
    for (const label of Object.keys(RATE_BUDGETS[table][plan]) as RateLabel[]) {
      const until = await limiter.exhaustedUntil(label, table);
      if (until) used.push(`${label}${table === 'phone' ? ' (Zoom Phone)' : ''} until ${formatUtc(DateTime.fromJSDate(until))}`);
    }
  }
  if (used.length === 0) return good('Zoom', `No daily Zoom quota is used up (plan: ${plan}).`);
  return bad(
    'Zoom',
    `Zoom's daily quota is used up today for ${used.join(', ')}.`,
    'Calls of those kinds wait for the reset; spread bulk work over days, or ask Zoom for a higher limit (every app on the account draws on it).',
  );
}

/**
 * Webhooks older than TIMESTAMP_WINDOW_S are refused as replays, so a clock that is off refuses Zoom's events. Any
 * answer of the API host carries Zoom's time in `Date` (whole seconds), even without a token.
 */
async function clockLine(deps: DoctorDeps): Promise<DoctorLine> {
  const fix = 'Synchronise this server\'s clock (NTP, e.g. `timedatectl set-ntp true`).';
  try {
    const answer = await fetch(deps.config.zoom.apiUrl, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    const date = answer.headers.get('date');
    const zoomTime = date ? DateTime.fromHTTP(date) : undefined;
    if (!zoomTime?.isValid) return bad('Zoom', "Zoom's answer had no Date header, so the clock could not be compared.", fix);
    const skew = Math.round(deps.now().diff(zoomTime).as('seconds'));
    if (Math.abs(skew) > MAX_SKEW_S) {
      return bad('Zoom', `This server's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} Zoom's; webhooks are refused past ${TIMESTAMP_WINDOW_S} s.`, fix);
    }
    return good('Zoom', `This server's clock is within ${Math.max(1, Math.abs(skew))} s of Zoom's.`);
  } catch (error) {
    return bad('Zoom', `Zoom's API host did not answer: ${reason(error)}.`, 'Check ZOOM_API_URL and that this server reaches it (proxy, firewall).');
  }
}

async function tokenChecks(deps: DoctorDeps): Promise<DoctorLine[]> {
  const tokens = tokenProvider(deps);
  try {
    await tokens.getToken();
  } catch (error) {
    return [
      bad(
        'Zoom',
        `No Zoom access token: ${reason(error)}.`,
        'Check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET against the Server-to-Server app, and that the app is activated.',
      ),
    ];
  }
  const granted = await tokens.grantedScopes();
  if (granted === undefined) {
    return [
      good('Zoom', 'The Zoom access token mints.'),
      bad('Zoom', 'The granted Zoom scopes are not known yet: the current token was minted before they were recorded.', 'Run the doctor again after the token renews (within an hour).'),
    ];
  }
  return [good('Zoom', `The Zoom access token mints, with ${granted.length} scopes.`), ...scopeLines(granted)];
}

async function eventChecks(deps: DoctorDeps): Promise<DoctorLine[]> {
  const { zoom } = deps.config;
  const lines: DoctorLine[] = [];
  if (zoom.webhookSecrets.length > 0) lines.push(good('Zoom', 'The webhook secret token is set (ZOOM_WEBHOOK_SECRET_TOKEN).'));
  else if (!zoom.wsSubscriptionId) {
    lines.push(
      bad(
        'Zoom',
        'Zoom events cannot arrive: neither ZOOM_WEBHOOK_SECRET_TOKEN nor ZOOM_WS_SUBSCRIPTION_ID is set.',
        "Copy the Secret Token from the Zoom app's Feature page to ZOOM_WEBHOOK_SECRET_TOKEN (or set ZOOM_WS_SUBSCRIPTION_ID for WebSocket events).",
      ),
    );
    return lines;
  }
  lines.push(await websocketLine(deps));
  const last = await readLastEvent(deps.redis, deps.keyPrefix);
  const now = deps.now();
  const at = last ? DateTime.fromMillis(last.at, { zone: 'utc' }) : undefined;
  if (!last || !at || now.diff(at, 'days').days > SILENT_AFTER_DAYS) {
    const when = at ? ` (the last, \`${last!.type}\`, came ${formatUtc(at)})` : '';
    lines.push(
      bad(
        'Zoom',
        `No Zoom event received in ${SILENT_AFTER_DAYS} days${when}.`,
        "Check the Zoom app's Event Subscriptions: the endpoint URL ends in /zoom/webhooks, it is validated, and the events you watch are added.",
      ),
    );
  } else {
    lines.push(good('Zoom', `Last Zoom event: \`${last.type}\` by ${last.source}, ${formatUtc(at)}.`));
  }
  return lines;
}

/**
 * The WebSocket consumer may live in another process than the doctor: it writes a heartbeat to Redis while
 * connected (ws-presence.ts), and its absence is the fault.
 */
async function websocketLine(deps: DoctorDeps): Promise<DoctorLine> {
  const { wsSubscriptionId } = deps.config.zoom;
  if (!wsSubscriptionId) return note('Zoom', 'Zoom WebSocket events are not configured (ZOOM_WS_SUBSCRIPTION_ID is unset); events come by webhook.');
  const { live, lastSeen } = await readPresence(deps.redis, deps.keyPrefix, wsSubscriptionId);
  const who = (beat: { pid: number; role: string; host: string }) => `process ${beat.pid} (ZOOMOPS_ROLE=${beat.role}) on ${beat.host}`;
  if (live) return good('Zoom', `The Zoom WebSocket is connected: ${who(live)}, since ${formatUtc(DateTime.fromMillis(live.since))}.`);
  const fix =
    "Check ZOOM_WS_URL and ZOOM_WS_SUBSCRIPTION_ID against the WebSocket subscription in the Zoom app's Event Subscriptions, " +
    'that a web process (ZOOMOPS_ROLE=web or all) runs on this Redis, and its logs (component zoom-websocket).';
  if (!lastSeen) return bad('Zoom', 'No process holds a Zoom WebSocket connection, and none has been seen on this Redis.', fix);
  const silentFor = Math.max(0, deps.now().toMillis() - lastSeen.at);
  return bad('Zoom', `No process has held a Zoom WebSocket connection for ${duration(silentFor)} (the last was ${who(lastSeen)}).`, fix);
}

/** A span for a sentence: seconds, minutes, hours or days, whichever reads best. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 120 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

function formatUtc(at: DateTime): string {
  return `${at.toUTC().toFormat('yyyy-MM-dd HH:mm')} UTC`;
}
