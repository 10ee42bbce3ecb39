import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  createMeeting,
  deleteMeeting,
  endMeeting,
  getMeeting,
  listMeetings,
  updateMeeting,
  type MeetingInput,
} from '../../../src/zoom/meetings.js';
import { useAreaTestbed } from './testbed.js';

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

const { bed, api } = useAreaTestbed('zoom-meetings', 'tok-meetings');

describe('listMeetings', () => {
  it("asks for one page of the user's meetings with the filters given", async () => {
    api()
      .get('/v2/users/ana%40example.com/meetings')
      .query({ type: 'upcoming', from: '2026-12-01', to: '2026-12-31', page_size: '50', next_page_token: 'tok-p2' })
      .reply(200, {
        next_page_token: 'tok-p3',
        page_size: 50,
        total_records: 51,
        meetings: [
          {
            agenda: 'Weekly sync',
            created_at: '2026-03-23T05:31:16Z',
            duration: 60,
            host_id: '30R7kT7bTIKSNUFEuH_Qlg',
            id: 97763643886,
            join_url: 'https://example.zoom.us/j/97763643886',
            start_time: '2026-12-01T15:00:00Z',
            timezone: 'America/Los_Angeles',
            topic: 'Team sync',
            type: 2,
            uuid: 'aDYlohsHRtCd4ii1uC2+hA==',
          },
        ],
      });

    const page = await listMeetings(bed().zoom, 'ana@example.com', {
      type: 'upcoming',
      from: '2026-12-01',
      to: '2026-12-31',
      pageSize: 50,
      nextPageToken: 'tok-p2',
    });

    expect(page.nextPageToken).toBe('tok-p3');
    expect(page.totalRecords).toBe(51);
    expect(page.meetings).toHaveLength(1);
    expect(page.meetings[0]).toMatchObject({ id: '97763643886', topic: 'Team sync', type: 2 });
  });

  it("caps page_size at Zoom's maximum and sends no empty filters", async () => {
    api().get('/v2/users/me/meetings').query({ page_size: '300' }).reply(200, { next_page_token: '', meetings: [] });

    await expect(listMeetings(bed().zoom, 'me', { pageSize: 1000 })).resolves.toEqual({
      meetings: [],
      nextPageToken: undefined,
      totalRecords: undefined,
    });
  });
});

describe('getMeeting', () => {
  it('parses a recurring meeting, with its ID as a string', async () => {
    api().get('/v2/meetings/97763643886').reply(200, RECURRING_MEETING);

    const meeting = await getMeeting(bed().zoom, '97763643886');

    expect(meeting.id).toBe('97763643886');
    expect(meeting.topic).toBe('Team sync');
    expect(meeting.settings?.approval_type).toBe(2);
    expect(meeting.recurrence).toMatchObject({ type: 2, weekly_days: '3', end_times: 7 });
    expect(meeting.occurrences?.map((o) => o.occurrence_id)).toEqual(['1648194360000', '1648799160000']);
    // Unknown fields survive for callers that need them.
    expect(meeting.pre_schedule).toBe(false);
  });

  it('asks for one occurrence', async () => {
    api()
      .get('/v2/meetings/97763643886')
      .query({ occurrence_id: '1648194360000' })
      .reply(200, { id: '97763643886', topic: 'Team sync', type: 8 });

    await expect(getMeeting(bed().zoom, '97763643886', { occurrenceId: '1648194360000' })).resolves.toMatchObject({
      id: '97763643886',
    });
  });

  it('double-encodes a UUID that starts with a slash', async () => {
    api().get('/v2/meetings/%252FabcD%252Bef%253D%253D').reply(200, { id: 1, topic: 'Past', type: 2 });

    await expect(getMeeting(bed().zoom, '/abcD+ef==')).resolves.toMatchObject({ id: '1' });
  });
});

describe('createMeeting', () => {
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

    const meeting = await createMeeting(bed().zoom, 'ana@example.com', input);

    expect(meeting).toMatchObject({ id: '92674392836', topic: 'Quarterly review', join_url: expect.any(String) });
  });
});

describe('updateMeeting', () => {
  it('patches only the fields given, for one occurrence', async () => {
    api()
      .patch('/v2/meetings/97763643886', { start_time: '2026-12-02T16:00:00Z', duration: 30 })
      .query({ occurrence_id: '1648194360000' })
      .reply(204);

    await expect(
      updateMeeting(
        bed().zoom,
        '97763643886',
        { start_time: '2026-12-02T16:00:00Z', duration: 30 },
        { occurrenceId: '1648194360000' },
      ),
    ).resolves.toBeUndefined();
  });

  it('patches the whole series without an occurrence', async () => {
    api()
      .patch('/v2/meetings/97763643886', { recurrence: { type: 1, repeat_interval: 2, end_times: 5 } })
      .reply(204);

    await updateMeeting(bed().zoom, '97763643886', { recurrence: { type: 1, repeat_interval: 2, end_times: 5 } });
  });
});

describe('deleteMeeting', () => {
  it('deletes the meeting', async () => {
    api().delete('/v2/meetings/97763643886').reply(204);
    await expect(deleteMeeting(bed().zoom, '97763643886')).resolves.toBeUndefined();
  });

  it('deletes one occurrence', async () => {
    api().delete('/v2/meetings/97763643886').query({ occurrence_id: '1648194360000' }).reply(204);
    await deleteMeeting(bed().zoom, '97763643886', { occurrenceId: '1648194360000' });
  });
});

describe('endMeeting', () => {
  it('puts the status "end"', async () => {
    api().put('/v2/meetings/97763643886/status', { action: 'end' }).reply(204);
    await expect(endMeeting(bed().zoom, '97763643886')).resolves.toBeUndefined();
  });
});
