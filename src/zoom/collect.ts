// Reading a list to its end (CSV exports, recordings of every user): every page of a series of list requests, in
// order, up to a limit, telling the caller after each page so a job can show progress and stop at a safe point.
import type { ZoomClient, ZoomListRequest } from './client.js';

/** Items one export reads at most (about 170 calls of 300); past it the result says it was cut. */
export const COLLECT_LIMIT = 50_000;

/** Every item of the given list requests, in order, up to `limit` (the flag says whether it stopped there). */
export async function collectPages<Item>(
  zoom: ZoomClient,
  requests: ReadonlyArray<ZoomListRequest<Item>>,
  limit = COLLECT_LIMIT,
  onPage?: (itemsSoFar: number) => Promise<void>,
): Promise<{ items: Item[]; truncated: boolean }> {
  const items: Item[] = [];
  for (const request of requests) {
    for await (const page of zoom.paginate(request)) {
      items.push(...page.items);
      await onPage?.(items.length);
      if (items.length >= limit) return { items: items.slice(0, limit), truncated: true };
    }
  }
  return { items, truncated: false };
}

