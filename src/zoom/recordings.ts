// Zoom cloud recordings: list a user's (one-month UTC windows), get one meeting's files, trash or delete them
// (all or one file), recover them from the trash. Downloading the files is jobs/downloads' work.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { clampPageSize, type ZoomClient, type ZoomListRequest } from './client.js';
import { meetingPathId, zoomPath } from './ids.js';
import { zoomId } from './schemas.js';
import { listUsersRequest } from './users.js';

/** Zoom's maximum page size for `/users/{userId}/recordings`. */
export const RECORDINGS_PAGE_MAX = 300;

// A size or count Zoom may send as a number or a numeric string; anything else is treated as absent.
const optionalNumber = z
  .unknown()
  .transform((v) => {
    const n = typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? Number(v) : Number.NaN;
    return Number.isFinite(n) ? n : undefined;
  })
  .optional();
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/** One file of a recording (Zoom's `recording_files[]`), the part the bot uses. */
export const RecordingFile = z.looseObject({
  id: optionalString,
  recording_start: optionalString,
  recording_end: optionalString,
  /** MP4, M4A, CHAT, TRANSCRIPT, CSV, TB, CC, CHAT_MESSAGE, SUMMARY, TIMELINE … */
  file_type: optionalString,
  /** MP4, M4A, TXT, VTT, CSV, JSON, JPG. */
  file_extension: optionalString,
  /** Bytes. */
  file_size: optionalNumber,
  download_url: optionalString,
  play_url: optionalString,
  /** `completed` once the file can be downloaded. */
  status: optionalString,
  /** shared_screen_with_speaker_view, audio_only, audio_transcript, chat_file … */
  recording_type: optionalString,
  /** Only in trash listings. */
  deleted_time: optionalString,
});
export type RecordingFile = z.infer<typeof RecordingFile>;

/** One recorded meeting instance (an item of a list, or the answer of get). */
export const Recording = z.looseObject({
  uuid: z.string(),
  id: zoomId,
  host_id: optionalString,
  topic: z.string().nullish().transform((v) => v ?? ''),
  start_time: optionalString,
  /** Minutes. */
  duration: optionalNumber,
  total_size: optionalNumber,
  recording_count: optionalNumber,
  // A string in REST answers and a number in webhooks (docs/platform-facts.md, webhooks).
  type: zoomId.optional(),
  recording_files: z
    .array(RecordingFile)
    .nullish()
    .transform((v) => v ?? []),
  /** Only with include_fields=download_access_token. */
  download_access_token: optionalString,
});
export type Recording = z.infer<typeof Recording>;

/** One `from`/`to` pair of UTC days, both inclusive, as Zoom takes them (`yyyy-mm-dd`). */
export interface RecordingWindow {
  from: string;
  to: string;
}

/**
 * The UTC days covering [from, to], cut into windows of at most one month (Zoom: "The maximum range can be a
 * month"), newest first. Each window starts the day after the previous one ends, so no day is asked for twice
 * and none is skipped, whatever the month lengths (31 Jan → 27 Feb, then 28 Feb → 27 Mar).
 */
export function recordingWindows(from: DateTime, to: DateTime): RecordingWindow[] {
  const first = from.toUTC().startOf('day');
  const last = to.toUTC().startOf('day');
  const windows: RecordingWindow[] = [];
  for (let start = first; start <= last; ) {
    const monthEnd = start.plus({ months: 1 }).minus({ days: 1 });
    const end = monthEnd < last ? monthEnd : last;
    windows.push({ from: start.toISODate()!, to: end.toISODate()! });
    start = end.plus({ days: 1 });
  }
  return windows.reverse();
}

export interface UserRecordingsQuery {
  /** Zoom user ID or email. */
  userId: string;
  window: RecordingWindow;
  pageSize?: number;
}

/** One window of a user's cloud recordings (a Medium call), for zoom.page or zoom.paginate. */
export function userRecordingsRequest(query: UserRecordingsQuery): ZoomListRequest<Recording> {
  return {
    method: 'GET',
    path: zoomPath`/users/${query.userId}/recordings`,
    query: {
      from: query.window.from,
      to: query.window.to,
      page_size: clampPageSize(query.pageSize, RECORDINGS_PAGE_MAX),
    },
    label: 'medium',
    itemsKey: 'meetings',
    item: Recording,
  };
}

/**
 * `GET /meetings/{meetingId}/recordings`: the newest instance for a numeric meeting ID, that instance for a UUID
 * (double-encoded when Zoom's rule says so).
 */
export function getRecording(zoom: ZoomClient, meetingIdOrUuid: string): Promise<Recording> {
  return zoom.request({
    method: 'GET',
    path: zoomPath`/meetings/${meetingPathId(meetingIdOrUuid)}/recordings`,
    label: 'light',
    schema: Recording,
  });
}

/** `trash` keeps the files recoverable for 30 days; `delete` removes them for good. */
export type RecordingDeleteAction = 'trash' | 'delete';

