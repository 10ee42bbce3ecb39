import { describe, expect, it } from 'vitest';
import { inBatches } from '../../../src/zoom/batches.js';
import { ZoomApiError } from '../../../src/zoom/errors.js';
import {
  REGISTRANT_STATUS_BATCH,
  addRegistrant,
  allRegistrants,
  getRegistrant,
  listRegistrants,
  listRegistrantsRequest,
  resolveRegistrants,
  updateRegistrantStatus,
  type Registrant,
  type SessionKind,
} from '../../../src/zoom/registrants.js';
import { planStatusChange, sendStatusBatch, type StatusChangeRequest } from '../../../src/zoom/registrant-changes.js';
import { chargedLabels, expectBodies, useAreaTestbed } from './testbed.js';

// Shaped like the examples in Zoom's registrant API reference.
const JILL = {
  id: '9tboDiHUQAeOnbmudzWa5g',
  address: '1800 Amphibious Blvd.',
  city: 'Mountain View',
  country: 'US',
  custom_questions: [{ title: 'What do you hope to learn from this?', value: 'Recipes' }],
  email: 'jchill@example.com',
  first_name: 'Jill',
  last_name: 'Chill',
  org: 'Cooking Org',
  status: 'approved',
  create_time: '2026-03-22T05:59:09Z',
  join_url: 'https://example.zoom.us/w/99289110036?tk=abc',
  participant_pin_code: 380303,
};
const BO = { id: 'kZ8dO6GJQbe9GWAH4kMz0A', email: 'Bo.Berg@Example.com', first_name: 'Bo', status: 'pending' };

/** A registrant as the schema returns it, for the pure functions. */
function registrant(id: string, email: string, status = 'pending'): Registrant {
  return { id, email, first_name: email.split('@')[0] ?? '', status };
}

const { bed, api } = useAreaTestbed('zoom-registrants', 'tok-registrants');

const KINDS: Array<{ kind: SessionKind; prefix: string; id: string }> = [
  { kind: 'meeting', prefix: '/v2/meetings/85746065', id: '85746065' },
  { kind: 'webinar', prefix: '/v2/webinars/99289110036', id: '99289110036' },
];

describe.each(KINDS)('registrants of a $kind', ({ kind, prefix, id }) => {
  it('lists one page with the status, occurrence and page size given', async () => {
    api()
      .get(`${prefix}/registrants`)
      .query({ status: 'pending', occurrence_id: '1648194360000', page_size: '300', next_page_token: 'w7587' })
      .reply(200, { next_page_token: 'w7588', page_size: 300, total_records: 301, registrants: [BO] });
    const labels = chargedLabels(bed());

    const page = await listRegistrants(bed().zoom, kind, id, {
      status: 'pending',
      occurrenceId: '1648194360000',
      pageSize: 5000,
      nextPageToken: 'w7587',
    });

    expect(page).toEqual({
      registrants: [expect.objectContaining({ id: BO.id, email: 'Bo.Berg@Example.com', status: 'pending' })],
      nextPageToken: 'w7588',
      totalRecords: 301,
    });
    expect(labels()).toEqual(['medium']);
  });

  it('adds a registrant for chosen occurrences and returns the 201 answer', async () => {
    api()
      .post(`${prefix}/registrants`, { email: 'jchill@example.com', first_name: 'Jill', last_name: 'Chill' })
      .query({ occurrence_ids: '1648194360000,1648367160000' })
      .reply(201, {
        id: Number(id),
        join_url: 'https://example.zoom.us/w/1?tk=abc',
        registrant_id: 'fdgsfh2ey82fuh',
        start_time: '2026-12-01T15:00:00Z',
        topic: 'Product launch',
        occurrences: [{ duration: 60, occurrence_id: 1648194360000, start_time: '2026-12-01T15:00:00Z' }],
        participant_pin_code: 380303,
      });
    const labels = chargedLabels(bed());

    const created = await addRegistrant(
      bed().zoom,
      kind,
      id,
      { email: 'jchill@example.com', first_name: 'Jill', last_name: 'Chill' },
      { occurrenceIds: ['1648194360000', '1648367160000'] },
    );

    expect(created).toMatchObject({ id, registrant_id: 'fdgsfh2ey82fuh', join_url: expect.any(String) });
    expect(created.occurrences?.[0]?.occurrence_id).toBe('1648194360000');
    expect(labels()).toEqual(['light']);
  });

  it('changes the status of the registrants given, for one occurrence', async () => {
    api()
      .put(`${prefix}/registrants/status`, {
        action: 'deny',
        registrants: [{ id: BO.id, email: BO.email }, { id: JILL.id }],
      })
      .query({ occurrence_id: '1648194360000' })
      .reply(204);
    const labels = chargedLabels(bed());

    await expect(
      updateRegistrantStatus(bed().zoom, kind, id, 'deny', [{ id: BO.id, email: BO.email }, { id: JILL.id }], {
        occurrenceId: '1648194360000',
      }),
    ).resolves.toBeUndefined();
    expect(labels()).toEqual(['medium']);
  });
});

