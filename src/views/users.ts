// Block Kit for Zoom users: the account's users by status, and the sign-in/sign-out report; each with Next page
// and CSV buttons.
import type { KnownBlock } from '@slack/types';
import type { UserActivity } from '../zoom/reports.js';
import type { ZoomUser } from '../zoom/users.js';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { csvButton } from './csv.js';
import { capitalize, escapeMrkdwn, formatTime } from './format.js';

export const USER_ACTIONS = {
  nextPage: 'users.list.next',
  csv: 'users.list.csv',
  activityNext: 'users.activity.next',
  activityCsv: 'users.activity.csv',
} as const;

/** Zoom's user types (its spec). */
export const USER_TYPES: Record<number, string> = { 1: 'Basic', 2: 'Licensed', 4: 'Unassigned', 99: 'None' };

export function userListMessage(input: {
  status: string;
  users: readonly ZoomUser[];
  totalRecords?: number;
  next?: string;
  csv: string;
}): SlackMessage {
  const count = input.totalRecords === undefined ? '' : ` (${input.totalRecords})`;
  const title = `${capitalize(input.status)} Zoom users${count}`;
  if (input.users.length === 0) return { text: `${title}: none`, blocks: [section(`*${title}*: none found.`)] };
  const lines = input.users.map((u) => {
    const name = [u.first_name, u.last_name].filter(Boolean).join(' ') || u.display_name || '';
    const facts = [USER_TYPES[u.type ?? 0], u.dept].filter(Boolean).map((f) => escapeMrkdwn(f!));
    return `• ${name ? `*${escapeMrkdwn(name)}* ` : ''}${escapeMrkdwn(u.email)}${facts.length ? ` · ${facts.join(' · ')}` : ''}`;
  });
  return {
    text: title,
    blocks: [section(`*${title}*\n${lines.join('\n')}`), pageButtons('users_list_pages', USER_ACTIONS.nextPage, USER_ACTIONS.csv, input)],
  };
}

export function activityMessage(input: { period: string; activities: readonly UserActivity[]; zone: string; next?: string; csv: string }): SlackMessage {
  const title = `Sign-ins and sign-outs, ${input.period}`;
  if (input.activities.length === 0) return { text: `${title}: none`, blocks: [section(`*${title}*: none found.`)] };
  const lines = input.activities.map((a) => {
    const client = [a.client_type, a.version].filter(Boolean).join(' ');
    const facts = [formatTime(a.time, input.zone), a.email, client, a.ip_address].filter(Boolean).map((f) => escapeMrkdwn(f!));
    return `• *${escapeMrkdwn(a.type || 'Activity')}* · ${facts.join(' · ')}`;
  });
  const blocks: KnownBlock[] = [
    section(`*${title}*\n${lines.join('\n')}`),
    context('Newest first, times in your time zone. The CSV has the whole period and comes in a direct message.'),
    pageButtons('users_activity_pages', USER_ACTIONS.activityNext, USER_ACTIONS.activityCsv, input),
  ];
  return { text: title, blocks };
}

function pageButtons(blockId: string, nextId: string, csvId: string, input: { next?: string; csv: string }) {
  return actions(blockId, [...(input.next ? [button('Next page', nextId, input.next)] : []), csvButton(csvId, input.csv)]);
}