/** All files of the instance, or one file with `fileId`. Zoom answers 204. */
export function deleteRecording(
  zoom: ZoomClient,
  meetingIdOrUuid: string,
  options: { fileId?: string; action: RecordingDeleteAction },
): Promise<void> {
  const meeting = meetingPathId(meetingIdOrUuid);
  const path = options.fileId
    ? zoomPath`/meetings/${meeting}/recordings/${options.fileId}`
    : zoomPath`/meetings/${meeting}/recordings`;
  return zoom.request({ method: 'DELETE', path, query: { action: options.action }, label: 'light' });
}

/**
 * Takes trashed recordings back: every file of the instance (`/meetings/{meetingUUID}/recordings/status`, which
 * Zoom documents with a UUID but which takes the meeting ID too), or one file.
 */
export function recoverRecording(zoom: ZoomClient, meetingIdOrUuid: string, options: { fileId?: string } = {}): Promise<void> {
  const meeting = meetingPathId(meetingIdOrUuid);
  const path = options.fileId
    ? zoomPath`/meetings/${meeting}/recordings/${options.fileId}/status`
    : zoomPath`/meetings/${meeting}/recordings/status`;
  return zoom.request({ method: 'PUT', path, body: { action: 'recover' }, label: 'light' });
}

/** Files that can be downloaded now: completed, with a URL (on-premise files have only a path). */
export function downloadableFiles(recording: Recording): RecordingFile[] {
  return recording.recording_files.filter((f) => f.download_url && f.id && (f.status ?? 'completed') === 'completed');
}

/** Bytes of the whole recording: Zoom's total, else the sum of its files. */
export function totalSize(recording: Recording): number {
  return recording.total_size ?? recording.recording_files.reduce((sum, f) => sum + (f.file_size ?? 0), 0);
}

/** Whose recordings over which days, as a list and its CSV travel (buttons, jobs): a user, or everyone; a range in a zone. */
export interface RecordingsQuery {
  /** Zoom user ID; absent for every user. */
  u?: string;
  /** ISO instants and the zone they were read in. */
  f: string;
  t: string;
  z: string;
}

/** Where a gathering stopped because its Zoom calls ran out: whose recordings it read whole, of how many users. */
export interface RecordingsCut {
  calls: number;
  usersRead: number;
  users: number | undefined;
}

/**
 * Every recording in the range, newest first: each user's (one or all), each one-month window, every page. It stops
 * at `limit` recordings, or after `maxCalls` Zoom calls (then `cut` says how far it got; the recordings of the user
 * it was reading are left out, so no user is shown half).
 */
export async function gatherRecordings(
  zoom: ZoomClient,
  query: RecordingsQuery,
  limit: number,
  onPage?: (found: number) => Promise<void>,
  maxCalls = Number.POSITIVE_INFINITY,
): Promise<{ recordings: Array<Recording & { hostEmail?: string }>; truncated: boolean; cut?: RecordingsCut }> {
  const from = DateTime.fromISO(query.f, { zone: query.z });
  const to = DateTime.fromISO(query.t, { zone: query.z });
  let calls = 0;
  const done = () => ({ recordings: [...found.values()].sort((a, b) => (b.start_time ?? '').localeCompare(a.start_time ?? '')) });
  const found = new Map<string, Recording & { hostEmail?: string }>();
  const users: Array<{ id: string; email?: string }> = [];
  if (query.u) users.push({ id: query.u });
  else {
    for await (const page of zoom.paginate(listUsersRequest({ pageSize: 300 }))) {
      users.push(...page.items);
      calls += 1;
      if (calls >= maxCalls && page.nextPageToken) return { ...done(), truncated: true, cut: { calls, usersRead: 0, users: undefined } };
    }
  }
  const windows = recordingWindows(from, to);
  const cut = (usersRead: number) => ({ ...done(), truncated: true, cut: { calls, usersRead, users: users.length } });
  for (const [read, user] of users.entries()) {
    if (calls >= maxCalls) return cut(read);
    const mine: Recording[] = [];
    let whole = true;
    user: for (const window of windows) {
      for await (const page of zoom.paginate(userRecordingsRequest({ userId: user.id, window, pageSize: 300 }))) {
        calls += 1;
        mine.push(...page.items);
        await onPage?.(found.size + mine.length);
        if (found.size + mine.length >= limit) {
          keep(user, mine);
          return { recordings: done().recordings.slice(0, limit), truncated: true };
        }
        if (calls >= maxCalls) {
          whole = !page.nextPageToken && window === windows.at(-1);
          break user;
        }
      }
    }
    if (!whole) return cut(read);
    keep(user, mine);
  }
  return { ...done(), truncated: false };

  function keep(user: { id: string; email?: string }, items: Recording[]): void {
    // Zoom filters by UTC day; the admin asked for days in their own zone.
    for (const r of items) {
      const start = r.start_time ? DateTime.fromISO(r.start_time) : undefined;
      if (start && (start < from || start > to)) continue;
      found.set(r.uuid, { ...r, ...(user.email ? { hostEmail: user.email } : {}) });
    }
  }
}
