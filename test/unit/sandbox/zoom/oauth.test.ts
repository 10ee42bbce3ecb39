// The sandbox's OAuth endpoint and bearer check, as the bot's token provider meets them.
import { describe, expect, it } from 'vitest';
import { useSandbox } from './harness.js';

const t = useSandbox();

async function tokenRequest(query: string, auth: string | undefined, body?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  const response = await fetch(`${t.sandbox.oauthUrl}${query}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('POST /oauth/token', () => {
  it('answers an account_credentials grant sent in the query string with a one-hour bearer token', async () => {
    const { sandbox } = t;
    const answer = await tokenRequest(
      `?grant_type=account_credentials&account_id=${sandbox.accountId}`,
      basic(sandbox.clientId, sandbox.clientSecret),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(answer.body.access_token).toEqual(expect.any(String));
    expect(answer.body.scope).toContain('meeting:read:meeting:admin');
  });

  it('refuses a wrong client secret with OAuth invalid_client', async () => {
    const { sandbox } = t;
    const body = new URLSearchParams({ grant_type: 'account_credentials', account_id: sandbox.accountId }).toString();
    const answer = await tokenRequest('', basic(sandbox.clientId, 'wrong'), body);
    expect(answer).toEqual({ status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } });
  });

  it('refuses another grant type and another account', async () => {
    const { sandbox } = t;
    const auth = basic(sandbox.clientId, sandbox.clientSecret);
    expect((await tokenRequest('?grant_type=client_credentials', auth)).body.error).toBe('unsupported_grant_type');
    expect((await tokenRequest('?grant_type=account_credentials&account_id=other', auth)).status).toBe(400);
  });
});

describe('bearer check on /v2', () => {
  it('answers 401 code 124 without a token and with an unknown one', async () => {
    for (const token of [null, 'not-a-token']) {
      const answer = await t.call('GET', '/users', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ code: 124, message: 'Invalid access token.' });
    }
  });

  it('answers an unknown endpoint like Zoom', async () => {
    const answer = await t.call('GET', '/no/such/thing');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ code: 2300, message: 'This API endpoint is not recognized.' });
  });
});

describe('Zoom tracking ID', () => {
  it('comes with every REST answer, success or refusal, one per request, as Zoom sends it', async () => {
    const ok = await t.call('GET', '/users');
    const refused = await t.call('GET', '/users/nobody@example.com');
    const unauthorised = await t.call('GET', '/users', { token: null });
    expect([ok.status, refused.status, unauthorised.status]).toEqual([200, 404, 401]);
    const ids = [ok, refused, unauthorised].map((a) => a.headers.get('x-zm-trackingid'));
    for (const id of ids) expect(id).toMatch(/^v=2\.0;clid=[a-z0-9]+;rid=WEB_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(3);
  });
});
