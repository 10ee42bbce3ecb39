// The calls on one meeting or webinar (meetings-webinars.ts), as the commands and the form make them: Zoom documents the
// same paths for both kinds, so each call is checked for each kind's path, answer shape and rate label.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { Meeting, type MeetingInput } from '../../../src/zoom/meetings.js';
import { createSession, deleteSession, endSession, getSession, updateSession } from '../../../src/zoom/meetings-webinars.js';
import { Webinar, type WebinarInput } from '../../../src/zoom/webinars.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

// Shaped like the examples in Zoom's meeting API reference: a numeric int64 ID, a base64 UUID, settings, occurrences.
const RECURRING_MEETING = {
  assistant_id: 'kFFvsJc-Q1OSxaJQLvaa_A',
  host_email: 'ana@example.com',
  host_id: '30R7kT7bTIKSNUFEuH_Qlg',
  id: 97763643886,
  uuid: 'aDYlohsHRtCd4ii1uC2+hA==',
  agenda: 'Weekly sync',
  created_at: '2026-03-25T07:29:29Z',
  duration: 45,
  join_url: 'https://example.zoom.us/j/97763643886',
  start_url: 'https://example.zoom.us/s/97763643886?zak=secret',
  password: '123456',
  pre_schedule: false,
  occurrences: [
    { duration: 45, occurrence_id: '1648194360000', start_time: '2026-12-01T15:00:00Z', status: 'available' },
    { duration: 45, occurrence_id: 1648799160000, start_time: '2026-12-08T15:00:00Z', status: 'deleted' },
  ],
  recurrence: { type: 2, repeat_interval: 1, weekly_days: '3', end_times: 7 },
  settings: { approval_type: 2, registration_type: 1, waiting_room: true, jbh_time: 0, audio: 'voip' },
  start_time: '2026-12-01T15:00:00Z',
  status: 'waiting',
  timezone: 'America/Los_Angeles',
  topic: 'Team sync',
  type: 8,
};

// Shaped like the examples in Zoom's webinar API reference: an int64 ID, a base64 UUID, settings, occurrences.
const RECURRING_WEBINAR = {
  host_email: 'jchill@example.com',
  host_id: '30R7kT7bTIKSNUFEuH_Qlg',
  id: 97871060099,
  template_id: 'ull6574eur',
  uuid: 'm3WqMkvuRXyYqH+eKWhk9w==',
  agenda: 'My webinar',
  created_at: '2026-03-26T07:18:32Z',
  duration: 60,
  registration_url: 'https://example.zoom.us/webinar/register/7ksAkRCoEpt1Jm0wa-E6lICLur9e7Lde5oW6',
  join_url: 'https://example.zoom.us/j/97871060099',
  occurrences: [
    { duration: 60, occurrence_id: '1648194360000', start_time: '2026-12-01T15:00:00Z', status: 'available' },
    { duration: 60, occurrence_id: 1648799160000, start_time: '2026-12-08T15:00:00Z', status: 'deleted' },
  ],
  password: '123456',
  recurrence: { type: 2, repeat_interval: 1, weekly_days: '3', end_times: 2 },
  settings: { approval_type: 1, registration_type: 2, auto_recording: 'cloud', panelists_video: true, audio: 'both' },
  start_time: '2026-12-01T15:00:00Z',
  start_url: 'https://example.zoom.us/s/97871060099?zak=secret',
  timezone: 'America/Los_Angeles',
  topic: 'Product launch',
  type: 9,
  is_simulive: false,
  creation_source: 'open_api',
};

const { bed, api } = useAreaTestbed('zoom-sessions', 'tok-sessions');

describe('getSession of a meeting', () => {
  it('parses a recurring meeting, with its ID as a string', async () => {
    api().get('/v2/meetings/97763643886').reply(200, RECURRING_MEETING);

    const meeting = await getSession(bed().zoom, 'meeting', '97763643886', Meeting);

    expect(meeting.id).toBe('97763643886');
    expect(meeting.topic).toBe('Team sync');
    expect(meeting.settings?.approval_type).toBe(2);
    expect(meeting.recurrence).toMatchObject({ type: 2, weekly_days: '3', end_times: 7 });
    expect(meeting.occurrences?.map((o) => o.occurrence_id)).toEqual(['1648194360000', '1648799160000']);
    // Unknown fields survive for callers that need them.
    expect(meeting.pre_schedule).toBe(false);
  });

  it('double-encodes a UUID that starts with a slash', async () => {
    api().get('/v2/meetings/%252FabcD%252Bef%253D%253D').reply(200, { id: 1, topic: 'Past', type: 2 });

    await expect(getSession(bed().zoom, 'meeting', '/abcD+ef==', Meeting)).resolves.toMatchObject({ id: '1' });
  });
});

describe('createSession of a meeting', () => {
  it('posts the input to the host and returns the created meeting', async () => {
    const input: MeetingInput = {
      topic: 'Quarterly review',
      type: 2,
      start_time: '2026-12-03T10:00:00',
      timezone: 'Europe/Berlin',
      duration: 90,
      agenda: 'Numbers',
      settings: { approval_type: 0, registration_type: 1 },
    };
    api()
      .post('/v2/users/ana%40example.com/meetings', input as nock.RequestBodyMatcher)
      .reply(201, { ...RECURRING_MEETING, id: 92674392836, topic: 'Quarterly review', type: 2 });

    const meeting = await createSession(bed().zoom, 'meeting', 'ana@example.com', input, Meeting);

    expect(meeting).toMatchObject({ id: '92674392836', topic: 'Quarterly review', join_url: expect.any(String) });
  });
});

