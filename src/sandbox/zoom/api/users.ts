// Users API of the sandbox: `GET /users` (status filter, pages of up to 2000), `GET /users/{userId}` by ID or email, and
// `PATCH /users/{userId}` (204) for the profile fields the sandbox keeps (help's `api PATCH /users/… {"dept":"Ops"}`).
import { z } from 'zod';
import { json, noContent, parseBody, validationFailed } from '../http.js';
import { paginate } from '../paging.js';
import { api, type Route } from '../router.js';
import { userDetail, userSummary } from '../shapes.js';
import { checkTimezone } from '../dates.js';
import { requireUser } from '../store.js';

const UserStatus = z.enum(['active', 'inactive', 'pending']);
/** The fields of Zoom's user update the sandbox keeps; Zoom takes more (job title, language …), which are accepted and dropped. */
const UserUpdate = z.looseObject({
  first_name: z.string().max(64).optional(),
  last_name: z.string().max(64).optional(),
  dept: z.string().max(128).optional(),
  timezone: z.string().optional(),
  type: z.union([z.literal(1), z.literal(2)]).optional(),
});

export const userRoutes: Route[] = [
  api('GET', '/users', 'medium', (ctx, { query }) => {
    const status = UserStatus.safeParse(query.status ?? 'active');
    if (!status.success) throw validationFailed('status', 'must be one of active, inactive, pending');
    const users = ctx.state.users.filter((u) => u.status === status.data);
    const page = paginate(users, query, { defaultSize: 30, maxSize: 2000 }, '/users');
    return json({ ...page.fields, page_number: 1, users: page.items.map(userSummary) });
  }),
  api('GET', '/users/:userId', 'light', (ctx, { params }) => json(userDetail(ctx, requireUser(ctx.state, params.userId ?? '')))),
  api('PATCH', '/users/:userId', 'light', (ctx, { params, body }) => {
    const user = requireUser(ctx.state, params.userId ?? '');
    const update = parseBody(body, UserUpdate);
    if (update.timezone !== undefined) user.timezone = checkTimezone(update.timezone);
    if (update.first_name !== undefined) user.firstName = update.first_name;
    if (update.last_name !== undefined) user.lastName = update.last_name;
    if (update.dept !== undefined) user.dept = update.dept;
    if (update.type !== undefined) user.type = update.type;
    return noContent();
  }),
];
