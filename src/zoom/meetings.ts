// Zoom meetings: a meeting's shape and a user's meeting list. Get, create, update, delete and end are the calls
// meetings share with webinars, in meetings-webinars.ts; this file adds only what is meeting-only.
import { z } from 'zod';
import type { ResultPage, ZoomClient, ZoomListRequest } from './client.js';
import { SessionSettings, sessionDetailFields, sessionSummaryFields, userSessionsRequest, type SessionInput } from './meetings-webinars.js';

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
