// Zoom's history lists (phone call history, sign-in reports): --from/--to read in the admin's zone and held to the
// last six months, the range split into one-month windows, and pages that walk from one window into the next.
import { z } from 'zod';
import { stringFlag } from './args.js';
import type { Invocation, ParsedCommand } from './context.js';
import { UsageError } from './errors.js';
import { parseDate } from './values/times.js';
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

/** Zoom calls one page may take, so a run of windows answering empty pages under tokens cannot go on for ever. */
const MAX_REQUESTS_PER_PAGE = 12;

/**
 * One page of up to `pageSize` items of a windowed list, from `at`: the newest of what is left of the whole range,
 * whatever the windows. A window that runs out before the page is full hands on to the next (older) one, asked only
 * for what the page still lacks, so page 1 of the last 30 days is not just today's few rows. `next` is where the
 * page stopped (a window and Zoom's token in it), absent once the oldest window is read to its end.
 */
export async function windowedPage<Item>(
  zoom: ZoomClient,
  windows: readonly DateWindow[],
  requestFor: (window: DateWindow, pageSize: number) => ZoomListRequest<Item>,
  at: PagePosition,
  pageSize: number,
): Promise<{ items: Item[]; next?: PagePosition }> {
  const items: Item[] = [];
  let w = at.w;
  let token = at.k;
  for (let requests = 0; w < windows.length && items.length < pageSize && requests < MAX_REQUESTS_PER_PAGE; requests++) {
    const page = await zoom.page(requestFor(windows[w]!, pageSize - items.length), token || undefined);
    items.push(...page.items);
    if (page.nextPageToken) token = page.nextPageToken;
    else [w, token] = [w + 1, ''];
  }
  return { items, ...(w < windows.length ? { next: { w, k: token } } : {}) };
}
