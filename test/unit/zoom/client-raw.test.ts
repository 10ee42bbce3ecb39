// ZoomClient.requestRaw (`/zoom api`): the answer as Zoom sent it, with the same auth, retries and error mapping.
import { describe, expect, it } from 'vitest';
import { ZoomApiError } from '../../../src/zoom/errors.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

const { bed, api } = useAreaTestbed('zoom-raw', 'tok-raw');

describe('requestRaw', () => {
  it('returns status, tracking ID and the body text untouched', async () => {
    const labels = chargedLabels(bed());
    api()
      .get('/v2/users/me/settings')
      .query({ option: 'meeting_security' })
      .reply(200, '{"in_meeting":{"chat":true}}', { 'x-zm-trackingid': 'WEB_abc' });

    const answer = await bed().zoom.requestRaw({ method: 'GET', path: '/users/me/settings', query: { option: 'meeting_security' }, label: 'light' });

    expect(answer).toEqual({ status: 200, trackingId: 'WEB_abc', text: '{"in_meeting":{"chat":true}}' });
    expect(labels()).toEqual(['light']);
  });

  it('sends a JSON body and returns a 204 with no text', async () => {
    api().patch('/v2/users/u1', { dept: 'Ops' }).reply(204);
    await expect(
      bed().zoom.requestRaw({ method: 'PATCH', path: '/users/u1', body: { dept: 'Ops' }, label: 'medium' }),
    ).resolves.toMatchObject({ status: 204, text: '' });
  });

  it('retries a GET after a 503 like every other call', async () => {
    api().get('/v2/users/me').reply(503, '');
    api().get('/v2/users/me').reply(200, '{"id":"me"}');
    await expect(bed().zoom.requestRaw({ method: 'GET', path: '/users/me', label: 'light' })).resolves.toMatchObject({ status: 200 });
    expect(bed().clientSleeps).toHaveLength(1);
  });

  it("throws Zoom's refusal with its code, message and tracking ID", async () => {
    api()
      .delete('/v2/meetings/81234567890')
      .reply(404, { code: 3001, message: 'Meeting does not exist: 81234567890.' }, { 'x-zm-trackingid': 'WEB_404' });

    const error = await bed().zoom.requestRaw({ method: 'DELETE', path: '/meetings/81234567890', label: 'medium' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 404, zoomCode: 3001, trackingId: 'WEB_404', zoomMessage: 'Meeting does not exist: 81234567890.' });
  });
});
