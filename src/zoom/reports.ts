// Zoom reports: the sign-in/sign-out activity report (`/report/activities`), one month a call, last six months.
import { z } from 'zod';
import { clampPageSize, type ZoomListRequest } from './client.js';
import type { DateWindow } from './date-windows.js';

/** Zoom's spec gives no maximum; 300 is the largest any report list takes. */
export const ACTIVITY_PAGE_MAX = 300;

export const UserActivity = z.looseObject({
  email: z.string().nullish().transform((v) => v ?? ''),
  /** ISO instant. */
  time: z.string().nullish().transform((v) => v ?? ''),
  /** `Sign in` or `Sign out`. */
  type: z.string().nullish().transform((v) => v ?? ''),
  client_type: z.string().optional(),
  ip_address: z.string().optional(),
  version: z.string().optional(),
});
export type UserActivity = z.infer<typeof UserActivity>;

/**
 * One window of `GET /report/activities` (Heavy), for zoom.page or zoom.paginate. The report takes calendar dates
 * (`yyyy-mm-dd`); the window's days are those of the reader's zone.
 */
export function activityReportRequest(window: DateWindow, pageSize = ACTIVITY_PAGE_MAX): ZoomListRequest<UserActivity> {
  return {
    method: 'GET',
    path: '/report/activities',
    query: {
      from: window.from.toISODate() ?? undefined,
      to: window.to.toISODate() ?? undefined,
      page_size: clampPageSize(pageSize, ACTIVITY_PAGE_MAX),
    },
    label: 'heavy',
    itemsKey: 'activity_logs',
    item: UserActivity,
  };
}
