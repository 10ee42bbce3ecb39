// The sandbox's own endpoints for the console page: `GET /sandbox/state` (a summary of the account for the panel)
// and `POST /sandbox/simulate` (a SimulateAction as JSON; 400 with a clear message otherwise), plus the small pages
// the account's join, start and play links lead to. Errors here are `{error}`, like the bot's own routes.
import { json } from './http.js';
import { open, type Route, type SandboxContext } from './router.js';
import { SimulateError, simulate } from './simulate.js';
import { displayName } from './shapes.js';
import { hostOf, type Session } from './store.js';
import { visibleFiles } from './api/recordings.js';

function counts(ctx: SandboxContext, session: Session): Record<string, number> {
  const list = ctx.state.registrants.get(session.id) ?? [];
  return {
    pending: list.filter((r) => r.status === 'pending').length,
    approved: list.filter((r) => r.status === 'approved').length,
    denied: list.filter((r) => r.status === 'denied').length,
  };
}

/** What the console panel shows: enough to pick IDs for simulations, no secrets. */
export function stateSummary(ctx: SandboxContext): Record<string, unknown> {
  const { state } = ctx;
  const sessions = [...state.sessions.values()];
  const sessionSummary = (s: Session) => ({
    id: s.id,
    uuid: s.uuid,
    topic: s.topic,
    type: s.type,
    status: s.status,
    start_time: s.startTime ?? null,
    host_email: hostOf(state, s).email,
    registration: s.settings.approval_type === 0 ? 'automatic' : s.settings.approval_type === 1 ? 'manual' : 'none',
    ...(s.settings.approval_type !== 2 ? { registrants: counts(ctx, s) } : {}),
  });
  return {
    sandbox: true,
    account_id: state.accountId,
    users: state.users.map((u) => ({ id: u.id, email: u.email, name: displayName(u), role: u.roleName, status: u.status, webinar: u.webinar, phone: u.phone?.phoneNumber ?? null })),
    meetings: sessions.filter((s) => s.kind === 'meeting').map(sessionSummary),
    webinars: sessions.filter((s) => s.kind === 'webinar').map((s) => ({ ...sessionSummary(s), panelists: state.panelists.get(s.id)?.length ?? 0 })),
    recordings: state.recordings.map((r) => ({ meeting_id: r.meetingId, uuid: r.uuid, topic: r.topic, start_time: r.startTime, files: visibleFiles(r).length, trashed: Boolean(r.trashedAt) })),
    phone_calls: state.calls.length,
    channels: state.channels.map((c) => ({ id: c.id, name: c.name, members: c.memberIds.length })),
    webhooks: state.webhookLog.slice(-20),
  };
}

// Join, start, play and share links of the sandbox account lead here instead of to zoom.us.
const PLACEHOLDER_PAGE =
  '<!doctype html><meta charset="utf-8"><title>ZoomOps sandbox</title>' +
  '<p>This link belongs to the ZoomOps sandbox: no real Zoom meeting or recording is behind it.</p>';

export const consoleRoutes: Route[] = [
  open('GET', '/sandbox/state', (ctx) => json(stateSummary(ctx))),
  open('POST', '/sandbox/simulate', (ctx, { body }) => {
    let input: unknown;
    try {
      input = JSON.parse(body);
    } catch {
      return json({ error: 'The body must be a JSON simulate action, e.g. {"type":"meeting.started","meetingId":"…"}.' }, 400);
    }
    try {
      return json(simulate(ctx, input));
    } catch (error) {
      if (error instanceof SimulateError) return json({ error: error.message }, error.status);
      throw error;
    }
  }),
  ...['/j/:id', '/w/:id', '/s/:id', '/rec/play/:id', '/rec/share/:id'].map((path) =>
    open('GET', path, (_ctx, { res }) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PLACEHOLDER_PAGE);
      return undefined;
    }),
  ),
];
