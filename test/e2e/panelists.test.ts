// End to end: a webinar's panelists — list, add in batches of 30, remove — and the licence refusal in words.
import { expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { slackDriver, textOf } from '../helpers/driver.js';

const ADMIN = 'UADMIN';
const fixture = useBotFixture({
  name: 'e2e-panelists',
  users: [{ id: ADMIN, email: 'admin@example.com' }],
  env: { ZOOMOPS_ADMINS: ADMIN },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());

it('lists panelists with their IDs', async () => {
  fixture.zoom()
    .get('/webinars/81234567890/panelists')
    .reply(200, { total_records: 1, panelists: [{ id: 'pan-1', email: 'ana@example.com', name: 'Ana' }] });
  const answer = await driver.command('webinars panelists 812 3456 7890', ADMIN);
  expect(textOf(answer)).toContain('Panelists of webinar 812 3456 7890 (1)');
  expect(textOf(answer)).toContain('ana@example.com');
  expect(textOf(answer)).toContain('pan-1');
});

it('adds 31 panelists in two calls of 30 and 1, naming each by the part of the email before @', async () => {
  const emails = Array.from({ length: 31 }, (_, i) => `p${i}@example.com`);
  const first = fixture.zoom()
    .post('/webinars/81234567890/panelists', { panelists: emails.slice(0, 30).map((email) => ({ email, name: email.split('@')[0] })) })
    .reply(201, { id: '81234567890', updated_at: '2026-11-29T10:00:00Z' });
  const second = fixture.zoom()
    .post('/webinars/81234567890/panelists', { panelists: [{ email: 'p30@example.com', name: 'p30' }] })
    .reply(201, { id: '81234567890', updated_at: '2026-11-29T10:00:01Z' });
  const answer = await driver.command(`webinar panelists add 81234567890 ${emails.join(' ')}`, ADMIN);
  expect(first.isDone() && second.isDone()).toBe(true);
  expect(answer.body.text).toContain('Added to webinar 812 3456 7890');
});

it('removes a panelist by email', async () => {
  const del = fixture.zoom().delete('/webinars/81234567890/panelists/ana%40example.com').reply(204);
  const answer = await driver.command('webinar panelists remove 81234567890 ana@example.com', ADMIN);
  expect(del.isDone()).toBe(true);
  expect(answer.body.text).toContain('Removed ana@example.com');
});

it('says in words when the host has no webinar licence', async () => {
  fixture.zoom()
    .get('/webinars/81234567890/panelists')
    .reply(400, { code: 200, message: 'Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this user in order to perform this action.' });
  const answer = await driver.command('webinar panelists 81234567890', ADMIN);
  expect(answer.body.text).toContain('The host has no Zoom Webinars licence');
});
