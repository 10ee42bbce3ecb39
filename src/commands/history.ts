// Zoom's history lists (phone call history, sign-in reports): --from/--to read in the admin's zone and held to the
// last six months, the range split into one-month windows, and pages that walk from one window into the next.
import { z } from 'zod';
import { stringFlag } from './args.js';
import type { Invocation, ParsedCommand } from './context.js';
import { UsageError } from './errors.js';
import { parseDate } from './values.js';
import type { ZoomClient, ZoomListRequest } from '../zoom/client.js';
import { HISTORY_MONTHS, RangeValue, oldestAvailable, rangeWindows, type DateWindow } from '../zoom/date-windows.js';

export { RangeValue, rangeWindows };

/** Days a range covers when --from is not given (docs/command-grammar.md: the last 30 days). */
const DEFAULT_DAYS = 30;

/**
 * The range of --from/--to: from the start of the --from day to the end of the --to day (or now), in the admin's
 * zone. Refused, in one sentence with a fix, when it is reversed or starts before Zoom's six months.
 */
export function historyRange(inv: Invocation, args: ParsedCommand, what: string): RangeValue {
  const zone = inv.person.tz;
  const now = inv.services.now().setZone(zone);
  const toFlag = stringFlag(args, 'to');
  const fromFlag = stringFlag(args, 'from');
  const toDay = toFlag ? parseDate(toFlag, { zone, now, flag: 'to' }).endOf('day') : now;
  const to = toDay > now ? now : toDay;
  const from = fromFlag ? parseDate(fromFlag, { zone, now, flag: 'from' }) : now.minus({ days: DEFAULT_DAYS }).startOf('day');
  if (from > to) {
    throw new UsageError(`--from ${from.toISODate()} is after --to ${to.toISODate()}: give the earlier day first.`, {
      example: '--from -14d --to yesterday',
    });
  }
  const oldest = oldestAvailable(now);
  if (from < oldest) {
    throw new UsageError(
      `Zoom keeps ${what} for the last ${HISTORY_MONTHS} months only, so --from ${from.toISODate()} is too early: ` +
        `start on ${oldest.toISODate()} or later, e.g. --from -90d.`,
      { example: '--from -90d' },
    );
  }
  return { f: from.toISO()!, t: to.toISO()!, z: zone };
}

/** Where a list stands: which window, and Zoom's token within it (empty for its first page). */
export const PagePosition = z.object({ w: z.number().int().min(0), k: z.string() });
export type PagePosition = z.infer<typeof PagePosition>;

/**
 * One page of a windowed list, from `at`. Windows with nothing in them are skipped, so a page is empty only when
 * the whole rest of the range is; `next` is absent after the last page of the oldest window.
 */
export async function windowedPage<Item>(
  zoom: ZoomClient,
  windows: readonly DateWindow[],
  requestFor: (window: DateWindow) => ZoomListRequest<Item>,
  at: PagePosition,
): Promise<{ items: Item[]; next?: PagePosition }> {
  for (let w = at.w, token = at.k; w < windows.length; w++, token = '') {
    const page = await zoom.page(requestFor(windows[w]!), token || undefined);
    const next = page.nextPageToken ? { w, k: page.nextPageToken } : w + 1 < windows.length ? { w: w + 1, k: '' } : undefined;
    if (page.items.length > 0 || next === undefined) return { items: page.items, ...(next ? { next } : {}) };
    if (page.nextPageToken) return { items: [], next };
  }
  return { items: [] };
}
