import { describe, expect, it } from 'vitest';
import { WEBINAR_LICENCE_REQUIRED_CODES, ZoomApiError, ZoomUnavailableError, isWebinarLicenceMissing } from '../../../src/zoom/errors.js';
import {
  listWebinars,
  listWebinarsRequest,
  Webinar,
} from '../../../src/zoom/webinars.js';
import { createSession } from '../../../src/zoom/meetings-webinars.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

const LIST_ITEM = {
  agenda: 'My webinar',
  created_at: '2026-03-26T07:18:32Z',
  duration: 60,
  host_id: '30R7kT7bTIKSNUFEuH_Qlg',
  id: 97871060099,
  join_url: 'https://example.zoom.us/j/97871060099',
  start_time: '2026-12-01T15:00:00Z',
  timezone: 'America/Los_Angeles',
  topic: 'Product launch',
  type: 5,
  uuid: 'm3WqMkvuRXyYqH+eKWhk9w==',
  is_simulive: false,
};

const PLAN_MISSING = {
  code: 200,
  message:
    'Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this user in order ' +
    'to perform this action.',
};

const { bed, api } = useAreaTestbed('zoom-webinars', 'tok-webinars');

/** A refusal as the client builds it from Zoom's answer. */
function refusal(status: number, code: number, zoomMessage: string): ZoomApiError {
  return new ZoomApiError({ status, zoomCode: code, zoomMessage, method: 'GET', path: '/webinars/97871060099/panelists' });
}

describe('listWebinars', () => {
  it("asks for one page of the host's webinars with the type given", async () => {
    api()
      .get('/v2/users/ana%40example.com/webinars')
      .query({ type: 'upcoming', page_size: '50', next_page_token: 'tok-p2' })
      .reply(200, {
        next_page_token: 'tok-p3',
        page_count: 2,
        page_size: 50,
        total_records: 51,
        webinars: [LIST_ITEM, { ...LIST_ITEM, id: '95204914252', topic: 'Town hall', type: 6 }],
      });
    const labels = chargedLabels(bed());

    const page = await listWebinars(bed().zoom, 'ana@example.com', {
      type: 'upcoming',
      pageSize: 50,
      nextPageToken: 'tok-p2',
    });

    expect(page.nextPageToken).toBe('tok-p3');
    expect(page.totalRecords).toBe(51);
    expect(page.webinars.map((w) => [w.id, w.topic, w.type])).toEqual([
      ['97871060099', 'Product launch', 5],
      ['95204914252', 'Town hall', 6],
    ]);
    expect(page.webinars[0]?.is_simulive).toBe(false);
    expect(labels()).toEqual(['medium']);
  });

  it("caps page_size at Zoom's maximum and sends no empty filters", async () => {
    api().get('/v2/users/me/webinars').query({ page_size: '300' }).reply(200, { next_page_token: '' });

    await expect(listWebinars(bed().zoom, 'me', { pageSize: 1000 })).resolves.toEqual({
      webinars: [],
      nextPageToken: undefined,
      totalRecords: undefined,
    });
  });

  it('walks every page through zoom.paginate', async () => {
    api()
      .get('/v2/users/me/webinars')
      .query({ type: 'scheduled' })
      .reply(200, { next_page_token: 'n2', webinars: [LIST_ITEM] })
      .get('/v2/users/me/webinars')
      .query({ type: 'scheduled', next_page_token: 'n2' })
      .reply(200, { next_page_token: '', webinars: [{ ...LIST_ITEM, id: 95204914252 }] });

    const ids: string[] = [];
    for await (const page of bed().zoom.paginate(listWebinarsRequest('me', { type: 'scheduled' }))) {
      ids.push(...page.items.map((w) => w.id));
    }
    expect(ids).toEqual(['97871060099', '95204914252']);
  });
});

describe('the missing webinar licence', () => {
  it("is Zoom's code 200", () => {
    expect(WEBINAR_LICENCE_REQUIRED_CODES).toEqual([200]);
  });

  it('is recognised when Zoom refuses to create a webinar for a host without the plan', async () => {
    api().post('/v2/users/bo%40example.com/webinars', { topic: 'Launch' }).reply(400, PLAN_MISSING);

    const error = await createSession(bed().zoom, 'webinar', 'bo@example.com', { topic: 'Launch' }, Webinar).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 400, zoomCode: 200 });
    expect(isWebinarLicenceMissing(error)).toBe(true);
  });

  it('is recognised in the spec\'s other wording, "Webinar plan subscription is missing"', () => {
    const message = 'Webinar plan subscription is missing. Enable webinar for this user once the subscription is added';
    expect(isWebinarLicenceMissing(refusal(400, 200, `${message}.`))).toBe(true);
  });

  it('is not confused with "No permission.", which shares the code', async () => {
    api().get('/v2/users/me/webinars').reply(400, { code: 200, message: 'No permission.' });

    const error = await listWebinars(bed().zoom, 'me').catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 400, zoomCode: 200 });
    expect(isWebinarLicenceMissing(error)).toBe(false);
  });

  it('is not claimed for other codes or other errors', () => {
    const unreachable = new ZoomUnavailableError({ method: 'GET', path: '/webinars/1', reason: 'HTTP 503' });
    expect(isWebinarLicenceMissing(refusal(404, 3001, PLAN_MISSING.message))).toBe(false);
    expect(isWebinarLicenceMissing(unreachable)).toBe(false);
    expect(isWebinarLicenceMissing(new Error(PLAN_MISSING.message))).toBe(false);
    expect(isWebinarLicenceMissing(undefined)).toBe(false);
  });
});
