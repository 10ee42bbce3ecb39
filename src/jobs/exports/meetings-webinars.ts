// A host's meetings or webinars as CSV: the list the admin was looking at, every page.
import { z } from 'zod';
import type { CsvRow } from '../../views/csv.js';
import type { ZoomListRequest } from '../../zoom/client.js';
import { collectPages } from '../../zoom/collect.js';
import { listMeetingsRequest, type MeetingListType, type MeetingSummary } from '../../zoom/meetings.js';
import { listWebinarsRequest, type WebinarListType, type WebinarSummary } from '../../zoom/webinars.js';
import type { CsvExporter } from './exporter.js';

/** The list as its Next page and CSV buttons carry it (views/meetings-webinars.ts SessionListState). */
export const SessionListQuery = z.object({
  kind: z.enum(['meeting', 'webinar']),
  userId: z.string().min(1),
  userLabel: z.string(),
  type: z.string().min(1),
  from: z.string().optional(),
  to: z.string().optional(),
  timezone: z.string().optional(),
});
export type SessionListQuery = z.infer<typeof SessionListQuery>;

const HEADER: CsvRow = ['id', 'topic', 'start (UTC)', 'time zone', 'duration (min)', 'type', 'join url'];

export const sessionsExport: CsvExporter<SessionListQuery> = {
  kind: 'sessions',
  query: SessionListQuery,
  noun: (q) => `${q.kind}s`,
  filename: (q) => `${q.kind}s-${q.type}`,
  collect: async (zoom, q, _zone, onPage) => {
    const request: ZoomListRequest<MeetingSummary | WebinarSummary> =
      q.kind === 'meeting'
        ? listMeetingsRequest(q.userId, { type: q.type as MeetingListType, from: q.from, to: q.to, timezone: q.timezone, pageSize: 300 })
        : listWebinarsRequest(q.userId, { type: q.type as WebinarListType, pageSize: 300 });
    const { items, truncated } = await collectPages(zoom, [request], undefined, onPage);
    return {
      header: [`${q.kind} id`, ...HEADER.slice(1)],
      rows: items.map((s) => [s.id, s.topic, s.start_time, s.timezone, s.duration, s.type, s.join_url]),
      truncated,
    };
  },
};
