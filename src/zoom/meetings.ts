// Zoom meetings: list a user's meetings; get, create, update, delete and end one.
// The shapes and calls meetings share with webinars live in sessions.ts; this file adds what is meeting-only.
import { z } from 'zod';
import type { ResultPage, ZoomClient, ZoomListRequest } from './client.js';
import {
  SessionSettings,
  createSession,
  deleteSession,
  endSession,
  getSession,
  sessionDetailFields,
  sessionSummaryFields,
  updateSession,
  userSessionsRequest,
  type OccurrenceOption,
  type SessionInput,
} from './sessions.js';

export {
  SessionOccurrence as MeetingOccurrence,
  SessionRecurrence as MeetingRecurrence,
  type OccurrenceOption,
} from './sessions.js';

export const MeetingSettings = z.looseObject({
  ...SessionSettings.shape,
  waiting_room: z.boolean().optional(),
  join_before_host: z.boolean().optional(),
});
export type MeetingSettings = z.infer<typeof MeetingSettings>;

const meetingFields = {
  ...sessionSummaryFields,
  /** 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time. */
  type: z.number(),
};

/** An item of a meeting list; Zoom truncates its agenda to 250 characters. */
export const MeetingSummary = z.looseObject(meetingFields);
export type MeetingSummary = z.infer<typeof MeetingSummary>;

export const Meeting = z.looseObject({
  ...meetingFields,
  ...sessionDetailFields,
  /** `waiting` or `started`. */
  status: z.string().optional(),
  settings: MeetingSettings.optional(),
});
export type Meeting = z.infer<typeof Meeting>;

/** What we send to create or update a meeting (Zoom's meetingCreate body, the part the bot uses). */
export type MeetingInput = SessionInput<1 | 2 | 3 | 8>;

export type MeetingListType = 'scheduled' | 'live' | 'upcoming' | 'upcoming_meetings' | 'previous_meetings';

export interface ListMeetingsOptions {
  type?: MeetingListType;
  /** `yyyy-mm-dd` */
  from?: string;
  /** `yyyy-mm-dd` */
  to?: string;
  pageSize?: number;
  nextPageToken?: string;
  /** IANA zone in which `from` and `to` are meant. */
  timezone?: string;
}

export interface MeetingPage extends Omit<ResultPage<MeetingSummary>, 'items'> {
  meetings: MeetingSummary[];
}

/** The list request, for zoom.paginate when every page is needed. */
export function listMeetingsRequest(
  userId: string,
  options: ListMeetingsOptions = {},
): ZoomListRequest<MeetingSummary> {
  const { type, from, to, timezone } = options;
  // Zoom reads from/to in `timezone` (UTC without it), so a date the admin means locally is sent with its zone.
  const zone = from || to ? timezone : undefined;
  return userSessionsRequest('meeting', userId, { type, from, to, timezone: zone }, options.pageSize, MeetingSummary);
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
  return getSession(zoom, 'meeting', meetingId, Meeting, options);
}

/** Counts against the host's 100 creates and updates a day; past that Zoom answers 429 until 00:00 UTC. */
export function createMeeting(zoom: ZoomClient, userId: string, input: MeetingInput): Promise<Meeting> {
  return createSession(zoom, 'meeting', userId, input, Meeting);
}

/** Zoom answers 204 with no body: getMeeting afterwards shows the result. */
export function updateMeeting(
  zoom: ZoomClient,
  meetingId: string,
  input: Partial<MeetingInput>,
  options: OccurrenceOption = {},
): Promise<void> {
  return updateSession(zoom, 'meeting', meetingId, input, options);
}

export function deleteMeeting(zoom: ZoomClient, meetingId: string, options: OccurrenceOption = {}): Promise<void> {
  return deleteSession(zoom, 'meeting', meetingId, options);
}

/** Ends a meeting in progress for everyone in it. */
export function endMeeting(zoom: ZoomClient, meetingId: string): Promise<void> {
  return endSession(zoom, 'meeting', meetingId);
}
