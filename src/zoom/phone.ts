// Zoom Phone call history: the account's (`/phone/call_history`) and one user's (`/phone/users/{id}/call_history`),
// read into one PhoneCall shape. The older call-log endpoints are deprecated in Zoom's spec and not used.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { clampPageSize, type ZoomListRequest } from './client.js';
import { zoomInstant, type DateWindow } from './date-windows.js';
import { zoomPath } from './ids.js';
import { zoomId } from './schemas.js';

/** Zoom's maximum page size for both call-history lists. */
export const CALL_HISTORY_PAGE_MAX = 300;

/** One call as the bot shows it, whichever list it came from. */
export interface PhoneCall {
  id: string;
  direction?: string;
  caller: PhoneParty;
  callee: PhoneParty;
  /** ISO instant (Zoom sends GMT). */
  startTime?: string;
  /** Seconds; absent when Zoom gave nothing to compute it from. */
  durationSeconds?: number;
  result?: string;
}

export interface PhoneParty {
  name?: string;
  email?: string;
  number?: string;
  extension?: string;
}

const optionalString = z.string().nullish().transform((v) => v ?? undefined);
// A number Zoom may send as a string, or not at all; anything unreadable is treated as absent, not as a failed page.
const optionalNumber = z.unknown().transform((v) => {
  const n = typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}).optional();

const partyFields = {
  caller_name: optionalString,
  caller_email: optionalString,
  caller_did_number: optionalString,
  caller_ext_number: zoomId.nullish(),
  callee_name: optionalString,
  callee_email: optionalString,
  callee_did_number: optionalString,
  callee_ext_number: zoomId.nullish(),
};

type PartyFields = { [K in keyof typeof partyFields]?: string | null };

function parties(c: PartyFields): { caller: PhoneParty; callee: PhoneParty } {
  const party = (side: 'caller' | 'callee'): PhoneParty =>
    dropEmpty({
      name: c[`${side}_name`] ?? undefined,
      email: c[`${side}_email`] ?? undefined,
      number: c[`${side}_did_number`] ?? undefined,
      extension: c[`${side}_ext_number`] ?? undefined,
    });
  return { caller: party('caller'), callee: party('callee') };
}

function dropEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** An item of the account's `call_history[]` (the `call_logs[]` beside it is deprecated). */
export const AccountCall = z
  .looseObject({
    call_history_uuid: z.string().optional(),
    call_id: zoomId.optional(),
    direction: optionalString,
    start_time: optionalString,
    duration: optionalNumber,
    call_result: optionalString,
    ...partyFields,
  })
  .transform((c) =>
    phoneCall(c.call_history_uuid ?? c.call_id, c, {
      direction: c.direction,
      startTime: c.start_time,
      durationSeconds: c.duration,
      result: c.call_result,
    }),
  );

/** An item of a user's `call_logs[]` (from the current call_history endpoint): no duration, so talk time or end − start. */
export const UserCall = z
  .looseObject({
    id: z.string().optional(),
    call_id: zoomId.optional(),
    direction: optionalString,
    start_time: optionalString,
    end_time: optionalString,
    talk_time: optionalNumber,
    result: optionalString,
    ...partyFields,
  })
  .transform((c) =>
    phoneCall(c.id ?? c.call_id, c, {
      direction: c.direction,
      startTime: c.start_time,
      durationSeconds: c.talk_time ?? secondsBetween(c.start_time, c.end_time),
      result: c.result,
    }),
  );

function phoneCall(id: string | undefined, c: PartyFields, rest: Omit<PhoneCall, 'id' | 'caller' | 'callee'>): PhoneCall {
  return { id: id ?? '', ...parties(c), ...dropEmpty(rest) };
}

function secondsBetween(start?: string, end?: string): number | undefined {
  if (!start || !end) return undefined;
  const seconds = DateTime.fromISO(end).diff(DateTime.fromISO(start), 'seconds').seconds;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds) : undefined;
}

export interface CallHistoryQuery {
  /** Absent: the whole account. A Zoom user ID or email. */
  userId?: string;
  window: DateWindow;
  pageSize?: number;
}

/**
 * One window of call history, for zoom.page or zoom.paginate. Paced by Zoom Phone's own rate table; the account's
 * list is a Heavy call, a user's a Medium one (Zoom's spec). `from`/`to` are sent as exact instants, so the
 * reader's day boundaries hold whatever the account's time zone.
 */
export function callHistoryRequest(query: CallHistoryQuery): ZoomListRequest<PhoneCall> {
  const common = {
    method: 'GET' as const,
    query: {
      from: zoomInstant(query.window.from),
      to: zoomInstant(query.window.to),
      page_size: clampPageSize(query.pageSize, CALL_HISTORY_PAGE_MAX),
    },
    table: 'phone' as const,
  };
  if (query.userId === undefined) {
    return { ...common, path: '/phone/call_history', label: 'heavy', itemsKey: 'call_history', item: AccountCall };
  }
  return {
    ...common,
    path: zoomPath`/phone/users/${query.userId}/call_history`,
    label: 'medium',
    itemsKey: 'call_logs',
    item: UserCall,
  };
}
