// The date windows Zoom's list endpoints take: `from`/`to` as yyyy-mm-dd (phone also yyyy-MM-ddTHH:mm:ssZ), in UTC,
// at most a month apart; with neither, the endpoint's own default window.
import { DateTime, IANAZone } from 'luxon';
import { ZoomError, validationFailed } from './http.js';

export interface Window {
  from: DateTime;
  to: DateTime;
  /** Epoch ms bounds, `to` inclusive to the end of its day. */
  fromMs: number;
  toMs: number;
}

function parseDay(value: string, field: string): DateTime {
  const day = DateTime.fromISO(value, { zone: 'UTC' });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(value)) {
    throw validationFailed(field, `Invalid ${field}: ${value}`);
  }
  return day;
}

/** A window of at most one month; `fallback` gives from/to when the caller sent neither. */
export function monthWindow(
  query: { from?: string; to?: string },
  fallback: { from: DateTime; to: DateTime },
): Window {
  const from = query.from ? parseDay(query.from, 'from') : fallback.from;
  const to = query.to ? parseDay(query.to, 'to') : query.from ? from.plus({ months: 1 }) : fallback.to;
  if (to < from) throw validationFailed('to', 'The to date must not be before the from date.');
  if (to.startOf('day') > from.startOf('day').plus({ months: 1 })) {
    throw new ZoomError(400, 300, 'The date range between from and to can be at most one month.');
  }
  const inclusiveEnd = query.to && !query.to.includes('T') ? to.endOf('day') : to;
  return { from, to, fromMs: from.toMillis(), toMs: inclusiveEnd.toMillis() };
}

/** An IANA time zone as Zoom takes it in a body or query, refused with Zoom's validation error otherwise. */
export function checkTimezone(zone: string): string {
  if (!IANAZone.isValidZone(zone)) throw validationFailed('timezone', `Invalid timezone: ${zone}`);
  return zone;
}
