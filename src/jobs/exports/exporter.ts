// What one kind of CSV export is: the query it takes (as its button and its job carry it), and how to read every
// row of it from Zoom. The export job runs any of them; commands only name the kind and the query.
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { CsvRow } from '../../views/csv.js';
import type { ZoomClient } from '../../zoom/client.js';

export interface ExportRows {
  header: CsvRow;
  rows: CsvRow[];
  /** Stopped at the row limit: the file says so and the admin narrows the range. */
  truncated: boolean;
}

export interface CsvExporter<Query> {
  kind: string;
  query: z.ZodType<Query>;
  /** What a row is, plural: `calls`, `users`. */
  noun(query: Query): string;
  /** The file name before the date: `phone-calls`. */
  filename(query: Query): string;
  /** Every row, in `zone` where times are shown; `onPage` after each page Zoom answered (progress, safe point). */
  collect(zoom: ZoomClient, query: Query, zone: string, onPage: (rowsSoFar: number) => Promise<void>): Promise<ExportRows>;
}

/** `2026-12-01 15:00:00` in the reader's zone; anything unparseable as Zoom sent it. */
export function localTime(iso: string | undefined, zone: string, format = 'yyyy-MM-dd HH:mm:ss'): string {
  if (!iso) return '';
  const dt = DateTime.fromISO(iso, { setZone: true });
  return dt.isValid ? dt.setZone(zone).toFormat(format) : iso;
}
