// CSV exports for any list (phone calls, users, activity; meetings and recordings can use the same): RFC 4180 text
// sent as a file in the admin's direct message, because lists of calls and sign-ins are personal data.
import type { Invocation, Services } from './context.js';
import { sendFileToDirectMessage } from '../slack/files.js';
import { textMessage } from '../views/blocks.js';
import { csvSentLine, toCsv, type CsvRow } from '../views/csv.js';

export type { CsvCell, CsvRow } from '../views/csv.js';
import type { ZoomClient, ZoomListRequest } from '../zoom/client.js';

/**
 * Rows one export reads while the admin waits (about 170 calls of 300). Past it the file says so and the admin
 * narrows the range; anything bigger belongs in a background job.
 */
export const CSV_ROW_LIMIT = 50_000;

/** Uploads `rows` (header first) as `filename` into the admin's DM with the bot. */
export async function sendCsv(services: Services, userId: string, filename: string, rows: readonly CsvRow[], comment?: string): Promise<void> {
  await sendFileToDirectMessage(services.slack, userId, { filename, content: toCsv(rows), comment });
}

/** Every item of the given list requests, in order, up to `limit` (the flag says whether it stopped there). */
export async function collectPages<Item>(
  zoom: ZoomClient,
  requests: ReadonlyArray<ZoomListRequest<Item>>,
  limit = CSV_ROW_LIMIT,
): Promise<{ items: Item[]; truncated: boolean }> {
  const items: Item[] = [];
  for (const request of requests) {
    for await (const page of zoom.paginate(request)) {
      items.push(...page.items);
      if (items.length >= limit) return { items: items.slice(0, limit), truncated: true };
    }
  }
  return { items, truncated: false };
}

export interface CsvExport {
  /** `phone-calls-2026-12-01.csv`. */
  filename: string;
  /** What a row is, plural: `calls`, `users`. */
  noun: string;
  header: CsvRow;
  rows: readonly CsvRow[];
  truncated?: boolean;
}

/** Sends the export to the admin's DM and says so where they asked (ephemeral). */
export async function deliverCsv(inv: Invocation, csv: CsvExport): Promise<void> {
  const line = csvSentLine({ count: csv.rows.length, noun: csv.noun, filename: csv.filename, truncated: csv.truncated });
  await sendCsv(inv.services, inv.person.id, csv.filename, [csv.header, ...csv.rows], line);
  await inv.reply(textMessage(line));
}

/** `phone-calls-2026-12-01.csv`: the export's name with the day it was made in the admin's zone. */
export function csvFilename(base: string, inv: Invocation): string {
  return `${base}-${inv.services.now().setZone(inv.person.tz).toFormat('yyyy-MM-dd')}.csv`;
}
