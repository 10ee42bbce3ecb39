// `/zoom phone calls` (the account's call history, or one user's with --user) and `/zoom phone logs <who>`, with
// their Next page and CSV buttons. Admins only: call history is personal data, and its CSV goes to a DM.
import { z } from 'zod';
import { buttonValue, stringFlag } from './args.js';
import type { ActionDef, CommandDef } from './command.js';
import type { Invocation, ParsedCommand } from './context.js';
import { startExport } from './csv.js';
import { PagePosition, historyRange, rangeWindows, windowedPage } from './history.js';
import { parseWho } from './values/people-channels.js';
import { resolveZoomUser } from './who.js';
import { CallQuery } from '../jobs/exports/phone-calls.js';
import { formatPeriod } from '../views/history.js';
import { PHONE_ACTIONS, phoneCallsMessage } from '../views/phone.js';
import { callHistoryRequest } from '../zoom/phone.js';

/** Calls per Slack page: one block each, well within a message's 50. */
const PAGE_SIZE = 20;
const WHAT = 'phone call history';

const CallPage = CallQuery.extend(PagePosition.shape);

const range = { from: { type: 'string', example: '-7d' }, to: { type: 'string', example: 'yesterday' } } as const;
const csvFlag = { csv: { type: 'boolean' } } as const;

export const phoneCommands: CommandDef[] = [
  {
    path: ['phone', 'calls'],
    usage: 'phone calls [--user <who>] [--from <date>] [--to <date>] [--csv]',
    summary: "The account's phone calls (or one user's with --user), newest first; the CSV comes in a DM.",
    example: 'phone calls --from -7d',
    access: 'write',
    args: { positionals: [], flags: { user: { type: 'string', example: 'jane@example.com' }, ...range, ...csvFlag } },
    run: (inv, args) => {
      const who = stringFlag(args, 'user');
      return callsCommand(inv, args, who === undefined ? undefined : parseWho(who));
    },
  },
  {
    path: ['phone', 'logs'],
    usage: 'phone logs <who> [--from <date>] [--to <date>] [--csv]',
    summary: "One user's call log, newest first; the CSV comes in a DM.",
    example: 'phone logs jane@example.com --from -30d',
    access: 'write',
    args: { positionals: [{ name: 'who', example: 'jane@example.com' }], flags: { ...range, ...csvFlag } },
    run: (inv, args) => callsCommand(inv, args, parseWho(args.positionals[0] ?? '', '<who>')),
  },
];

async function callsCommand(inv: Invocation, args: ParsedCommand, who: ReturnType<typeof parseWho> | undefined): Promise<void> {
  const period = historyRange(inv, args, WHAT);
  const user = who === undefined ? undefined : await resolveZoomUser(inv, who);
  const query: CallQuery = { ...period, ...(user ? { u: user.id } : {}), l: user ? user.email : 'the account' };
  if (args.flags.csv === true) await exportCalls(inv, query);
  else await showCallsPage(inv, { ...query, w: 0, k: '' });
}

async function showCallsPage(inv: Invocation, at: z.infer<typeof CallPage>, opts: { replaceOriginal?: boolean } = {}): Promise<void> {
  const { items, next } = await windowedPage(
    inv.services.zoom,
    rangeWindows(at),
    (window, pageSize) => callHistoryRequest({ userId: at.u, window, pageSize }),
    at,
    PAGE_SIZE,
  );
  const query = CallQuery.parse(at);
  await inv.reply(
    phoneCallsMessage({
      title: `Phone calls of ${at.l}`,
      period: formatPeriod(at.f, at.t, inv.person.tz),
      calls: items,
      zone: inv.person.tz,
      ...(next ? { next: JSON.stringify({ ...query, ...next }) } : {}),
      csv: JSON.stringify(query),
    }),
    opts,
  );
}

function exportCalls(inv: Invocation, query: CallQuery): Promise<void> {
  return startExport(inv, 'phone-calls', query, `the phone calls of ${query.l}`);
}

export const phoneActions: ActionDef[] = [
  {
    actionId: PHONE_ACTIONS.nextPage,
    access: 'write',
    run: (inv, value) => showCallsPage(inv, buttonValue(CallPage, value), { replaceOriginal: true }),
  },
  { actionId: PHONE_ACTIONS.csv, access: 'write', run: (inv, value) => exportCalls(inv, buttonValue(CallQuery, value)) },
];