describe.each(KINDS)('one registrant of a $kind', ({ kind, prefix, id }) => {
  it('reads them with their status (Light)', async () => {
    api().get(`${prefix}/registrants/${JILL.id}`).reply(200, JILL);
    const labels = chargedLabels(bed());

    await expect(getRegistrant(bed().zoom, kind, id, JILL.id)).resolves.toMatchObject({ id: JILL.id, email: JILL.email, status: 'approved' });
    expect(labels()).toEqual(['light']);
  });

  it('refuses an answer without a status, naming the field', async () => {
    const { status: _none, ...withoutStatus } = JILL;
    api().get(`${prefix}/registrants/${JILL.id}`).reply(200, withoutStatus);
    await expect(getRegistrant(bed().zoom, kind, id, JILL.id)).rejects.toThrow(/status/);
  });
});

describe('a status change for one occurrence', () => {
  it('looks the registrants up in that occurrence and sends the change for it', async () => {
    const prefix = '/v2/webinars/99289110036';
    for (const status of ['pending', 'approved', 'denied']) {
      api().get(`${prefix}/registrants`).query({ status, occurrence_id: '1648194360000', page_size: '300' })
        .reply(200, { next_page_token: '', total_records: status === 'pending' ? 1 : 0, registrants: status === 'pending' ? [BO] : [] });
    }
    api().put(`${prefix}/registrants/status`, { action: 'approve', registrants: [{ id: BO.id, email: BO.email }] }).query({ occurrence_id: '1648194360000' }).reply(204);
    const req: StatusChangeRequest = { kind: 'webinar', sessionId: '99289110036', action: 'approve', wanted: [BO.id], occurrenceId: '1648194360000' };

    const plan = await planStatusChange(bed().zoom, req);
    expect(plan.todo).toEqual([{ id: BO.id, email: BO.email }]);
    await expect(sendStatusBatch(bed().zoom, req, plan.todo)).resolves.toEqual({ changed: plan.todo, failed: [] });
  });
});

describe('listRegistrants', () => {
  it('sends only the status when nothing else is asked', async () => {
    api().get('/v2/meetings/85746065/registrants').query({ status: 'approved' }).reply(200, { total_records: 0 });

    await expect(listRegistrants(bed().zoom, 'meeting', '85746065', { status: 'approved' })).resolves.toEqual({
      registrants: [],
      nextPageToken: undefined,
      totalRecords: 0,
    });
  });

  it('keeps the fields Zoom sends beyond the schema', async () => {
    api().get('/v2/webinars/99289110036/registrants').query({ status: 'approved' }).reply(200, { registrants: [JILL] });

    const { registrants } = await listRegistrants(bed().zoom, 'webinar', '99289110036', { status: 'approved' });

    expect(registrants[0]).toMatchObject({ first_name: 'Jill', last_name: 'Chill', org: 'Cooking Org' });
  });

  it('rejects a registrant without an email, naming the field', async () => {
    api()
      .get('/v2/webinars/99289110036/registrants')
      .query({ status: 'pending' })
      .reply(200, { registrants: [{ id: 'x1', first_name: 'Nomail' }] });

    await expect(listRegistrants(bed().zoom, 'webinar', '99289110036', { status: 'pending' })).rejects.toThrow(
      /registrants\[0\]\.email/,
    );
  });

  it('builds the request for zoom.paginate without a token', () => {
    expect(listRegistrantsRequest('webinar', '99289110036', { status: 'denied' })).toMatchObject({
      method: 'GET',
      path: '/webinars/99289110036/registrants',
      query: { status: 'denied', occurrence_id: undefined, page_size: undefined },
      label: 'medium',
      itemsKey: 'registrants',
    });
  });
});

