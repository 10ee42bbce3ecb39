// Zoom meetings: list a user's meetings; get, create, update, delete and end one.
import { z } from 'zod';
import { clampPageSize, type ResultPage, type ZoomClient, type ZoomListRequest } from './client.js';
import { meetingPathId, zoomPath } from './ids.js';
import { zoomId } from './schemas.js';

export const MeetingOccurrence = z.looseObject({
  occurrence_id: zoomId,
  start_time: z.string(),
  duration: z.number().optional(),
  /** `available` or `deleted`. */
  status: z.string().optional(),
});
export type MeetingOccurrence = z.infer<typeof MeetingOccurrence>;

export const MeetingRecurrence = z.looseObject({
  /** 1 daily, 2 weekly, 3 monthly. */
  type: z.number(),
  repeat_interval: z.number().optional(),
  /** "1" (Sunday) to "7", comma-separated. */
  weekly_days: z.string().optional(),
  monthly_day: z.number().optional(),
  monthly_week: z.number().optional(),
  monthly_week_day: z.number().optional(),
  end_times: z.number().optional(),
  end_date_time: z.string().optional(),
});
export type MeetingRecurrence = z.infer<typeof MeetingRecurrence>;

export const MeetingSettings = z.looseObject({
  /** 0 automatic, 1 manual, 2 no registration. */
  approval_type: z.number().optional(),
  /** 1 once for all occurrences, 2 per occurrence, 3 attendees choose. */
  registration_type: z.number().optional(),
  waiting_room: z.boolean().optional(),
  join_before_host: z.boolean().optional(),
  auto_recording: z.string().optional(),
  alternative_hosts: z.string().optional(),
});
export type MeetingSettings = z.infer<typeof MeetingSettings>;

const meetingFields = {
  id: zoomId,
  uuid: z.string().optional(),
  topic: z.string(),
  /** 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time. */
  type: z.number(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  timezone: z.string().optional(),
  agenda: z.string().optional(),
  host_id: z.string().optional(),
  join_url: z.string().optional(),
  created_at: z.string().optional(),
};

/** An item of a meeting list; Zoom truncates its agenda to 250 characters. */
export const MeetingSummary = z.looseObject(meetingFields);
export type MeetingSummary = z.infer<typeof MeetingSummary>;

export const Meeting = z.looseObject({
  ...meetingFields,
  host_email: z.string().optional(),
  /** Carries the host's ZAK: whoever has it starts the meeting as host. Never show or log it. */
  start_url: z.string().optional(),
  registration_url: z.string().optional(),
  password: z.string().optional(),
  /** `waiting` or `started`. */
  status: z.string().optional(),
  settings: MeetingSettings.optional(),
  recurrence: MeetingRecurrence.optional(),
  occurrences: z.array(MeetingOccurrence).optional(),
});
export type Meeting = z.infer<typeof Meeting>;

/** What we send to create or update a meeting (Zoom's meetingCreate body, the part the bot uses). */
export interface MeetingInput {
  topic?: string;
  type?: 1 | 2 | 3 | 8;
  /** `yyyy-MM-ddTHH:mm:ss` in `timezone`, or `yyyy-MM-ddTHH:mm:ssZ` in UTC; no milliseconds. */
  start_time?: string;
  /** Minutes. */
  duration?: number;
  /** IANA name; without it Zoom uses the host's timezone. */
  timezone?: string;
  agenda?: string;
  settings?: {
    approval_type?: 0 | 1 | 2;
    registration_type?: 1 | 2 | 3;
  };
  /** Type 8 only; `end_times` and `end_date_time` exclude each other. */
  recurrence?: {
    type: 1 | 2 | 3;
    repeat_interval?: number;
    weekly_days?: string;
    monthly_day?: number;
    monthly_week?: -1 | 1 | 2 | 3 | 4;
    monthly_week_day?: 1 | 2 | 3 | 4 | 5 | 6 | 7;
    end_times?: number;
    end_date_time?: string;
  };
}

export type MeetingListType = 'scheduled' | 'live' | 'upcoming' | 'upcoming_meetings' | 'previous_meetings';

export interface ListMeetingsOptions {
  type?: MeetingListType;
  /** `yyyy-mm-dd` */
  from?: string;
  /** `yyyy-mm-dd` */
  to?: string;
  pageSize?: number;
  nextPageToken?: string;
}

export interface MeetingPage extends Omit<ResultPage<MeetingSummary>, 'items'> {
  meetings: MeetingSummary[];
}

export interface OccurrenceOption {
  /** One occurrence of a recurring meeting; without it the whole series. */
  occurrenceId?: string;
}

/** The list request, for zoom.paginate when every page is needed. */
export function listMeetingsRequest(
  userId: string,
  options: ListMeetingsOptions = {},
): ZoomListRequest<MeetingSummary> {
  const { type, from, to } = options;
  return {
    method: 'GET',
    path: zoomPath`/users/${userId}/meetings`,
    query: { type, from, to, page_size: clampPageSize(options.pageSize, 300) },
    label: 'medium',
    itemsKey: 'meetings',
    item: MeetingSummary,
  };
}

export async function listMeetings(
  zoom: ZoomClient,
  userId: string,
  options: ListMeetingsOptions = {},
): Promise<MeetingPage> {
  const { items, ...page } = await zoom.page(listMeetingsRequest(userId, options), options.nextPageToken);
  return { meetings: items, ...page };
}

export function getMeeting(zoom: ZoomClient, meetingId: string, options: OccurrenceOption = {}): Promise<Meeting> {
  return zoom.request({
    method: 'GET',
    path: zoomPath`/meetings/${meetingPathId(meetingId)}`,
    query: { occurrence_id: options.occurrenceId },
    label: 'light',
    schema: Meeting,
  });
}

/** Counts against the host's 100 creates and updates a day; past that Zoom answers 429 until 00:00 UTC. */
export function createMeeting(zoom: ZoomClient, userId: string, input: MeetingInput): Promise<Meeting> {
  return zoom.request({
    method: 'POST',
    path: zoomPath`/users/${userId}/meetings`,
    body: input,
    label: 'light',
    schema: Meeting,
  });
}

/** Zoom answers 204 with no body: getMeeting afterwards shows the result. */
export function updateMeeting(
  zoom: ZoomClient,
  meetingId: string,
  input: Partial<MeetingInput>,
  options: OccurrenceOption = {},
): Promise<void> {
  return zoom.request({
    method: 'PATCH',
    path: zoomPath`/meetings/${meetingPathId(meetingId)}`,
    query: { occurrence_id: options.occurrenceId },
    body: input,
    label: 'light',
  });
}

export function deleteMeeting(zoom: ZoomClient, meetingId: string, options: OccurrenceOption = {}): Promise<void> {
  return zoom.request({
    method: 'DELETE',
    path: zoomPath`/meetings/${meetingPathId(meetingId)}`,
    query: { occurrence_id: options.occurrenceId },
    label: 'light',
  });
}

/** Ends a meeting in progress for everyone in it. */
export function endMeeting(zoom: ZoomClient, meetingId: string): Promise<void> {
  return zoom.request({
    method: 'PUT',
    path: zoomPath`/meetings/${meetingPathId(meetingId)}/status`,
    body: { action: 'end' },
    label: 'light',
  });
}
