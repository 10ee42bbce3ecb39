// The account's users and their sign-in report as CSV.
import { z } from 'zod';
import { USER_TYPES } from '../../views/users.js';
import { collectPages } from '../../zoom/collect.js';
import { RangeValue, rangeWindows } from '../../zoom/date-windows.js';
import { activityReportRequest } from '../../zoom/reports.js';
import { listUsersRequest, type UserStatus } from '../../zoom/users.js';
import { localTime, type CsvExporter } from './exporter.js';

export const USER_STATUSES = ['active', 'inactive', 'pending'] as const satisfies readonly UserStatus[];
// Zoom's /users takes up to 2,000 a page.
const USERS_EXPORT_PAGE = 2000;

export const UserQuery = z.object({ s: z.enum(USER_STATUSES) });
export type UserQuery = z.infer<typeof UserQuery>;

export const usersExport: CsvExporter<UserQuery> = {
  kind: 'users',
  query: UserQuery,
  noun: () => 'users',
  filename: (query) => `zoom-users-${query.s}`,
  collect: async (zoom, query, _zone, onPage) => {
    const { items, truncated } = await collectPages(zoom, [listUsersRequest({ status: query.s, pageSize: USERS_EXPORT_PAGE })], undefined, onPage);
    return {
      header: ['ID', 'Email', 'First name', 'Last name', 'Display name', 'Type', 'Status', 'Department', 'Time zone'],
      rows: items.map((u) => [u.id, u.email, u.first_name, u.last_name, u.display_name, USER_TYPES[u.type ?? 0] ?? u.type, u.status ?? query.s, u.dept, u.timezone]),
      truncated,
    };
  },
};

export const signInsExport: CsvExporter<RangeValue> = {
  kind: 'sign-ins',
  query: RangeValue,
  noun: () => 'sign-ins and sign-outs',
  filename: () => 'zoom-sign-ins',
  collect: async (zoom, range, zone, onPage) => {
    const { items, truncated } = await collectPages(zoom, rangeWindows(range).map((w) => activityReportRequest(w)), undefined, onPage);
    return {
      header: [`Time (${zone})`, 'Email', 'Activity', 'Client', 'Version', 'IP address'],
      rows: items.map((a) => [localTime(a.time, zone), a.email, a.type, a.client_type, a.version, a.ip_address]),
      truncated,
    };
  },
};
