// The sign-in/sign-out report: calendar dates of one window, Heavy, every page.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { activityReportRequest } from '../../../src/zoom/reports.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

const { bed, api } = useAreaTestbed('zoom-reports', 'tok-reports');

describe('activityReportRequest', () => {
  it('asks for the window as dates and reads activity_logs from every page', async () => {
    const labels = chargedLabels(bed());
    const window = {
      from: DateTime.fromISO('2026-10-15T00:00:00', { zone: 'America/New_York' }),
      to: DateTime.fromISO('2026-11-14T23:59:59.999', { zone: 'America/New_York' }),
    };
    const query = { from: '2026-10-15', to: '2026-11-14', page_size: '300' };
    api()
      .get('/v2/report/activities')
      .query(query)
      .reply(200, {
        from: '2026-10-15',
        to: '2026-11-14',
        next_page_token: 'a2',
        activity_logs: [{ email: 'ana@example.com', time: '2026-11-01T09:00:00Z', type: 'Sign in', client_type: 'Browser', ip_address: '192.0.2.1', version: '6.1' }],
      });
    api()
      .get('/v2/report/activities')
      .query({ ...query, next_page_token: 'a2' })
      .reply(200, { next_page_token: '', activity_logs: [{ email: 'bo@example.com', time: '2026-11-02T18:00:00Z', type: 'Sign out' }] });

    const rows = [];
    for await (const page of bed().zoom.paginate(activityReportRequest(window))) rows.push(...page.items);

    expect(rows.map((r) => [r.email, r.type, r.client_type])).toEqual([
      ['ana@example.com', 'Sign in', 'Browser'],
      ['bo@example.com', 'Sign out', undefined],
    ]);
    expect(labels()).toEqual(['heavy', 'heavy']);
  });
});
