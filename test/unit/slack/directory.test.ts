// Who is an admin is read from Slack at most once per 5 minutes per process: a burst of clicks costs one users.info,
// and removing someone's admin rights takes effect within 5 minutes (as the README promises).
import type { WebClient } from '@slack/web-api';
import { expect, it } from 'vitest';
import { SlackDirectory } from '../../../src/slack/directory.js';

function fakeSlack() {
  const calls: string[] = [];
  let isAdmin = true;
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        calls.push(`users.info ${user}`);
        return { ok: true, user: { id: user, name: user, tz: 'Europe/Berlin', is_admin: isAdmin, profile: { email: `${user}@example.com` } } };
      },
    },
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(`usergroups.users.list ${usergroup}`);
          return { ok: true, users: ['U1'] };
        },
      },
    },
  } as unknown as WebClient;
  return { client, calls, demote: () => (isAdmin = false) };
}

it('asks Slack who someone is once per 5 minutes, and sees a change after that', async () => {
  const slack = fakeSlack();
  let now = 0;
  const directory = new SlackDirectory(slack.client, () => now);

  expect((await directory.person('U1')).isWorkspaceAdmin).toBe(true);
  slack.demote();
  now = 5 * 60_000 - 1;
  expect((await directory.person('U1')).isWorkspaceAdmin).toBe(true);
  expect(slack.calls).toEqual(['users.info U1']);

  now = 5 * 60_000;
  expect((await directory.person('U1')).isWorkspaceAdmin).toBe(false);
  expect(slack.calls).toEqual(['users.info U1', 'users.info U1']);
});

it('keeps a user group’s members for 5 minutes too', async () => {
  const slack = fakeSlack();
  let now = 0;
  const directory = new SlackDirectory(slack.client, () => now);

  await directory.groupMembers('S1');
  now = 4 * 60_000;
  await directory.groupMembers('S1');
  expect(slack.calls).toEqual(['usergroups.users.list S1']);
  now = 10 * 60_000;
  await directory.groupMembers('S1');
  expect(slack.calls).toHaveLength(2);
});
