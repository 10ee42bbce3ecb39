// Registrants API of the sandbox, for meetings and webinars alike: list by status (approved unless asked, so
// pending ones only with status=pending), add (201; pending under manual approval), approve/deny/cancel up to
// 30 at a time (204), delete one (204). Every change sends the matching registration_* webhook.
import { z } from 'zod';
import { emitRegistration, type RegistrationEvent } from '../events.js';
import { ZoomError, json, noContent, parseBody, validationFailed } from '../http.js';
import { LIST_300, paginate } from '../paging.js';
import { api, type Route, type SandboxContext } from '../router.js';
import { occurrencesOf } from '../schedule.js';
import { registrantJoinUrl, registrantJson } from '../shapes.js';
import {
  hostOf,
  nextLabel,
  registrantsOf,
  requireSession,
  requireWebinarLicence,
  zoomStyleId,
  zoomTime,
  type RegistrantStatus,
  type Session,
  type SessionKind,
  type StoredRegistrant,
} from '../store.js';

const Status = z.enum(['approved', 'pending', 'denied']);

const RegistrantBody = z.looseObject({
  email: z.string().email().max(128),
  first_name: z.string().min(1).max(64),
  last_name: z.string().max(64).optional(),
  auto_approve: z.boolean().optional(),
});

/** Zoom's spec writes the batch limit as `maximum: 30` on the registrants array. */
export const REGISTRANT_BATCH_LIMIT = 30;

const StatusBody = z.object({
  action: z.enum(['approve', 'cancel', 'deny']),
  registrants: z
    .array(z.looseObject({ id: z.string().optional(), email: z.string().optional() }))
    .max(REGISTRANT_BATCH_LIMIT, `size must be between 0 and ${REGISTRANT_BATCH_LIMIT}`)
    .optional(),
});

// What each action turns which status into; a registrant in any other status is left as is.
const TRANSITIONS: Record<z.infer<typeof StatusBody>['action'], { from: RegistrantStatus[]; to: RegistrantStatus; event: RegistrationEvent }> = {
  approve: { from: ['pending', 'denied'], to: 'approved', event: 'registration_approved' },
  deny: { from: ['pending'], to: 'denied', event: 'registration_denied' },
  cancel: { from: ['approved'], to: 'denied', event: 'registration_cancelled' },
};

function registrationSession(ctx: SandboxContext, kind: SessionKind, id: string): Session {
  const session = requireSession(ctx.state, kind, id);
  if (kind === 'webinar') requireWebinarLicence(hostOf(ctx.state, session));
  if (session.settings.approval_type === 2) {
    const name = kind === 'meeting' ? 'meeting' : 'webinar';
    throw new ZoomError(400, 3000, `Registration has not been enabled for this ${name}: ${session.id}.`);
  }
  return session;
}

/** Adds a registration as Zoom would (also used by the console's "new registration"). */
export function register(
  ctx: SandboxContext,
  session: Session,
  input: { email: string; firstName: string; lastName?: string; autoApprove?: boolean },
): StoredRegistrant {
  const list = registrantsOf(ctx.state, session);
  // Registering again with the same email gives back the same registration, as Zoom does.
  const existing = list.find((r) => r.email.toLowerCase() === input.email.toLowerCase());
  if (existing) return existing;
  const label = nextLabel(ctx.state, 'registrant');
  const manual = session.settings.approval_type === 1 && !input.autoApprove;
  const registrant: StoredRegistrant = {
    id: zoomStyleId(label),
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName ?? '',
    status: manual ? 'pending' : 'approved',
    createTime: zoomTime(ctx.now()),
    pinCode: 100_000 + (ctx.state.sequence * 7919) % 900_000,
  };
  list.push(registrant);
  emitRegistration(ctx, session, 'registration_created', registrant);
  return registrant;
}

function registrantRoutes(kind: SessionKind): Route[] {
  const base = `/${kind}s/:id/registrants`;
  return [
    api('GET', base, 'medium', (ctx, { params, query }) => {
      const session = registrationSession(ctx, kind, params.id ?? '');
      const status = Status.safeParse(query.status ?? 'approved');
      if (!status.success) throw validationFailed('status', 'must be one of approved, pending, denied');
      const matching = registrantsOf(ctx.state, session).filter((r) => r.status === status.data);
      const page = paginate(matching, query, LIST_300, `/${kind}s/${session.id}/registrants`);
      return json({ ...page.fields, page_number: 1, registrants: page.items.map((r) => registrantJson(ctx, session, r)) });
    }),
    api('POST', base, 'light', (ctx, { params, body }) => {
      const session = registrationSession(ctx, kind, params.id ?? '');
      const input = parseBody(body, RegistrantBody);
      const registrant = register(ctx, session, {
        email: input.email,
        firstName: input.first_name,
        lastName: input.last_name,
        autoApprove: input.auto_approve,
      });
      const occurrences = occurrencesOf(session).filter((o) => o.status === 'available');
      return json(
        {
          id: session.id,
          registrant_id: registrant.id,
          topic: session.topic,
          ...(session.startTime ? { start_time: session.startTime } : {}),
          // No join URL while the registration waits for the host's approval.
          ...(registrant.status === 'approved' ? { join_url: registrantJoinUrl(ctx, session, registrant) } : {}),
          ...(occurrences.length > 0 ? { occurrences } : {}),
          participant_pin_code: registrant.pinCode,
        },
        201,
      );
    }),
    api('PUT', `${base}/status`, 'medium', (ctx, { params, body }) => {
      const session = registrationSession(ctx, kind, params.id ?? '');
      const { action, registrants = [] } = parseBody(body, StatusBody);
      const transition = TRANSITIONS[action];
      const list = registrantsOf(ctx.state, session);
      for (const wanted of registrants) {
        // Unknown registrants are skipped without an error, as Zoom skips them.
        const registrant = list.find((r) => (wanted.id ? r.id === wanted.id : r.email.toLowerCase() === wanted.email?.toLowerCase()));
        if (!registrant || !transition.from.includes(registrant.status)) continue;
        registrant.status = transition.to;
        emitRegistration(ctx, session, transition.event, registrant);
      }
      return noContent();
    }),
    // One registrant with their status: what an Undo of the registrant rules reads before it changes anything.
    api('GET', `${base}/:registrantId`, 'light', (ctx, { params }) => {
      const session = registrationSession(ctx, kind, params.id ?? '');
      const registrant = registrantsOf(ctx.state, session).find((r) => r.id === params.registrantId);
      if (!registrant) throw new ZoomError(404, 3079, `Registrant does not exist: ${params.registrantId}.`);
      return json(registrantJson(ctx, session, registrant));
    }),
    api('DELETE', `${base}/:registrantId`, 'light', (ctx, { params }) => {
      const session = registrationSession(ctx, kind, params.id ?? '');
      const list = registrantsOf(ctx.state, session);
      const index = list.findIndex((r) => r.id === params.registrantId);
      if (index < 0) throw new ZoomError(404, 3079, `Registrant does not exist: ${params.registrantId}.`);
      list.splice(index, 1);
      return noContent();
    }),
  ];
}

export const meetingRegistrantRoutes = registrantRoutes('meeting');
export const webinarRegistrantRoutes = registrantRoutes('webinar');
