// The webhook events the sandbox sends when its state changes, shaped like the examples in Zoom's webhook spec:
// meeting.* and webinar.* (created, updated, deleted, started, ended, registration_*), recording.* and the rest.
import type { SandboxContext } from './router.js';
import { registrantJoinUrl, registrantJson, sessionEventObject } from './shapes.js';
import { accountOwner, type Session, type StoredRegistrant } from './store.js';

export function operatorFields(ctx: SandboxContext): Record<string, unknown> {
  const owner = accountOwner(ctx.state);
  return { operator: owner.email, operator_id: owner.id };
}

/** meeting.created, meeting.deleted, webinar.created, webinar.deleted … (`operation`: single or all occurrences). */
export function emitSessionChange(
  ctx: SandboxContext,
  session: Session,
  change: 'created' | 'deleted' | 'recovered',
  extra: Record<string, unknown> = {},
): void {
  ctx.webhooks.send({
    event: `${session.kind}.${change}`,
    payload: {
      ...operatorFields(ctx),
      operation: 'single',
      object: { ...sessionEventObject(ctx, session), ...extra },
    },
  });
}

/** meeting.updated carries the changed fields in `object` and their previous values in `old_object`. */
export function emitSessionUpdated(
  ctx: SandboxContext,
  session: Session,
  changed: Record<string, unknown>,
  previous: Record<string, unknown>,
): void {
  const ids = { id: session.id, uuid: session.uuid };
  const object = { ...ids, ...changed };
  const oldObject = { ...ids, ...previous };
  const payload =
    // Zoom's webinar.updated example nests old_object inside object; meeting.updated puts it beside it.
    session.kind === 'meeting'
      ? { ...operatorFields(ctx), object, old_object: oldObject, time_stamp: ctx.now().getTime() }
      : { ...operatorFields(ctx), scope: 'single', object: { ...object, old_object: oldObject } };
  ctx.webhooks.send({ event: `${session.kind}.updated`, payload });
}

/** meeting.started / meeting.ended (webinar.* alike); ids are strings in these two events, as in Zoom's examples. */
export function emitSessionLive(ctx: SandboxContext, session: Session, what: 'started' | 'ended', endTime?: string): void {
  const object: Record<string, unknown> = {
    ...sessionEventObject(ctx, session),
    id: session.kind === 'meeting' ? String(session.id) : session.id,
  };
  delete object.join_url;
  delete object.occurrences;
  if (endTime) object.end_time = endTime;
  const operator = what === 'ended' ? { ...operatorFields(ctx), operation: 'single' } : {};
  ctx.webhooks.send({ event: `${session.kind}.${what}`, payload: { ...operator, object } });
}

export type RegistrationEvent = 'registration_created' | 'registration_approved' | 'registration_denied' | 'registration_cancelled';

export function emitRegistration(
  ctx: SandboxContext,
  session: Session,
  event: RegistrationEvent,
  registrant: StoredRegistrant,
): void {
  const object = sessionEventObject(ctx, session);
  delete object.join_url;
  const registrantObject =
    event === 'registration_created'
      ? registrantJson(ctx, session, registrant)
      : {
          id: registrant.id,
          first_name: registrant.firstName,
          last_name: registrant.lastName,
          email: registrant.email,
          ...(registrant.status === 'approved' ? { join_url: registrantJoinUrl(ctx, session, registrant) } : {}),
        };
  // Zoom names who acted on every status change, but not on a registration someone made themselves.
  const operator = event === 'registration_created' ? {} : operatorFields(ctx);
  ctx.webhooks.send({
    event: `${session.kind}.${event}`,
    payload: { ...operator, object: { ...object, registrant: registrantObject } },
  });
}
