// `/zoom users list` (by status, with pages and CSV) and `/zoom users activity` (the sign-in/sign-out report,
// one-month windows within the last six months).
import { z } from 'zod';
import { buttonValue, stringFlag } from './args.js';
import type { ActionDef, CommandDef } from './command.js';
import type { Invocation, ParsedCommand } from './context.js';
import { startExport } from './csv.js';
import { PagePosition, RangeValue, historyRange, rangeWindows, windowedPage } from './history.js';
import { USER_STATUSES, UserQuery } from '../jobs/exports/users.js';
import { formatPeriod } from '../views/history.js';
import { USER_ACTIONS, activityMessage, userListMessage } from '../views/users.js';
import { activityReportRequest } from '../zoom/reports.js';
import { listUsers, type UserStatus } from '../zoom/users.js';

/** Users per Slack page: one line each in one section, well within its 3000 characters. */
const USERS_PAGE_SIZE = 30;
const ACTIVITY_PAGE_SIZE = 20;
const STATUSES = USER_STATUSES;
const UserPage = UserQuery.extend({ k: z.string() });
const ActivityPage = RangeValue.extend(PagePosition.shape);

export const userCommands: CommandDef[] = [
  {
    path: ['users', 'list'],
    usage: 'users list [--status active|inactive|pending] [--csv]',
    summary: "The account's users (active by default), 30 a page; the CSV comes in a DM.",
    example: 'users list --status pending',
    access: 'read',
    args: { positionals: [], flags: { status: { type: 'string', choices: STATUSES }, csv: { type: 'boolean' } } },
    run: async (inv, args) => {
      const query = { s: (stringFlag(args, 'status') ?? 'active') as UserStatus };
      if (args.flags.csv === true) await exportUsers(inv, query);
      else await showUserPage(inv, { ...query, k: '' });
    },
  },
  {
    path: ['users', 'activity'],
    usage: 'users activity [--from <date>] [--to <date>] [--csv]',
    summary: 'Who signed in and out (the last 30 days by default, six months at most), newest first.',
    example: 'users activity --from -7d',
    // Sign-in times and IP addresses are personal data: admins only.
    access: 'write',
    args: { positionals: [], flags: { from: { type: 'string', example: '-7d' }, to: { type: 'string', example: 'yesterday' }, csv: { type: 'boolean' } } },
    run: activityCommand,
  },
];

// ---- list -------------------------------------------------------------------------------------------------

async function showUserPage(inv: Invocation, at: z.infer<typeof UserPage>, opts: { replaceOriginal?: boolean } = {}): Promise<void> {
  const page = await listUsers(inv.services.zoom, { status: at.s, pageSize: USERS_PAGE_SIZE, nextPageToken: at.k || undefined });
  await inv.reply(
    userListMessage({
      status: at.s,
      users: page.users,
      totalRecords: page.totalRecords,
      ...(page.nextPageToken ? { next: JSON.stringify({ s: at.s, k: page.nextPageToken }) } : {}),
      csv: JSON.stringify({ s: at.s }),
    }),
    opts,
  );
}

function exportUsers(inv: Invocation, query: UserQuery): Promise<void> {
  return startExport(inv, 'users', query, `the ${query.s} users`);
}

// ---- activity ---------------------------------------------------------------------------------------------

async function activityCommand(inv: Invocation, args: ParsedCommand): Promise<void> {
  const range = historyRange(inv, args, 'sign-in reports');
  if (args.flags.csv === true) await exportActivity(inv, range);
  else await showActivityPage(inv, { ...range, w: 0, k: '' });
}

async function showActivityPage(inv: Invocation, at: z.infer<typeof ActivityPage>, opts: { replaceOriginal?: boolean } = {}): Promise<void> {
  const { items, next } = await windowedPage(inv.services.zoom, rangeWindows(at), activityReportRequest, at, ACTIVITY_PAGE_SIZE);
  const range = RangeValue.parse(at);
  await inv.reply(
    activityMessage({
      period: formatPeriod(at.f, at.t, inv.person.tz),
      activities: items,
      zone: inv.person.tz,
      ...(next ? { next: JSON.stringify({ ...range, ...next }) } : {}),
      csv: JSON.stringify(range),
    }),
    opts,
  );
}

function exportActivity(inv: Invocation, range: RangeValue): Promise<void> {
  return startExport(inv, 'sign-ins', range, 'the sign-in and sign-out report');
}

export const userActions: ActionDef[] = [
  { actionId: USER_ACTIONS.nextPage, access: 'read', run: (inv, v) => showUserPage(inv, buttonValue(UserPage, v), { replaceOriginal: true }) },
  { actionId: USER_ACTIONS.csv, access: 'read', run: (inv, v) => exportUsers(inv, buttonValue(UserQuery, v)) },
  { actionId: USER_ACTIONS.activityNext, access: 'write', run: (inv, v) => showActivityPage(inv, buttonValue(ActivityPage, v), { replaceOriginal: true }) },
  { actionId: USER_ACTIONS.activityCsv, access: 'write', run: (inv, v) => exportActivity(inv, buttonValue(RangeValue, v)) },
];
