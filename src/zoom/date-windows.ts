// Zoom's windowed history endpoints (phone call history, /report/*, recordings) answer at most one month per call
// and only within the last six months; this splits a range into such windows, newest first.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/** How far back Zoom keeps phone call history and sign-in reports. */
export const HISTORY_MONTHS = 6;

export interface DateWindow {
  /** Inclusive. */
  from: DateTime;
  /** Inclusive. */
  to: DateTime;
}

/**
 * Consecutive windows of at most one calendar month covering [from, to], newest first (admins read the latest
 * first, and a "Next page" walks back in time). Each window ends one millisecond before the next one starts, so no
 * instant is asked for twice.
 */
export function monthWindows(from: DateTime, to: DateTime): DateWindow[] {
  if (to < from) return [];
  const windows: DateWindow[] = [];
  for (let start = from; start <= to; start = start.plus({ months: 1 })) {
    const end = start.plus({ months: 1 }).minus({ milliseconds: 1 });
    windows.push({ from: start, to: end < to ? end : to });
  }
  return windows.reverse();
}

/** The earliest instant Zoom still answers for: the start of the day six months ago, in `now`'s zone. */
export function oldestAvailable(now: DateTime): DateTime {
  return now.minus({ months: HISTORY_MONTHS }).startOf('day');
}

/** `2026-12-01T14:00:00Z`: the form Zoom's phone endpoints take for an exact instant. */
export function zoomInstant(dt: DateTime): string {
  return dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

/**
 * A range as it travels in a button or a job: ISO instants and the zone they were read in. The zone, not just the
 * offset, so that month steps across a daylight-saving change land on the same local midnight as they did the first time.
 */
export const RangeValue = z.object({
  f: z.string().min(1),
  t: z.string().min(1),
  z: z.string().refine((zone) => IANAZone.isValidZone(zone)),
});
export type RangeValue = z.infer<typeof RangeValue>;

/** The one-month windows of a range, newest first. */
export function rangeWindows(range: RangeValue): DateWindow[] {
  return monthWindows(DateTime.fromISO(range.f, { zone: range.z }), DateTime.fromISO(range.t, { zone: range.z }));
}
