// Zoom Phone call history, Team Chat and the sign-in report in the sandbox, checked against the response shapes of
// Zoom's OpenAPI for the fields the bot reads.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN_EMAIL, MEMBER_EMAIL } from '../../../../src/sandbox/zoom/seed.js';
import { useSandbox } from './harness.js';

const t = useSandbox();
const zoomTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

// From Zoom's Phone spec (accountCallHistory 200): the fields the bot shows.
const CallHistoryItem = z.looseObject({
  call_history_uuid: z.string(),
  call_id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  start_time: zoomTime,
  end_time: zoomTime,
  duration: z.number().int(),
  call_result: z.enum(['answered', 'accepted', 'picked_up', 'connected', 'succeeded', 'voicemail', 'hang_up', 'canceled']),
  caller_did_number: z.string(),
  callee_did_number: z.string(),
});

describe('phone call history', () => {
  it("pages the account's calls of a month, each shaped as in Zoom's spec", async () => {
    const first = await t.call('GET', '/phone/call_history?from=2025-02-19&to=2025-03-12&page_size=50');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ from: '2025-02-19', to: '2025-03-12', total_records: 80, page_size: 50 });
    expect(first.body.call_history).toHaveLength(50);
    for (const item of first.body.call_history) CallHistoryItem.parse(item);
    const second = await t.call('GET', `/phone/call_history?from=2025-02-19&to=2025-03-12&page_size=50&next_page_token=${first.body.next_page_token}`);
    expect(second.body.call_history).toHaveLength(30);
    expect(second.body.next_page_token).toBe('');
  });

  it("lists only one user's calls and refuses a user without a phone line", async () => {
    const mine = await t.call('GET', `/phone/users/${encodeURIComponent(ADMIN_EMAIL)}/call_history?from=2025-02-19&to=2025-03-12`);
    expect(mine.body.call_logs.length).toBeGreaterThan(0);
    const admin = t.sandbox.state.users.find((u) => u.email === ADMIN_EMAIL);
    for (const log of mine.body.call_logs) expect([log.caller_ext_id, log.callee_ext_id]).toContain(admin?.phone?.extensionId);
    const none = await t.call('GET', '/phone/users/jordan.kim%40sandbox.zoomops.test/call_history');
    expect(none).toMatchObject({ status: 404, body: { code: 300 } });
  });

  it('defaults to the last 24 hours', async () => {
    const recent = await t.call('GET', '/phone/call_history');
    for (const item of recent.body.call_history) {
      expect(Date.parse(item.start_time)).toBeGreaterThanOrEqual(Date.parse('2025-03-11T15:30:00Z'));
    }
  });
});

describe('Team Chat', () => {
  it("lists a user's channels, ten a page by default, including two with similar names", async () => {
    const answer = await t.call('GET', `/chat/users/${encodeURIComponent(ADMIN_EMAIL)}/channels`);
    expect(answer.body).toMatchObject({ page_size: 10, total_records: 5, next_page_token: '' });
    expect(answer.body.channels.map((c: { name: string }) => c.name)).toEqual(['General', 'Support', 'Sales', 'Sales Ops', 'IT Admins']);
    const member = await t.call('GET', `/chat/users/${encodeURIComponent(MEMBER_EMAIL)}/channels`);
    expect(member.body.channels.map((c: { name: string }) => c.name)).toEqual(['General', 'Sales', 'Sales Ops']);
  });

  it('sends a message to a channel (201 {id}) and names an unknown channel with code 4130', async () => {
    const channels = (await t.call('GET', `/chat/users/${encodeURIComponent(ADMIN_EMAIL)}/channels`)).body.channels;
    const sent = await t.call('POST', `/chat/users/${encodeURIComponent(ADMIN_EMAIL)}/messages`, { body: { message: 'Deploy done', to_channel: channels[0].id } });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ id: expect.any(String) });
    expect(t.sandbox.state.messages.at(-1)).toMatchObject({ message: 'Deploy done', channelId: channels[0].id });
    const unknown = await t.call('POST', `/chat/users/${encodeURIComponent(ADMIN_EMAIL)}/messages`, { body: { message: 'x', to_channel: 'nope' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 4130, message: 'Channel does not exist: nope.' } });
  });
});

describe('sign-in activity report', () => {
  it('lists sign-ins and sign-outs of the window, newest first', async () => {
    const answer = await t.call('GET', '/report/activities?from=2025-03-01&to=2025-03-12');
    expect(answer.status).toBe(200);
    const logs = answer.body.activity_logs as Array<{ time: string; type: string; email: string }>;
    expect(logs.length).toBeGreaterThan(20);
    expect(new Set(logs.map((l) => l.type))).toEqual(new Set(['Sign in', 'Sign out']));
    const times = logs.map((l) => Date.parse(l.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('refuses a window more than six months back', async () => {
    expect((await t.call('GET', '/report/activities?from=2024-01-01&to=2024-01-20')).status).toBe(400);
  });
});
