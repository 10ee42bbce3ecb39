import { describe, expect, it } from 'vitest';
import { listMeetings } from '../../../src/zoom/meetings.js';
import { useAreaTestbed } from './testbed.js';

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
