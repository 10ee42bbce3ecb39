// Webinar panelists API of the sandbox: list all (no pages), add up to 30 a call (201 {id, updated_at}),
// remove one by ID or email, or all of them (204). Every call needs the host's Webinar add-on.
import { z } from 'zod';
import { ZoomError, json, noContent, parseBody } from '../http.js';
import { api, type Route, type SandboxContext } from '../router.js';
import { panelistJson } from '../shapes.js';
import { hostOf, nextLabel, panelistsOf, requireSession, requireWebinarLicence, zoomStyleId, zoomTime } from '../store.js';

/** Zoom's spec writes `maximum: 30` on the panelists array. */
export const PANELIST_BATCH_LIMIT = 30;

const AddBody = z.object({
  panelists: z
    .array(z.looseObject({ email: z.string().email(), name: z.string().min(1) }))
    .min(1)
    .max(PANELIST_BATCH_LIMIT, `size must be between 1 and ${PANELIST_BATCH_LIMIT}`),
});

function webinar(ctx: SandboxContext, id: string) {
  const session = requireSession(ctx.state, 'webinar', id);
  requireWebinarLicence(hostOf(ctx.state, session));
  return session;
}

export const panelistRoutes: Route[] = [
  api('GET', '/webinars/:id/panelists', 'medium', (ctx, { params }) => {
    const session = webinar(ctx, params.id ?? '');
    const panelists = panelistsOf(ctx.state, session);
    return json({ total_records: panelists.length, panelists: panelists.map((p) => panelistJson(ctx, session, p)) });
  }),
  api('POST', '/webinars/:id/panelists', 'medium', (ctx, { params, body }) => {
    const session = webinar(ctx, params.id ?? '');
    const list = panelistsOf(ctx.state, session);
    for (const { email, name } of parseBody(body, AddBody).panelists) {
      // Adding someone again updates their name rather than listing them twice.
      const existing = list.find((p) => p.email.toLowerCase() === email.toLowerCase());
      if (existing) existing.name = name;
      else list.push({ id: zoomStyleId(nextLabel(ctx.state, 'panelist')), email, name });
    }
    return json({ id: String(session.id), updated_at: zoomTime(ctx.now()) }, 201);
  }),
  api('DELETE', '/webinars/:id/panelists', 'light', (ctx, { params }) => {
    panelistsOf(ctx.state, webinar(ctx, params.id ?? '')).length = 0;
    return noContent();
  }),
  api('DELETE', '/webinars/:id/panelists/:panelistId', 'light', (ctx, { params }) => {
    const list = panelistsOf(ctx.state, webinar(ctx, params.id ?? ''));
    const wanted = (params.panelistId ?? '').toLowerCase();
    const index = list.findIndex((p) => p.id === params.panelistId || p.email.toLowerCase() === wanted);
    if (index < 0) throw new ZoomError(404, 3001, `Panelist does not exist: ${params.panelistId}.`);
    list.splice(index, 1);
    return noContent();
  }),
];
