import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ZoomApiError, ZoomUnavailableError } from '../../../src/zoom/errors.js';
import {
  WEBINAR_LICENCE_REQUIRED_CODES,
  createWebinar,
  deleteWebinar,
  endWebinar,
  getWebinar,
  isWebinarLicenceMissing,
  listWebinars,
  listWebinarsRequest,
  updateWebinar,
  type WebinarInput,
} from '../../../src/zoom/webinars.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

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
  return new ZoomApiError({ status, code, zoomMessage, method: 'GET', path: '/webinars/97871060099/panelists' });
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

describe('getWebinar', () => {
  it('parses a recurring webinar, with its IDs as strings', async () => {
    api().get('/v2/webinars/97871060099').reply(200, RECURRING_WEBINAR);
    const labels = chargedLabels(bed());

    const webinar = await getWebinar(bed().zoom, '97871060099');

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

  it('asks for one occurrence', async () => {
    api()
      .get('/v2/webinars/97871060099')
      .query({ occurrence_id: '1648194360000' })
      .reply(200, { id: '97871060099', topic: 'Product launch', type: 9 });

    await expect(getWebinar(bed().zoom, '97871060099', { occurrenceId: '1648194360000' })).resolves.toMatchObject({
      id: '97871060099',
    });
  });

  it('double-encodes a UUID that contains a double slash', async () => {
    api().get('/v2/webinars/ab%252F%252Fcd%253D%253D').reply(200, { id: 1, topic: 'Past', type: 5 });

    await expect(getWebinar(bed().zoom, 'ab//cd==')).resolves.toMatchObject({ id: '1' });
  });

  it('rejects an answer without a topic, naming the field', async () => {
    api().get('/v2/webinars/97871060099').reply(200, { id: 97871060099, type: 5 });

    await expect(getWebinar(bed().zoom, '97871060099')).rejects.toThrow(/topic/);
  });
});

describe('createWebinar', () => {
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

    const webinar = await createWebinar(bed().zoom, 'ana@example.com', input);

    expect(webinar).toMatchObject({ id: '97871060099', topic: 'Product launch', join_url: expect.any(String) });
    expect(labels()).toEqual(['light']);
  });
});

describe('updateWebinar', () => {
  it('patches only the fields given, for one occurrence', async () => {
    api()
      .patch('/v2/webinars/97871060099', { start_time: '2026-12-02T16:00:00Z', duration: 90 })
      .query({ occurrence_id: '1648194360000' })
      .reply(204);

    await expect(
      updateWebinar(
        bed().zoom,
        '97871060099',
        { start_time: '2026-12-02T16:00:00Z', duration: 90 },
        { occurrenceId: '1648194360000' },
      ),
    ).resolves.toBeUndefined();
  });

  it('patches the whole series without an occurrence', async () => {
    api()
      .patch('/v2/webinars/97871060099', { settings: { approval_type: 0 }, recurrence: { type: 1, end_times: 3 } })
      .reply(204);
    const labels = chargedLabels(bed());

    await updateWebinar(bed().zoom, '97871060099', {
      settings: { approval_type: 0 },
      recurrence: { type: 1, end_times: 3 },
    });
    expect(labels()).toEqual(['light']);
  });
});

describe('deleteWebinar', () => {
  it('deletes the webinar', async () => {
    api().delete('/v2/webinars/97871060099').reply(204);
    const labels = chargedLabels(bed());
    await expect(deleteWebinar(bed().zoom, '97871060099')).resolves.toBeUndefined();
    expect(labels()).toEqual(['light']);
  });

  it('deletes one occurrence', async () => {
    api().delete('/v2/webinars/97871060099').query({ occurrence_id: '1648194360000' }).reply(204);
    await deleteWebinar(bed().zoom, '97871060099', { occurrenceId: '1648194360000' });
  });
});

describe('endWebinar', () => {
  it('puts the status "end" and accepts the 200 the spec documents', async () => {
    api().put('/v2/webinars/97871060099/status', { action: 'end' }).reply(200);
    const labels = chargedLabels(bed());
    await expect(endWebinar(bed().zoom, '97871060099')).resolves.toBeUndefined();
    expect(labels()).toEqual(['light']);
  });

  it('accepts a 204 as well', async () => {
    api().put('/v2/webinars/97871060099/status', { action: 'end' }).reply(204);
    await expect(endWebinar(bed().zoom, '97871060099')).resolves.toBeUndefined();
  });
});

describe('the missing webinar licence', () => {
  it("is Zoom's code 200", () => {
    expect(WEBINAR_LICENCE_REQUIRED_CODES).toEqual([200]);
  });

  it('is recognised when Zoom refuses to create a webinar for a host without the plan', async () => {
    api().post('/v2/users/bo%40example.com/webinars', { topic: 'Launch' }).reply(400, PLAN_MISSING);

    const error = await createWebinar(bed().zoom, 'bo@example.com', { topic: 'Launch' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 400, code: 200 });
    expect(isWebinarLicenceMissing(error)).toBe(true);
  });

  it('is recognised in the spec\'s other wording, "Webinar plan subscription is missing"', () => {
    const message = 'Webinar plan subscription is missing. Enable webinar for this user once the subscription is added';
    expect(isWebinarLicenceMissing(refusal(400, 200, `${message}.`))).toBe(true);
  });

  it('is not confused with "No permission.", which shares the code', async () => {
    api().get('/v2/users/me/webinars').reply(400, { code: 200, message: 'No permission.' });

    const error = await listWebinars(bed().zoom, 'me').catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 400, code: 200 });
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
