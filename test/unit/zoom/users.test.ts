import { describe, expect, it } from 'vitest';
import { ZoomApiError } from '../../../src/zoom/errors.js';
import { getUser, listUsers, listUsersRequest } from '../../../src/zoom/users.js';
import { useAreaTestbed } from './testbed.js';

// Shaped like the examples in Zoom's user API reference.
const ANA = {
  id: 'zJKyaiAyTNC-MWjiWC18KQ',
  created_at: '2018-10-31T04:32:37Z',
  dept: 'Developers',
  email: 'ana@example.com',
  first_name: 'Ana',
  last_name: 'Lima',
  display_name: 'Ana Lima',
  pmi: 3542471135,
  role_name: 'Admin',
  timezone: 'Europe/Lisbon',
  type: 2,
  use_pmi: false,
  account_id: 'q6gBJVO5TzexKYTb_I2rpg',
  status: 'active',
  verified: 1,
};

const { bed, api } = useAreaTestbed('zoom-users', 'tok-users');

describe('getUser', () => {
  it('looks a user up by email', async () => {
    api().get('/v2/users/ana%40example.com').reply(200, ANA);

    const user = await getUser(bed().zoom, 'ana@example.com');

    expect(user).toMatchObject({ id: 'zJKyaiAyTNC-MWjiWC18KQ', email: 'ana@example.com', timezone: 'Europe/Lisbon' });
    expect(user.role_name).toBe('Admin');
  });

  it('looks a user up by ID', async () => {
    api().get('/v2/users/zJKyaiAyTNC-MWjiWC18KQ').reply(200, ANA);
    await expect(getUser(bed().zoom, 'zJKyaiAyTNC-MWjiWC18KQ')).resolves.toMatchObject({ display_name: 'Ana Lima' });
  });

  it("reports Zoom's 1001 for an unknown user", async () => {
    api()
      .get('/v2/users/nobody%40example.com')
      .reply(404, { code: 1001, message: 'User does not exist: nobody@example.com.' });

    const error = await getUser(bed().zoom, 'nobody@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 404, zoomCode: 1001 });
  });
});

describe('listUsers', () => {
  it('asks for one page of users with a status filter', async () => {
    api()
      .get('/v2/users')
      .query({ status: 'inactive', page_size: '2000', next_page_token: 'next-1' })
      .reply(200, {
        next_page_token: '',
        page_count: 1,
        page_number: 1,
        page_size: 2000,
        total_records: 1,
        users: [{ ...ANA, status: 'inactive', host_key: '299492849', custom_attributes: [] }],
      });

    const page = await listUsers(bed().zoom, { status: 'inactive', pageSize: 5000, nextPageToken: 'next-1' });

    expect(page.users).toEqual([expect.objectContaining({ email: 'ana@example.com', status: 'inactive' })]);
    expect(page.nextPageToken).toBeUndefined();
    expect(page.totalRecords).toBe(1);
  });

  it('walks every page through zoom.paginate', async () => {
    api()
      .get('/v2/users')
      .query({ page_size: '1' })
      .reply(200, { next_page_token: 'n2', users: [ANA] })
      .get('/v2/users')
      .query({ page_size: '1', next_page_token: 'n2' })
      .reply(200, { next_page_token: '', users: [{ ...ANA, id: 'u2', email: 'bo@example.com' }] });

    const emails: string[] = [];
    for await (const page of bed().zoom.paginate(listUsersRequest({ pageSize: 1 }))) {
      emails.push(...page.items.map((u) => u.email));
    }
    expect(emails).toEqual(['ana@example.com', 'bo@example.com']);
  });
});
