// Registrants and panelists in the sandbox: status filters, pagination past one page, the batch limit of 30, and the
// bot's own registrant code walking every page through its real ZoomClient.
import { describe, expect, it } from 'vitest';
import { ZoomClient } from '../../../../src/zoom/client.js';
import { Registrant, RegistrantCreated, allRegistrants } from '../../../../src/zoom/registrants.js';
import { sessionId, useSandbox } from './harness.js';

const t = useSandbox();
const webinar = () => sessionId(t.sandbox, 'Product launch webinar');
const onboarding = () => sessionId(t.sandbox, 'Customer onboarding: Acme Corp');

describe('listing registrants', () => {
  it('lists approved ones by default and pending ones only with status=pending', async () => {
    const approved = await t.call('GET', `/meetings/${onboarding()}/registrants`);
    expect(approved.body.registrants.map((r: { status: string }) => r.status)).toEqual(['approved', 'approved', 'approved']);
    const pending = await t.call('GET', `/meetings/${onboarding()}/registrants?status=pending`);
    expect(pending.body.total_records).toBe(4);
    expect(pending.body.registrants.every((r: { join_url?: string }) => r.join_url === undefined)).toBe(true);
    for (const item of pending.body.registrants) expect(Registrant.safeParse(item).success).toBe(true);
  });

  it('pages 350 pending webinar registrants with next_page_token, "" on the last page', async () => {
    const first = await t.call('GET', `/webinars/${webinar()}/registrants?status=pending&page_size=300`);
    expect(first.body).toMatchObject({ page_size: 300, total_records: 350 });
    expect(first.body.registrants).toHaveLength(300);
    const token = first.body.next_page_token as string;
    expect(token).not.toBe('');
    const second = await t.call('GET', `/webinars/${webinar()}/registrants?status=pending&page_size=300&next_page_token=${token}`);
    expect(second.body.registrants).toHaveLength(50);
    expect(second.body.next_page_token).toBe('');
    const ids = new Set([...first.body.registrants, ...second.body.registrants].map((r: { id: string }) => r.id));
    expect(ids.size).toBe(350);
  });

  it('cuts page_size to 300 and refuses a token from another list', async () => {
    const big = await t.call('GET', `/webinars/${webinar()}/registrants?status=pending&page_size=1000`);
    expect(big.body.registrants).toHaveLength(300);
    const reused = await t.call('GET', `/webinars/${webinar()}/registrants?status=approved&next_page_token=${big.body.next_page_token}`);
    expect(reused).toMatchObject({ status: 400, body: { code: 300, message: 'The next page token is invalid or expired.' } });
  });

  it("gives every pending registrant to the bot's allRegistrants through its real client", async () => {
    const zoom = new ZoomClient({
      apiUrl: t.sandbox.apiUrl,
      tokens: { getToken: async () => t.token, invalidate: async () => false },
      limiter: { acquire: async () => undefined, penalize: async () => undefined, markExhausted: async () => undefined },
    });
    const pending = await allRegistrants(zoom, 'webinar', String(webinar()), ['pending']);
    expect(pending).toHaveLength(350);
  });
});

describe('changing registrants', () => {
  it('adds a registrant under manual approval as pending, without a join URL (201)', async () => {
    const answer = await t.call('POST', `/meetings/${onboarding()}/registrants`, { body: { email: 'new.person@example.com', first_name: 'New', last_name: 'Person' } });
    expect(answer.status).toBe(201);
    expect(RegistrantCreated.parse(answer.body)).toMatchObject({ id: String(onboarding()), registrant_id: expect.any(String) });
    expect(answer.body.join_url).toBeUndefined();
    const pending = await t.call('GET', `/meetings/${onboarding()}/registrants?status=pending`);
    expect(pending.body.registrants.map((r: { email: string }) => r.email)).toContain('new.person@example.com');
  });

  it('approves two pending registrants (204); they move to approved with a join URL', async () => {
    const pending = (await t.call('GET', `/meetings/${onboarding()}/registrants?status=pending`)).body.registrants.slice(0, 2);
    const answer = await t.call('PUT', `/meetings/${onboarding()}/registrants/status`, {
      body: { action: 'approve', registrants: pending.map((r: { id: string; email: string }) => ({ id: r.id, email: r.email })) },
    });
    expect(answer.status).toBe(204);
    const approved = (await t.call('GET', `/meetings/${onboarding()}/registrants`)).body.registrants;
    for (const r of pending) {
      expect(approved.find((a: { id: string }) => a.id === r.id)).toMatchObject({ status: 'approved', join_url: expect.stringContaining('tk=') });
    }
  });

  it("reads one registrant with their status, as an Undo does, and says 3079 for one it does not know", async () => {
    const pending = await t.call('GET', `/meetings/${onboarding()}/registrants?status=pending`);
    const first = pending.body.registrants[0] as { id: string; email: string };
    const one = await t.call('GET', `/meetings/${onboarding()}/registrants/${first.id}`);
    expect(one.body).toMatchObject({ id: first.id, email: first.email, status: 'pending' });
    const unknown = await t.call('GET', `/meetings/${onboarding()}/registrants/nobody`);
    expect(unknown).toMatchObject({ status: 404, body: { code: 3079 } });
  });

  it('refuses more than 30 registrants in one status update and changes nobody', async () => {
    const pending = (await t.call('GET', `/webinars/${webinar()}/registrants?status=pending&page_size=31`)).body.registrants;
    const answer = await t.call('PUT', `/webinars/${webinar()}/registrants/status`, {
      body: { action: 'approve', registrants: pending.map((r: { id: string }) => ({ id: r.id })) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 300, message: 'Validation Failed.', errors: [{ field: 'registrants' }] });
    expect((await t.call('GET', `/webinars/${webinar()}/registrants?status=pending`)).body.total_records).toBe(350);
  });

  it('says registration is off for a meeting without it', async () => {
    const id = sessionId(t.sandbox, 'Quarterly planning');
    const answer = await t.call('GET', `/meetings/${id}/registrants`);
    expect(answer).toMatchObject({ status: 400, body: { code: 3000, message: `Registration has not been enabled for this meeting: ${id}.` } });
  });
});

describe('panelists', () => {
  it('lists, adds (201) and removes (204) panelists, at most 30 a call', async () => {
    const list = await t.call('GET', `/webinars/${webinar()}/panelists`);
    expect(list.body.total_records).toBe(4);
    const added = await t.call('POST', `/webinars/${webinar()}/panelists`, { body: { panelists: [{ email: 'kai@example.com', name: 'Kai' }] } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: String(webinar()), updated_at: expect.any(String) });
    const tooMany = Array.from({ length: 31 }, (_, i) => ({ email: `p${i}@example.com`, name: `P${i}` }));
    expect((await t.call('POST', `/webinars/${webinar()}/panelists`, { body: { panelists: tooMany } })).status).toBe(400);
    expect((await t.call('DELETE', `/webinars/${webinar()}/panelists/kai%40example.com`)).status).toBe(204);
    expect((await t.call('GET', `/webinars/${webinar()}/panelists`)).body.total_records).toBe(4);
  });
});
