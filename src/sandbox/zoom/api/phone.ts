// Zoom Phone call history in the sandbox: the account's (`GET /phone/call_history`, Heavy) and one user's
// (`GET /phone/users/{userId}/call_history`, Medium), within at most a month (the last 24 hours by default).
import { DateTime } from 'luxon';
import { ZoomError, json } from '../http.js';
import { monthWindow } from '../dates.js';
import { LIST_300, paginate } from '../paging.js';
import { api, type Route, type SandboxContext } from '../router.js';
import { findUser, type CallParty, type CallRecord } from '../store.js';

function party(prefix: 'caller' | 'callee', p: CallParty): Record<string, unknown> {
  const internal = p.extensionId !== undefined;
  return {
    ...(internal ? { [`${prefix}_ext_id`]: p.extensionId, [`${prefix}_ext_number`]: String(p.extensionNumber), [`${prefix}_ext_type`]: 'user' } : {}),
    [`${prefix}_did_number`]: p.phoneNumber,
    [`${prefix}_name`]: p.name,
    ...(p.email ? { [`${prefix}_email`]: p.email } : {}),
    [`${prefix}_number_type`]: internal ? 'zoom_pstn' : 'external_pstn',
    ...(internal ? { [`${prefix}_device_type`]: 'MAC_Client(6.2.5.41699)' } : {}),
    [`${prefix}_country_iso_code`]: 'US',
    [`${prefix}_country_code`]: '1',
  };
}

function callFields(call: CallRecord): Record<string, unknown> {
  return {
    call_id: call.callId,
    direction: call.direction,
    international: false,
    start_time: call.startTime,
    ...(call.answerTime ? { answer_time: call.answerTime } : {}),
    end_time: call.endTime,
    duration: call.duration,
    connect_type: call.connectType,
    call_type: 'general',
    hide_caller_id: false,
    end_to_end: false,
    ...party('caller', call.caller),
    ...party('callee', call.callee),
    recording_status: call.recorded ? 'recorded' : 'non_recorded',
  };
}

/** An item of the account's `call_history`. */
export function accountCallJson(call: CallRecord): Record<string, unknown> {
  return { call_history_uuid: call.uuid, ...callFields(call), call_result: call.result, department: '', cost_center: '', site_name: 'Main Site' };
}

/** An item of a user's `call_logs` (and, with other ID names, `call_elements`). */
function userCallJson(call: CallRecord): Record<string, unknown> {
  return {
    id: call.uuid,
    call_path_id: call.uuid,
    ...callFields(call),
    event: call.direction === 'inbound' ? 'incoming' : 'outgoing',
    result: call.result,
    talk_time: call.answerTime ? Math.round((Date.parse(call.endTime) - Date.parse(call.answerTime)) / 1000) : 0,
    hold_time: 0,
    wait_time: call.answerTime ? Math.round((Date.parse(call.answerTime) - Date.parse(call.startTime)) / 1000) : call.duration,
  };
}

function callsIn(ctx: SandboxContext, query: Record<string, string | undefined>, keep: (c: CallRecord) => boolean) {
  const now = DateTime.fromJSDate(ctx.now(), { zone: 'UTC' });
  const window = monthWindow(query, { from: now.minus({ hours: 24 }), to: now });
  const field = query.time_type === 'end_time' ? 'endTime' : 'startTime';
  const calls = ctx.state.calls
    .filter((c) => keep(c) && Date.parse(c[field]) >= window.fromMs && Date.parse(c[field]) <= window.toMs)
    .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
  return { window, calls };
}

export const phoneRoutes: Route[] = [
  api('GET', '/phone/call_history', 'heavy', (ctx, { query }) => {
    const { window, calls } = callsIn(ctx, query, () => true);
    const page = paginate(calls, query, LIST_300, '/phone/call_history');
    return json({
      call_history: page.items.map(accountCallJson),
      from: window.from.toISODate(),
      to: window.to.toISODate(),
      ...page.fields,
    });
  }),
  api('GET', '/phone/users/:userId/call_history', 'medium', (ctx, { params, query }) => {
    const user = findUser(ctx.state, params.userId ?? '');
    // Zoom's spec: 404 with code 300 for a user it does not know as a phone user.
    if (!user?.phone) throw new ZoomError(404, 300, `User does not exist: ${params.userId}.`);
    const { window, calls } = callsIn(ctx, query, (c) => c.caller.userId === user.id || c.callee.userId === user.id);
    const page = paginate(calls, query, LIST_300, `/phone/users/${user.id}/call_history`);
    const logs = page.items.map(userCallJson);
    return json({
      call_logs: logs,
      call_elements: logs.map(({ id, call_path_id: _path, ...rest }) => ({ call_element_id: id, call_history_uuid: id, ...rest })),
      from: window.from.toISODate(),
      to: window.to.toISODate(),
      ...page.fields,
    });
  }),
];
