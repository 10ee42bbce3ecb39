// Users API of the sandbox: `GET /users` (status filter, pages of up to 2000) and `GET /users/{userId}` by ID or email.
import { z } from 'zod';
import { json, validationFailed } from '../http.js';
import { paginate } from '../paging.js';
import { api, type Route } from '../router.js';
import { userDetail, userSummary } from '../shapes.js';
import { requireUser } from '../store.js';

const UserStatus = z.enum(['active', 'inactive', 'pending']);

export const userRoutes: Route[] = [
  api('GET', '/users', 'medium', (ctx, { query }) => {
    const status = UserStatus.safeParse(query.status ?? 'active');
    if (!status.success) throw validationFailed('status', 'must be one of active, inactive, pending');
    const users = ctx.state.users.filter((u) => u.status === status.data);
    const page = paginate(users, query, { defaultSize: 30, maxSize: 2000 }, '/users');
    return json({ ...page.fields, page_number: 1, users: page.items.map(userSummary) });
  }),
  api('GET', '/users/:userId', 'light', (ctx, { params }) => json(userDetail(ctx, requireUser(ctx.state, params.userId ?? '')))),
];
