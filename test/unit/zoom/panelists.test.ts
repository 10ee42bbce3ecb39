import { describe, expect, it } from 'vitest';
import { ZoomApiError } from '../../../src/zoom/errors.js';
import { PANELIST_BATCH, addPanelists, listPanelists, removePanelist } from '../../../src/zoom/panelists.js';
import { chargedLabels, expectBodies, useAreaTestbed } from './testbed.js';

const PANELISTS_PATH = '/v2/webinars/99289110036/panelists';

// Shaped like the example in Zoom's panelist API reference.
const JILL = {
  id: 'Tg2b6GhcQKKbV7nSCbDKug',
  email: 'jchill@example.com',
  name: 'Jill Chill',
  join_url: 'https://example.zoom.us/w/99289110036?tk=xyz',
  virtual_background_id: 'xHhPyb8ERMCmiC5njPjFdQ',
  name_tag_id: 'xHhPyb8ERMCmiC5njPjFdQ',
  name_tag_name: 'Jill',
  name_tag_pronouns: 'she/her',
  name_tag_description: 'Chef',
};

// Inferred, not PanelistInput[]: nock's body matcher takes plain object types, which interfaces are not.
function people(count: number) {
  return Array.from({ length: count }, (_, i) => ({ email: `panelist${i}@example.com`, name: `Panelist ${i}` }));
}

const { bed, api } = useAreaTestbed('zoom-panelists', 'tok-panelists');

describe('listPanelists', () => {
  it('lists every panelist in one call, without paging', async () => {
    api()
      .get(PANELISTS_PATH)
      .reply(200, { total_records: 2, panelists: [JILL, { id: 12345, email: 'bo@example.com', name: 'Bo' }] });
    const labels = chargedLabels(bed());

    const list = await listPanelists(bed().zoom, '99289110036');

    expect(list.totalRecords).toBe(2);
    expect(list.panelists.map((p) => [p.id, p.email, p.name])).toEqual([
      ['Tg2b6GhcQKKbV7nSCbDKug', 'jchill@example.com', 'Jill Chill'],
      ['12345', 'bo@example.com', 'Bo'],
    ]);
    expect(list.panelists[0]).toMatchObject({ join_url: JILL.join_url, name_tag_pronouns: 'she/her' });
    expect(labels()).toEqual(['medium']);
  });

  it('reads an answer without panelists as none', async () => {
    api().get(PANELISTS_PATH).reply(200, {});
    await expect(listPanelists(bed().zoom, '99289110036')).resolves.toEqual({ panelists: [], totalRecords: 0 });
  });

  it('counts the panelists when Zoom leaves total_records out', async () => {
    api().get(PANELISTS_PATH).reply(200, { panelists: [JILL] });
    await expect(listPanelists(bed().zoom, '99289110036')).resolves.toMatchObject({ totalRecords: 1 });
  });
});

describe('addPanelists', () => {
  it(`sends up to ${PANELIST_BATCH} a call: 65 panelists go as 30, 30 and 5, in order`, async () => {
    const everyone = people(65);
    const bodies = [everyone.slice(0, 30), everyone.slice(30, 60), everyone.slice(60)].map((panelists) => ({
      panelists,
    }));
    const answer = { id: '99289110036', updated_at: '2026-03-26T07:30:16Z' };
    const received = expectBodies(api(), 'POST', PANELISTS_PATH, bodies, { status: 201, body: answer });

    const labels = chargedLabels(bed());

    await expect(addPanelists(bed().zoom, '99289110036', everyone)).resolves.toBe(65);

    expect(bodies.map((body) => body.panelists.length)).toEqual([30, 30, 5]);
    expect(received).toEqual(bodies);
    expect(labels()).toEqual(['medium', 'medium', 'medium']);
  });

  it('sends exactly 30 in a single call', async () => {
    api().post(PANELISTS_PATH, { panelists: people(30) }).reply(201, { id: '99289110036' });
    await expect(addPanelists(bed().zoom, '99289110036', people(30))).resolves.toBe(30);
  });

  it('sends only email and name, whatever else the objects carry', async () => {
    api()
      .post(PANELISTS_PATH, { panelists: [{ email: 'jchill@example.com', name: 'Jill Chill' }] })
      .reply(201, { id: '99289110036', updated_at: '2026-03-26T07:30:16Z' });

    await addPanelists(bed().zoom, '99289110036', [JILL]);
  });

  it('calls Zoom not at all for no panelists', async () => {
    const labels = chargedLabels(bed());
    await expect(addPanelists(bed().zoom, '99289110036', [])).resolves.toBe(0);
    expect(labels()).toEqual([]);
  });

  it('stops at a refused batch and sends no more', async () => {
    const everyone = people(65);
    api()
      .post(PANELISTS_PATH, { panelists: everyone.slice(0, 30) })
      .reply(201, { id: '99289110036' })
      .post(PANELISTS_PATH, { panelists: everyone.slice(30, 60) })
      .reply(400, { code: 3000, message: 'You have reached the limit for the number of panelists you can add.' });

    const error = await addPanelists(bed().zoom, '99289110036', everyone).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 400, zoomCode: 3000 });
  });
});

describe('removePanelist', () => {
  it('removes a panelist by ID', async () => {
    api().delete(`${PANELISTS_PATH}/Tg2b6GhcQKKbV7nSCbDKug`).reply(204);
    const labels = chargedLabels(bed());
    await expect(removePanelist(bed().zoom, '99289110036', 'Tg2b6GhcQKKbV7nSCbDKug')).resolves.toBeUndefined();
    expect(labels()).toEqual(['light']);
  });

  it('removes a panelist by email, encoded in the path', async () => {
    api().delete(`${PANELISTS_PATH}/jchill%40example.com`).reply(204);
    await removePanelist(bed().zoom, '99289110036', 'jchill@example.com');
  });
});
