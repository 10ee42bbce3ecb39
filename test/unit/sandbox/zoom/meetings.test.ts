// Meetings and webinars in the sandbox: Zoom's status codes and error bodies, list types, and that its answers
// parse with the bot's own response schemas.
import { describe, expect, it } from 'vitest';
import { Meeting, MeetingSummary } from '../../../../src/zoom/meetings.js';
import { ADMIN_EMAIL, MEMBER_EMAIL } from '../../../../src/sandbox/zoom/seed.js';
import { NOW, sessionId, useSandbox } from './harness.js';

const t = useSandbox();

describe('meetings', () => {
  it('answers 404 code 3001 for an unknown meeting on every call', async () => {
    const body = { code: 3001, message: 'Meeting does not exist: 123456789.' };
    for (const [method, path, payload] of [
      ['GET', '/meetings/123456789', undefined],
      ['PATCH', '/meetings/123456789', { topic: 'x' }],
      ['DELETE', '/meetings/123456789', undefined],
      ['PUT', '/meetings/123456789/status', { action: 'end' }],
    ] as const) {
      const answer = await t.call(method, path, { body: payload });
      expect({ method, status: answer.status, body: answer.body }).toEqual({ method, status: 404, body });
    }
  });

  it('creates (201, numeric ID), updates (204), ends (204) and deletes (204) a meeting', async () => {
    const created = await t.call('POST', `/users/${encodeURIComponent(ADMIN_EMAIL)}/meetings`, {
      body: { topic: 'Budget review', type: 2, start_time: '2025-03-20T10:00:00', timezone: 'Europe/Paris', duration: 45 },
    });
    expect(created.status).toBe(201);
    expect(typeof created.body.id).toBe('number');
    expect(created.body).toMatchObject({ topic: 'Budget review', start_time: '2025-03-20T09:00:00Z', timezone: 'Europe/Paris', duration: 45, host_email: ADMIN_EMAIL });
    expect(Meeting.safeParse(created.body).success).toBe(true);

    const id = created.body.id as number;
    const patched = await t.call('PATCH', `/meetings/${id}`, { body: { topic: 'Budget review (moved)', duration: 30 } });
    expect(patched.status).toBe(204);
    expect(patched.text).toBe('');
    expect((await t.call('GET', `/meetings/${id}`)).body).toMatchObject({ topic: 'Budget review (moved)', duration: 30 });

    expect((await t.call('PUT', `/meetings/${id}/status`, { body: { action: 'end' } })).status).toBe(204);
    expect((await t.call('DELETE', `/meetings/${id}`)).status).toBe(204);
    expect((await t.call('GET', `/meetings/${id}`)).body).toEqual({ code: 3001, message: `Meeting does not exist: ${id}.` });
  });

  it('refuses a body Zoom would refuse with code 300 and names the field', async () => {
    const answer = await t.call('POST', `/users/${encodeURIComponent(ADMIN_EMAIL)}/meetings`, { body: { topic: 'x', duration: 'long' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 300, message: 'Validation Failed.', errors: [{ field: 'duration' }] });
  });

  it('reads "me" as the token\'s owner, as Zoom does (the account owner who made the app)', async () => {
    const me = await t.call('GET', '/users/me');
    expect(me).toMatchObject({ status: 200, body: { email: ADMIN_EMAIL, role_name: 'Owner' } });
    const byEmail = await t.call('GET', `/users/${encodeURIComponent(ADMIN_EMAIL)}/meetings`);
    expect((await t.call('GET', '/users/me/meetings')).body).toEqual(byEmail.body);
  });

  it('updates a user with PATCH (204) as Zoom does, and refuses a bad time zone with code 300, changing nothing', async () => {
    const updated = await t.call('PATCH', '/users/jane@example.com', { body: { dept: 'Ops', first_name: 'Janet', job_title: 'kept by Zoom, not here' } });
    expect(updated.status).toBe(204);
    expect((await t.call('GET', '/users/jane@example.com')).body).toMatchObject({ dept: 'Ops', first_name: 'Janet', last_name: 'Doe' });
    const refused = await t.call('PATCH', '/users/jane@example.com', { body: { timezone: 'Mars/Olympus', dept: 'Lost' } });
    expect(refused).toMatchObject({ status: 400, body: { code: 300 } });
    expect((await t.call('GET', '/users/jane@example.com')).body).toMatchObject({ dept: 'Ops' });
    expect((await t.call('PATCH', '/users/nobody@example.com', { body: { dept: 'Ops' } })).body).toMatchObject({ code: 1001 });
  });

  it('lists live, upcoming and previous meetings, each an item the bot can parse', async () => {
    const list = async (type: string) => (await t.call('GET', `/users/${encodeURIComponent(ADMIN_EMAIL)}/meetings?type=${type}`)).body;
    const live = await list('live');
    expect(live.meetings.map((m: { topic: string }) => m.topic)).toEqual(['Incident bridge']);
    const upcoming = await list('upcoming');
    expect(upcoming.meetings.map((m: { topic: string }) => m.topic)).toContain('Weekly team sync');
    expect(upcoming.meetings.map((m: { topic: string }) => m.topic)).not.toContain('All-hands');
    const previous = await list('previous_meetings');
    expect(previous.meetings.map((m: { topic: string }) => m.topic)).toEqual(expect.arrayContaining(['All-hands', 'Sprint retro']));
    for (const item of [...upcoming.meetings, ...previous.meetings]) {
      expect(MeetingSummary.safeParse(item).success).toBe(true);
      expect(Date.parse(item.start_time ?? NOW.toISOString())).not.toBeNaN();
    }
  });

  it('gives a recurring meeting its weekly occurrences on the days asked', async () => {
    const answer = await t.call('GET', `/meetings/${sessionId(t.sandbox, 'Weekly team sync')}`);
    expect(answer.body.recurrence).toMatchObject({ type: 2, weekly_days: '2,4' });
    expect(answer.body.occurrences).toHaveLength(12);
    // Zoom's 2 and 4 are Monday and Wednesday, 10:00 in New York (14:00 or 15:00 UTC).
    const days = new Set(answer.body.occurrences.map((o: { start_time: string }) => new Date(o.start_time).getUTCDay()));
    expect(days).toEqual(new Set([1, 3]));
  });

  it('deletes one occurrence (204) and keeps the rest of the series', async () => {
    const id = sessionId(t.sandbox, 'Weekly team sync');
    const [first, second] = (await t.call('GET', `/meetings/${id}`)).body.occurrences;
    expect((await t.call('DELETE', `/meetings/${id}?occurrence_id=${first.occurrence_id}`)).status).toBe(204);
    const after = (await t.call('GET', `/meetings/${id}`)).body.occurrences;
    expect(after).toHaveLength(11);
    expect(after[0].occurrence_id).toBe(second.occurrence_id);
    const gone = await t.call('DELETE', `/meetings/${id}?occurrence_id=${first.occurrence_id}`);
    expect(gone).toMatchObject({ status: 400, body: { code: 300 } });
  });
});

describe('webinars', () => {
  it("refuses a host without the Webinar add-on with Zoom's code 200", async () => {
    const answer = await t.call('GET', `/users/${encodeURIComponent(MEMBER_EMAIL)}/webinars`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(200);
    expect(answer.body.message).toMatch(/^Webinar plan is missing/);
  });

  it('lists and creates webinars for a licensed host; an unknown webinar is 3001', async () => {
    const created = await t.call('POST', `/users/${encodeURIComponent(ADMIN_EMAIL)}/webinars`, { body: { topic: 'Spring launch', type: 5, start_time: '2025-04-01T16:00:00Z' } });
    expect(created.status).toBe(201);
    const list = await t.call('GET', `/users/${encodeURIComponent(ADMIN_EMAIL)}/webinars`);
    expect(list.body.webinars.map((w: { topic: string }) => w.topic)).toEqual(expect.arrayContaining(['Product launch webinar', 'Spring launch']));
    expect((await t.call('GET', '/webinars/42')).body).toEqual({ code: 3001, message: 'Webinar does not exist: 42.' });
  });
});
