// End to end: `/zoom api` — through the same Zoom client as every command, status and tracking ID shown, long
// answers whole in a DM, writes only after a one-time confirmation, escapes refused, Zoom's errors passed through.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';

const ADMIN = 'UADMIN';
const OTHER_ADMIN = 'UADMIN2';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';

const fixture = useBotFixture({
  name: 'e2e-api',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: OTHER_ADMIN, email: 'admin2@example.com' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: `${ADMIN},${OTHER_ADMIN}`, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
let slack: FakeSlack;
let zoom: nock.Scope;

/** What nock's 'no match' event gives: a request, or the options it was made with. */
interface NockRequest {
  method?: string;
  path?: string;
  hostname?: string;
  host?: string;
}

beforeEach(() => {
  slack = fixture.slack();
  zoom = fixture.zoom();
});

describe('api GET', () => {
  it('shows status, tracking ID and pretty JSON', async () => {
    zoom.get('/users/me/settings').query({ option: 'meeting_security' }).reply(200, { in_meeting: { chat: true } }, { 'x-zm-trackingid': 'WEB_123' });

    const answer = await driver.command('api get /users/me/settings?option=meeting_security', ADMIN);

    expect(answer.body.text).toBe('GET /users/me/settings?option=meeting_security → 200');
    expect(textOf(answer)).toContain('Zoom tracking ID: `WEB_123`');
    expect(answer.body.blocks[1].text.text).toBe('```{\n  "in_meeting": {\n    "chat": true\n  }\n}```');
  });

  it('cuts a long answer and sends all of it as a file in a DM', async () => {
    const users = Array.from({ length: 80 }, (_, i) => ({ id: `u${i}`, email: `user${i}@example.com` }));
    zoom.get('/users').reply(200, { users });

    const answer = await driver.command('api GET /users', ADMIN);

    expect(textOf(answer)).toMatch(/the whole of it is in `zoom-api-get-users\.json` in a direct message/);
    expect(JSON.parse(await slack.uploadedFile())).toEqual({ users });
    expect((await slack.waitFor((c) => c.method === 'files.completeUploadExternal')).body.channel_id).toBe(`D${ADMIN}`);
  });

  it("passes Zoom's refusal through with status, code, message and tracking ID", async () => {
    zoom.get('/meetings/81234567890').reply(404, { code: 3001, message: 'Meeting does not exist: 81234567890.' }, { 'x-zm-trackingid': 'WEB_404' });

    const answer = await driver.command('api GET /meetings/81234567890', ADMIN);

    expect(answer.body.text).toBe(':x: GET /meetings/81234567890 → 404 · Zoom code 3001: Meeting does not exist: 81234567890. · Zoom tracking ID: `WEB_404`');
  });
});

describe('api writes', () => {
  it('asks first, sends on the button once, and audits', async () => {
    const prompt = await driver.command('api PATCH /users/jane@example.com {"dept": "Ops &amp; &lt;Support&gt;"}', ADMIN);
    expect(prompt.body.text).toContain('Send *PATCH /users/jane@example.com* to Zoom?');
    expect(prompt.body.blocks[0].text.text).toContain('"dept": "Ops &amp; &lt;Support&gt;"');

    const patched = zoom.patch('/users/jane@example.com', { dept: 'Ops & <Support>' }).reply(204, '', { 'x-zm-trackingid': 'WEB_p' });
    const value = buttonOf(prompt, 'api.call.confirm').value;
    const answer = await driver.click('api.call.confirm', value, ADMIN);

    expect(patched.isDone()).toBe(true);
    expect(answer.body.replace_original).toBe(true);
    expect(answer.body.text).toBe('PATCH /users/jane@example.com → 204');
    expect(textOf(answer)).toContain('No body.');
    const audit = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT);
    expect(String(audit.body.text)).toContain('called Zoom: PATCH /users/jane@example.com');

    const again = await driver.click('api.call.confirm', value, ADMIN);
    expect(again.body.text).toContain('already used or has expired');
  });

  it("refuses another admin's click without calling Zoom, and the asker's confirmation still works after it", async () => {
    const post = zoom.post('/users', { action: 'create' }).reply(201, { id: 'new' });
    const prompt = await driver.command('api POST /users {"action":"create"}', ADMIN);
    const value = buttonOf(prompt, 'api.call.confirm').value;

    const theirs = await driver.click('api.call.confirm', value, OTHER_ADMIN);
    expect(theirs.body.text).toBe(`This confirmation belongs to <@${ADMIN}>; nothing was done.`);
    const madeUp = await driver.click('api.call.confirm', '{"method":"POST"}', ADMIN);
    expect(madeUp.body.text).toContain('This button is out of date');
    expect(post.isDone()).toBe(false);

    const mine = await driver.click('api.call.confirm', value, ADMIN);
    expect(mine.body.text).toBe('POST /users → 201');
    expect(post.isDone()).toBe(true);
  });

  it('says how much of a long body the confirmation does not show, and sends all of it', async () => {
    const body = { notes: 'x'.repeat(3999) };
    const hidden = JSON.stringify(body, null, 2).length - 2500;
    const prompt = await driver.command(`api PATCH /users/u1 ${JSON.stringify(body)}`, ADMIN);

    expect(hidden).toBe(1516);
    expect(prompt.body.blocks[0].text.text).toContain('```\n… 1,516 more characters not shown; Zoom gets the whole body.');
    const patched = zoom.patch('/users/u1', body).reply(204);
    await driver.click('api.call.confirm', buttonOf(prompt, 'api.call.confirm').value, ADMIN);
    expect(patched.isDone()).toBe(true);
  });

  it('names the JSON error in a body', async () => {
    const answer = await driver.command('api POST /users {"action": create}', ADMIN);
    expect(answer.body.text).toMatch(/^The body is not valid JSON \(.+\)\. Write it as JSON/);
  });
});

describe('api refuses escapes before calling Zoom', () => {
  // The fixture's Zoom scope has no interceptors here: any request to Zoom finds none, and nock reports it.
  const reachedZoom: string[] = [];
  const recordUnmatched = (req: NockRequest, options?: NockRequest) => {
    const { method, path, hostname, host } = options ?? req;
    if (String(hostname ?? host ?? '').startsWith('zoom.test')) reachedZoom.push(`${method} ${path}`);
  };
  beforeEach(() => {
    reachedZoom.length = 0;
    nock.emitter.on('no match', recordUnmatched);
  });
  afterEach(() => {
    nock.emitter.off('no match', recordUnmatched);
  });

  it.each([
    ['an absolute URL, as Slack sends a link', 'api GET <https://evil.example.com/v2/users|https://evil.example.com/v2/users>', 'is a full URL'],
    ['a scheme-relative host', 'api GET //evil.example.com/users', 'names another host'],
    ['dot-dot', 'api GET /users/../../oauth/token', '".." segments'],
    ['encoded dot-dot', 'api DELETE /users/%2E%2e/x', '".." segments'],
    ['double-encoded dot-dot', 'api GET /users/%252e%252e/oauth', '".." segments'],
    ['encoded CRLF', 'api GET /users/me%0D%0AX-Injected:%201', 'control character'],
  ])('%s', async (_name, text, said) => {
    const answer = await driver.command(text, ADMIN);
    expect(answer.body.text).toContain(said);
    expect(answer.body.text).toContain('Give a path under ZOOM_API_URL, e.g. `/users/me`.');
    expect(reachedZoom).toEqual([]);
  });

  it('is for admins only', async () => {
    const answer = await driver.command('api GET /users/me', VIEWER);
    expect(answer.body.text).toContain('not allowed');
    expect(reachedZoom).toEqual([]);
  });
});