describe('allRegistrants', () => {
  it('walks every page of every status asked for, 300 a page, and keeps each registrant once', async () => {
    // JILL is approved while the pending list is walked, so she shows up under both statuses.
    const path = '/v2/webinars/99289110036/registrants';
    api()
      .get(path)
      .query({ status: 'pending', page_size: '300' })
      .reply(200, { next_page_token: 'p2', registrants: [BO, { ...JILL, status: 'pending' }] })
      .get(path)
      .query({ status: 'pending', page_size: '300', next_page_token: 'p2' })
      .reply(200, { next_page_token: '', registrants: [{ ...JILL, id: 'a1', status: 'pending' }] })
      .get(path)
      .query({ status: 'approved', page_size: '300' })
      .reply(200, { registrants: [JILL] });
    const labels = chargedLabels(bed());

    const everyone = await allRegistrants(bed().zoom, 'webinar', '99289110036', ['pending', 'approved']);

    expect(everyone.map((r) => [r.id, r.status])).toEqual([
      [BO.id, 'pending'],
      [JILL.id, 'approved'],
      ['a1', 'pending'],
    ]);
    expect(labels()).toEqual(['medium', 'medium', 'medium']);
  });

  it('passes an occurrence and a page size on to every call', async () => {
    api()
      .get('/v2/meetings/85746065/registrants')
      .query({ status: 'approved', occurrence_id: '1648194360000', page_size: '10' })
      .reply(200, { registrants: [JILL] });

    const everyone = await allRegistrants(bed().zoom, 'meeting', '85746065', ['approved'], {
      occurrenceId: '1648194360000',
      pageSize: 10,
    });

    expect(everyone.map((r) => r.email)).toEqual(['jchill@example.com']);
  });
});

describe('addRegistrant', () => {
  it('sends no occurrence_ids or last name unless given; no join_url under manual approval', async () => {
    api()
      .post('/v2/webinars/99289110036/registrants', { email: 'bo@example.com', first_name: 'Bo' })
      .reply(201, { id: 99289110036, registrant_id: 'kZ8dO6GJQbe9GWAH4kMz0A', topic: 'Launch' });

    const created = await addRegistrant(bed().zoom, 'webinar', '99289110036', {
      email: 'bo@example.com',
      first_name: 'Bo',
    });

    expect(created).toEqual({ id: '99289110036', registrant_id: 'kZ8dO6GJQbe9GWAH4kMz0A', topic: 'Launch' });
    expect(created.join_url).toBeUndefined();
  });
});

