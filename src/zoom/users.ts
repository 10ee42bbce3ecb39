// Zoom users: look one up (by ID or email) and list the account's users.
import { z } from 'zod';
import { clampPageSize, type ResultPage, type ZoomClient, type ZoomListRequest } from './client.js';
import { zoomPath } from './ids.js';

export const ZoomUser = z.looseObject({
  id: z.string(),
  email: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  display_name: z.string().optional(),
  /** 1 basic, 2 licensed, 4 unassigned without Meetings Basic, 99 none. */
  type: z.number().optional(),
  status: z.string().optional(),
  timezone: z.string().optional(),
  dept: z.string().optional(),
  role_id: z.string().optional(),
});
export type ZoomUser = z.infer<typeof ZoomUser>;

export type UserStatus = 'active' | 'inactive' | 'pending';

export interface ListUsersOptions {
  status?: UserStatus;
  pageSize?: number;
  nextPageToken?: string;
}

export interface UserPage extends Omit<ResultPage<ZoomUser>, 'items'> {
  users: ZoomUser[];
}

/** `GET /users/{userId}`; Zoom takes an email there too. */
export function getUser(zoom: ZoomClient, idOrEmail: string): Promise<ZoomUser> {
  return zoom.request({ method: 'GET', path: zoomPath`/users/${idOrEmail}`, label: 'light', schema: ZoomUser });
}

/** The list request, for zoom.paginate when every user is needed. */
export function listUsersRequest(options: ListUsersOptions = {}): ZoomListRequest<ZoomUser> {
  return {
    method: 'GET',
    path: '/users',
    query: { status: options.status, page_size: clampPageSize(options.pageSize, 2000) },
    label: 'medium',
    itemsKey: 'users',
    item: ZoomUser,
  };
}

export async function listUsers(zoom: ZoomClient, options: ListUsersOptions = {}): Promise<UserPage> {
  const { items, ...page } = await zoom.page(listUsersRequest(options), options.nextPageToken);
  return { users: items, ...page };
}
