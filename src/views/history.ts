// How a history list names its period: the days of --from/--to in the reader's zone.
import { DateTime } from 'luxon';

/** `1 Nov 2026 – 30 Nov 2026` (one day alone when both are the same). */
export function formatPeriod(fromIso: string, toIso: string, zone: string): string {
  const day = (iso: string) => DateTime.fromISO(iso, { setZone: true }).setZone(zone).setLocale('en-GB').toFormat('d LLL yyyy');
  const from = day(fromIso);
  const to = day(toIso);
  return from === to ? from : `${from} – ${to}`;
}