describe('updateRegistrantStatus', () => {
  it('sends only id and email, even when given whole registrants', async () => {
    api()
      .put('/v2/meetings/85746065/registrants/status', {
        action: 'approve',
        registrants: [{ id: BO.id, email: BO.email }],
      })
      .reply(204);

    const bo: Registrant = { ...BO, last_name: 'Berg', create_time: '2026-03-22T05:59:09Z' };
    await updateRegistrantStatus(bed().zoom, 'meeting', '85746065', 'approve', [bo]);
  });

  it(`takes exactly ${REGISTRANT_STATUS_BATCH} registrants in one call`, async () => {
    const thirty = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}` }));
    api().put('/v2/webinars/99289110036/registrants/status', { action: 'cancel', registrants: thirty }).reply(204);

    await updateRegistrantStatus(bed().zoom, 'webinar', '99289110036', 'cancel', thirty);
  });

  it('refuses more than 30 registrants as a programming error, before calling Zoom', async () => {
    const thirtyOne = Array.from({ length: 31 }, (_, i) => ({ id: `r${i}` }));

    const labels = chargedLabels(bed());

    const error = await updateRegistrantStatus(bed().zoom, 'webinar', '99289110036', 'approve', thirtyOne).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ZoomApiError);
    expect((error as Error).message).toBe('updateRegistrantStatus takes 1 to 30 registrants, got 31');
    expect(labels()).toEqual([]);
  });

  it('refuses an empty list too, since Zoom does not document what it does with one', async () => {
    await expect(updateRegistrantStatus(bed().zoom, 'meeting', '85746065', 'approve', [])).rejects.toThrow(
      'updateRegistrantStatus takes 1 to 30 registrants, got 0',
    );
  });

  it('approves 65 people named by email in three calls of 30, 30 and 5', async () => {
    const known = Array.from({ length: 70 }, (_, i) => registrant(`id-${i}`, `person${i}@example.com`));
    const wanted = known.slice(0, 65).map((r) => r.email.toUpperCase());
    const { found, missing } = resolveRegistrants(wanted, known);
    expect(missing).toEqual([]);

    const bodies = [known.slice(0, 30), known.slice(30, 60), known.slice(60, 65)].map((batch) => ({
      action: 'approve',
      registrants: batch.map((r) => ({ id: r.id, email: r.email })),
    }));
    const path = '/v2/meetings/85746065/registrants/status';
    const received = expectBodies(api(), 'PUT', path, bodies, { status: 204 });

    for (const batch of inBatches(found, REGISTRANT_STATUS_BATCH)) {
      await updateRegistrantStatus(bed().zoom, 'meeting', '85746065', 'approve', batch);
    }

    expect(bodies.map((body) => body.registrants.length)).toEqual([30, 30, 5]);
    expect(received).toEqual(bodies);
  });
});

describe('resolveRegistrants', () => {
  const ana = registrant('aaaAAA111', 'Ana.Lima@Example.com', 'approved');
  const bo = registrant('bbbBBB222', 'bo@example.com');
  const cy = registrant('cccCCC333', 'cy@example.org', 'denied');
  const known = [ana, bo, cy];

  it('matches emails without regard to case', () => {
    expect(resolveRegistrants(['ana.lima@example.COM', 'BO@EXAMPLE.COM'], known)).toEqual({
      found: [ana, bo],
      missing: [],
    });
  });

  it('matches registrant IDs exactly, case included', () => {
    expect(resolveRegistrants(['cccCCC333', 'AAAaaa111'], known)).toEqual({ found: [cy], missing: ['AAAaaa111'] });
  });

  it('does not take an ID for an email or an email for an ID', () => {
    const odd = registrant('bo@example.com', 'someone@example.com');
    expect(resolveRegistrants(['bo@example.com'], [odd, bo])).toEqual({ found: [bo], missing: [] });
    expect(resolveRegistrants(['bbbBBB222'], [registrant('x', 'bbbBBB222@x.io')])).toEqual({
      found: [],
      missing: ['bbbBBB222'],
    });
  });

  it('returns each registrant once, however often and however named, in the order first named', () => {
    const result = resolveRegistrants(['bo@example.com', 'aaaAAA111', 'Bo@Example.com', 'ana.lima@example.com'], known);
    expect(result).toEqual({ found: [bo, ana], missing: [] });
  });

  it('reports what matched nobody, once each, as first written', () => {
    const wanted = ['Zed@Example.com', 'ana.lima@example.com', 'zed@example.com', 'nope', 'nope'];
    const result = resolveRegistrants(wanted, known);
    expect(result).toEqual({ found: [ana], missing: ['Zed@Example.com', 'nope'] });
  });

  it('finds every registration under one email', () => {
    const again = registrant('ddd444', 'ANA.LIMA@example.com', 'pending');
    expect(resolveRegistrants(['ana.lima@example.com'], [...known, again]).found).toEqual([ana, again]);
  });

  it('keeps the first of a registrant listed twice in what is known', () => {
    // e.g. seen as pending, then approved on a later page while an admin worked in Zoom.
    expect(resolveRegistrants(['bbbBBB222'], [bo, { ...bo, status: 'approved' }]).found).toEqual([bo]);
  });

  it('ignores surrounding spaces and blank entries', () => {
    expect(resolveRegistrants(['  bo@example.com ', '', '   ', ' cccCCC333'], known)).toEqual({
      found: [bo, cy],
      missing: [],
    });
  });

  it('resolves nothing from nothing', () => {
    expect(resolveRegistrants([], known)).toEqual({ found: [], missing: [] });
    expect(resolveRegistrants(['bo@example.com'], [])).toEqual({ found: [], missing: ['bo@example.com'] });
  });
});