describe('getSession of a webinar', () => {
  it('parses a recurring webinar, with its IDs as strings', async () => {
    api().get('/v2/webinars/97871060099').reply(200, RECURRING_WEBINAR);
    const labels = chargedLabels(bed());

    const webinar = await getSession(bed().zoom, 'webinar', '97871060099', Webinar);

    expect(webinar).toMatchObject({ id: '97871060099', topic: 'Product launch', type: 9 });
    expect(webinar.host_email).toBe('jchill@example.com');
    expect(webinar.registration_url).toContain('/webinar/register/');
    expect(webinar.settings).toMatchObject({ approval_type: 1, registration_type: 2, auto_recording: 'cloud' });
    expect(webinar.recurrence).toMatchObject({ type: 2, weekly_days: '3', end_times: 2 });
    expect(webinar.occurrences?.map((o) => o.occurrence_id)).toEqual(['1648194360000', '1648799160000']);
    // Unknown fields survive for callers that need them.
    expect(webinar.settings?.panelists_video).toBe(true);
    expect(webinar.creation_source).toBe('open_api');
    expect(labels()).toEqual(['light']);
  });

  it('double-encodes a UUID that contains a double slash', async () => {
    api().get('/v2/webinars/ab%252F%252Fcd%253D%253D').reply(200, { id: 1, topic: 'Past', type: 5 });

    await expect(getSession(bed().zoom, 'webinar', 'ab//cd==', Webinar)).resolves.toMatchObject({ id: '1' });
  });

  it('rejects an answer without a topic, naming the field', async () => {
    api().get('/v2/webinars/97871060099').reply(200, { id: 97871060099, type: 5 });

    await expect(getSession(bed().zoom, 'webinar', '97871060099', Webinar)).rejects.toThrow(/topic/);
  });
});

describe('createSession of a webinar', () => {
  it('posts the input to the host and returns the created webinar', async () => {
    const input: WebinarInput = {
      topic: 'Product launch',
      type: 9,
      start_time: '2026-12-01T07:00:00',
      timezone: 'America/Los_Angeles',
      duration: 60,
      agenda: 'What is new',
      settings: { approval_type: 1, registration_type: 2 },
      recurrence: { type: 2, repeat_interval: 1, weekly_days: '3', end_times: 2 },
    };
    api()
      .post('/v2/users/ana%40example.com/webinars', input as nock.RequestBodyMatcher)
      .reply(201, RECURRING_WEBINAR);
    const labels = chargedLabels(bed());

    const webinar = await createSession(bed().zoom, 'webinar', 'ana@example.com', input, Webinar);

    expect(webinar).toMatchObject({ id: '97871060099', topic: 'Product launch', join_url: expect.any(String) });
    expect(labels()).toEqual(['light']);
  });
});

// Update, delete and end send the same request for both kinds, each under its own path.
describe.each([
  { kind: 'meeting', id: '97763643886', path: '/v2/meetings/97763643886' },
  { kind: 'webinar', id: '97871060099', path: '/v2/webinars/97871060099' },
] as const)('the calls on one $kind', ({ kind, id, path }) => {
  it('getSession asks for one occurrence', async () => {
    api().get(path).query({ occurrence_id: '1648194360000' }).reply(200, { id, topic: 'Team sync', type: 8 });

    await expect(getSession(bed().zoom, kind, id, kind === 'meeting' ? Meeting : Webinar, { occurrenceId: '1648194360000' })).resolves.toMatchObject({ id });
  });

  it('updateSession patches only the fields given, for one occurrence', async () => {
    api().patch(path, { start_time: '2026-12-02T16:00:00Z', duration: 90 }).query({ occurrence_id: '1648194360000' }).reply(204);

    await expect(
      updateSession(bed().zoom, kind, id, { start_time: '2026-12-02T16:00:00Z', duration: 90 }, { occurrenceId: '1648194360000' }),
    ).resolves.toBeUndefined();
  });

  it('updateSession patches the whole series without an occurrence, on the Light label', async () => {
    api().patch(path, { settings: { approval_type: 0 }, recurrence: { type: 1, repeat_interval: 2, end_times: 3 } }).reply(204);
    const labels = chargedLabels(bed());

    await updateSession(bed().zoom, kind, id, { settings: { approval_type: 0 }, recurrence: { type: 1, repeat_interval: 2, end_times: 3 } });
    expect(labels()).toEqual(['light']);
  });

  it('deleteSession deletes the whole series, on the Light label', async () => {
    api().delete(path).reply(204);
    const labels = chargedLabels(bed());
    await expect(deleteSession(bed().zoom, kind, id)).resolves.toBeUndefined();
    expect(labels()).toEqual(['light']);
  });

  it('deleteSession deletes one occurrence', async () => {
    api().delete(path).query({ occurrence_id: '1648194360000' }).reply(204);
    await deleteSession(bed().zoom, kind, id, { occurrenceId: '1648194360000' });
  });

  // Zoom's spec documents 204 for ending a meeting and 200 for a webinar; either is accepted, no body is read.
  it.each([200, 204])('endSession puts the status "end" and accepts a %i', async (status) => {
    api().put(`${path}/status`, { action: 'end' }).reply(status);
    const labels = chargedLabels(bed());
    await expect(endSession(bed().zoom, kind, id)).resolves.toBeUndefined();
    expect(labels()).toEqual(['light']);
  });
});
