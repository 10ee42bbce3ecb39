// Cloud recordings as CSV: one user's or everyone's, over a range, one row per recorded meeting.
import { z } from 'zod';
import { gatherRecordings, totalSize } from '../../zoom/recordings.js';
import { localTime, type CsvExporter } from './exporter.js';

/** What a recordings list is of; travels in its Next page and CSV buttons. */
export const RecordingsListQuery = z.object({
  /** Zoom user ID, or absent for --all. */
  u: z.string().min(1).optional(),
  /** Who, as the title names them. */
  l: z.string(),
  f: z.string().min(1),
  t: z.string().min(1),
  z: z.string().min(1),
});
export type RecordingsListQuery = z.infer<typeof RecordingsListQuery>;

/** Recorded meetings one export holds at most (whole Zoom objects, files and URLs included); past it the file says so. */
const EXPORT_LIMIT = 5_000;
/**
 * Zoom calls one export may make: far more than a command's 60 (a year of 150 users), each paced by the rate limiter
 * like every call, yet bounded, so an export of a large account over a year cannot spend the day's Medium budget.
 */
export const EXPORT_ZOOM_CALLS = 2_000;

export const recordingsExport: CsvExporter<RecordingsListQuery> = {
  kind: 'recordings',
  query: RecordingsListQuery,
  noun: () => 'recordings',
  filename: () => 'recordings',
  collect: async (zoom, query, zone, onPage) => {
    const { recordings, truncated } = await gatherRecordings(zoom, query, EXPORT_LIMIT, onPage, EXPORT_ZOOM_CALLS);
    return {
      header: [`Start (${zone})`, 'Topic', 'Meeting ID', 'UUID', 'Host', 'Files', 'Bytes'],
      rows: recordings.map((r) => [localTime(r.start_time, zone, 'yyyy-MM-dd HH:mm'), r.topic, r.id, r.uuid, r.hostEmail ?? r.host_id, r.recording_files.length, totalSize(r)]),
      truncated,
    };
  },
};
