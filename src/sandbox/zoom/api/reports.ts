// Reports in the sandbox: sign-in and sign-out activity (`GET /report/activities`, Heavy), at most a month at a time
// within the last six months (the last day by default).
import { DateTime } from 'luxon';
import { ZoomError, json } from '../http.js';
import { monthWindow } from '../dates.js';
import { LIST_300, paginate } from '../paging.js';
import { api, type Route } from '../router.js';

export const reportRoutes: Route[] = [
  api('GET', '/report/activities', 'heavy', (ctx, { query }) => {
    const now = DateTime.fromJSDate(ctx.now(), { zone: 'UTC' });
    const window = monthWindow(query, { from: now.minus({ days: 1 }).startOf('day'), to: now });
    if (window.from < now.minus({ months: 6 }).startOf('day')) {
      throw new ZoomError(400, 300, 'The date range must be within the last six months.');
    }
    const activities = ctx.state.activities
      .filter((a) => Date.parse(a.time) >= window.fromMs && Date.parse(a.time) <= window.toMs)
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    const page = paginate(activities, query, LIST_300, '/report/activities');
    return json({
      from: window.from.toISODate(),
      to: window.to.toISODate(),
      page_size: page.fields.page_size,
      next_page_token: page.fields.next_page_token,
      activity_logs: page.items.map((a) => ({
        email: a.email,
        time: a.time,
        type: a.type,
        ip_address: a.ipAddress,
        client_type: a.clientType,
        version: a.version,
      })),
    });
  }),
];
