// Zoom webinars: a webinar's shape and a host's webinar list (the missing-licence refusal: errors.ts). Like meetings.ts, it
// describes only what is webinar-only; get, create, update, delete and end live in meetings-webinars.ts.
import { z } from 'zod';
import type { ResultPage, ZoomClient, ZoomListRequest } from './client.js';
import { SessionSettings, sessionDetailFields, sessionSummaryFields, userSessionsRequest, type SessionInput } from './meetings-webinars.js';

const webinarFields = {
  ...sessionSummaryFields,
  /** 5 webinar, 6 recurring without fixed time, 9 recurring with fixed time. */
  type: z.number(),
};

/** An item of a webinar list; Zoom truncates its agenda to 250 characters. */
export const WebinarSummary = z.looseObject(webinarFields);
export type WebinarSummary = z.infer<typeof WebinarSummary>;

export const Webinar = z.looseObject({
  ...webinarFields,
  ...sessionDetailFields,
  settings: SessionSettings.optional(),
});
export type Webinar = z.infer<typeof Webinar>;

/** What we send to create or update a webinar (Zoom's webinarCreate body, the part the bot uses). */
export type WebinarInput = SessionInput<5 | 6 | 9>;

/** `scheduled`: unexpired past, live and upcoming webinars (Zoom's default); `upcoming`: live and upcoming. */
export type WebinarListType = 'scheduled' | 'upcoming';

export interface ListWebinarsOptions {
  type?: WebinarListType;
  pageSize?: number;
  /**
   * Zoom's spec lists no next_page_token parameter for this endpoint, yet returns one and calls page_number
   * deprecated in its favour; we send it the way the other lists take it (unverified on a real account).
   */
  nextPageToken?: string;
}

export interface WebinarPage extends Omit<ResultPage<WebinarSummary>, 'items'> {
  webinars: WebinarSummary[];
}

/** The list request, for zoom.paginate when every page is needed. Only unexpired webinars are listed. */
export function listWebinarsRequest(
  userId: string,
  options: Omit<ListWebinarsOptions, 'nextPageToken'> = {},
): ZoomListRequest<WebinarSummary> {
  return userSessionsRequest('webinar', userId, { type: options.type }, options.pageSize, WebinarSummary);
}

export async function listWebinars(
  zoom: ZoomClient,
  userId: string,
  options: ListWebinarsOptions = {},
): Promise<WebinarPage> {
  const { items, ...page } = await zoom.page(listWebinarsRequest(userId, options), options.nextPageToken);
  return { webinars: items, ...page };
}
