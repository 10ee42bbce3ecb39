// End to end: `/zoom webinar list|get|create|update|end|delete` against a fake Slack and nock Zoom. Each test
// checks the exact Zoom request (only /webinars paths are mocked, so a meeting call would fail the test) and
// what the admin reads; the missing webinar licence is said in words.
import nock from 'nock';
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../helpers/fake-slack.js';
import { useBotFixture, type TestBot } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import { formState, submitForm } from '../helpers/meeting-webinar-form.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';
const NOW = DateTime.fromISO('2026-11-29T10:00:00Z');

const zoomUser = { id: 'zu-admin', email: 'admin@example.com', first_name: 'Ada', last_name: 'Admin', type: 2 };
const launch = {
  id: 91234567890,
  uuid: 'web==',
  topic: 'Product launch',
  type: 5,
  start_time: '2026-12-03T16:00:00Z',
  duration: 90,
  timezone: 'Europe/Berlin',
  host_id: 'zu-admin',
  host_email: 'admin@example.com',
  join_url: 'https://zoom.us/j/91234567890',
  registration_url: 'https://zoom.us/webinar/register/WN_abc',
  start_url: 'https://zoom.us/s/91234567890?zak=secret-zak',
  agenda: 'What is new',
  settings: { approval_type: 1, registration_type: 1 },
};
const series = {
  ...launch,
  topic: 'Launch series',
  type: 9,
  recurrence: { type: 2, repeat_interval: 1, weekly_days: '5', end_times: 2 },
  occurrences: [
    { occurrence_id: '1764777600000', start_time: '2026-12-03T16:00:00Z', duration: 90, status: 'available' },
    { occurrence_id: '1765382400000', start_time: '2026-12-10T16:00:00Z', duration: 90, status: 'available' },
  ],
};
const PLAN_MISSING = {
  code: 200,
  message: 'Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for user zu-admin in order to perform this action.',
};
const LICENCE_SENTENCE =
  'The host has no Zoom Webinars licence, so Zoom refused. Assign the Webinars add-on to the host in Zoom (Admin → User Management), or pick a licensed host.';

const fixture = useBotFixture({
  name: 'e2e-webinars',
  now: NOW,
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: VIEWER, email: 'viewer@example.com', tz: 'America/New_York' },
  ],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
});
let zoom: nock.Scope;
let slack: FakeSlack;
let bot: TestBot;
let interaction = 0;

beforeEach(() => {
  zoom = fixture.zoom();
  slack = fixture.slack();
  bot = fixture.bot();
});

const driver = slackDriver(() => bot.url, () => slack);
const command = (text: string, user = ADMIN) => driver.command(text, user);
const click = (actionId: string, value: string, user = ADMIN) => driver.click(actionId, value, user);
const submit = (values: Record<string, unknown>, meta: Record<string, unknown>, user = ADMIN): Promise<Response> =>
  submitForm(bot.url, 'webinar.form', values, meta, user);
const unusedApiMocks = () => nock.pendingMocks().filter((m) => !m.includes('/oauth/token'));
const auditLine = (words: string) =>
  slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT && String(c.body.text).includes(words));
/** A slash command whose answer is a modal: returns once the command was accepted. */
const commandOpeningModal = (text: string, triggerId = 'trig-w') =>
  postSigned(
    `${bot.url}/slack/events`,
    slashCommandBody({ text, userId: ADMIN, responseUrl: slack.responseUrl(`m${++interaction}`), triggerId }),
    'application/x-www-form-urlencoded',
  );
const block = (view: any, id: string) => view.blocks.find((b: any) => b.block_id === id);

describe('webinar list', () => {
  it('lists upcoming and live webinars by default, says so, and its Details and Next page buttons act on webinars', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .get('/users/zu-admin/webinars')
      .query({ type: 'upcoming', page_size: '20' })
      .reply(200, { page_size: 20, total_records: 2, next_page_token: 'tok-2', webinars: [launch] });

    const answer = await command('webinars list');

    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toBe('Upcoming and live webinars of admin@example.com (2)');
    expect(textOf(answer)).toContain('Webinars still to come and any running now. `--type scheduled` adds past ones Zoom has not yet expired.');
    expect(textOf(answer)).toContain('Thu 3 Dec 2026, 17:00 CET · 1 h 30 min · ID 912 3456 7890');
    expect(buttonOf(answer, 'webinar.details').value).toBe('91234567890');
    expect(() => buttonOf(answer, 'meeting.details')).toThrow();
    expect(zoom.isDone()).toBe(true);

    zoom.get('/webinars/91234567890').reply(200, launch);
    const card = await click('webinar.details', buttonOf(answer, 'webinar.details').value);
    expect(textOf(card)).toContain('*Webinar ID*\\n912 3456 7890');
    expect(textOf(card)).toContain('*Type*\\nWebinar');
    expect(textOf(card)).toContain('Required, approved by hand');
    expect(textOf(card)).toContain('https://zoom.us/webinar/register/WN_abc');
    expect(textOf(card)).not.toContain('secret-zak');

    zoom
      .get('/users/zu-admin/webinars')
      .query({ type: 'upcoming', page_size: '20', next_page_token: 'tok-2' })
      .reply(200, { next_page_token: '', webinars: [{ ...launch, id: 91234567001, topic: 'Town hall' }] });
    const next = await click('webinar.list.next', buttonOf(answer, 'webinar.list.next').value);
    expect(next.body.replace_original).toBe(true);
    expect(textOf(next)).toContain('Town hall');
    expect(textOf(next)).not.toContain('Next page');
    expect(zoom.isDone()).toBe(true);
  });

  it('with --type scheduled puts upcoming ones first on the page and marks the past ones', async () => {
    const past = { ...launch, id: 91234567001, topic: 'Old kickoff', start_time: '2026-11-20T16:00:00Z' };
    const soon = { ...launch, id: 91234567002, topic: 'Soon', start_time: '2026-12-01T16:00:00Z' };
    const anytime = { ...launch, id: 91234567003, topic: 'Any time', type: 6, start_time: undefined };
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .get('/users/zu-admin/webinars')
      .query({ type: 'scheduled', page_size: '20' })
      .reply(200, { total_records: 4, webinars: [past, launch, anytime, soon] });

    const answer = await command('webinar list --type scheduled');

    expect(answer.body.text).toBe('Upcoming, live and unexpired past webinars of admin@example.com (4)');
    expect(textOf(answer)).toContain('On each page, upcoming and live webinars come first, then past ones (marked past).');
    const text = textOf(answer);
    const order = ['Soon', 'Product launch', 'Any time', 'Old kickoff'].map((topic) => text.indexOf(`*${topic}*`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('ID 912 3456 7001 · past');
    expect(text).not.toContain('ID 912 3456 7890 · past');
    expect(zoom.isDone()).toBe(true);
  });

  it('answers a meeting-only --type in words and asks Zoom nothing', async () => {
    const answer = await command('webinar list --type previous');
    expect(answer.body.text).toContain(
      'Zoom lists no previous webinars on their own: --type upcoming shows upcoming and live ones, --type scheduled adds past ones not yet expired.',
    );
  });

  it('says in words when the host has no webinar licence', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.get('/users/zu-admin/webinars').query(true).reply(400, PLAN_MISSING);
    const answer = await command('webinar list');
    expect(answer.body.text).toBe(LICENCE_SENTENCE);
  });

  it('keeps Zoom’s other code-200 refusal apart from the licence', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.get('/users/zu-admin/webinars').query(true).reply(400, { code: 200, message: 'No permission.' });
    const answer = await command('webinar list');
    expect(answer.body.text).toContain('Zoom refused: No permission (code 200).');
    expect(answer.body.text).not.toContain('licence');
  });
});

describe('webinar get', () => {
  it('shows a recurring webinar in the reader’s zone, with its series and occurrences', async () => {
    zoom.get('/webinars/91234567890').reply(200, series);
    const answer = await command('webinar get 912 3456 7890', VIEWER);
    const text = textOf(answer);
    expect(text).toContain('Launch series');
    expect(text).toContain('Thu 3 Dec 2026, 11:00 EST');
    expect(text).toContain('*Type*\\nRecurring');
    expect(text).toContain('Weekly on Thursday, 2 times');
    expect(text).toContain("*Webinar's time zone*\\nEurope/Berlin");
    expect(text).toContain('occurrence `1765382400000`');
  });

  it('names the webinar in a malformed-ID error and shows the usage', async () => {
    const answer = await command('webinar get 1234');
    expect(answer.body.text).toContain('Usage: `/zoom webinar get <webinarId> [--public]`');
  });
});

describe('webinar create', () => {
  it('creates a webinar (type 5) from arguments, in the admin’s zone, with registration and an audit line', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .post('/users/zu-admin/webinars', {
        topic: 'Product launch',
        type: 5,
        start_time: '2026-12-03T17:00:00',
        timezone: 'Europe/Berlin',
        duration: 90,
        agenda: 'What is new',
        settings: { approval_type: 1 },
      })
      .reply(201, launch);

    const answer = await command('webinar create "Product launch" --start "2026-12-03 17:00" --duration 90 --agenda "What is new" --registration manual');

    expect(answer.body.text).toContain(':white_check_mark: Webinar created Product launch — Thu 3 Dec 2026, 17:00 CET');
    expect(textOf(answer)).toContain('https://zoom.us/j/91234567890');
    const audit = await auditLine('created webinar');
    expect(audit.body.text).toBe(':white_check_mark: <@UADMIN> created webinar "Product launch" for zu-admin (912 3456 7890)');
    expect(zoom.isDone()).toBe(true);
  });

  it('says in words when the host has no webinar licence, and the audit channel hears of the failure', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.post('/users/zu-admin/webinars').reply(400, PLAN_MISSING);

    const answer = await command('webinar create Launch --start "2026-12-03 17:00"');

    expect(answer.body.text).toBe(LICENCE_SENTENCE);
    const audit = await auditLine('tried to create webinar');
    expect(audit.body.text).toContain(':x: <@UADMIN> tried to create webinar "Launch" for zu-admin');
  });

  it('opens the webinar form, prefilled, when the start is missing', async () => {
    await commandOpeningModal('webinar create Launch', 'trig-7');
    const open = await slack.waitFor((c) => c.method === 'views.open');
    expect(open.body.trigger_id).toBe('trig-7');
    const view = open.body.view;
    expect(view.callback_id).toBe('webinar.form');
    expect(view.title.text).toBe('New Zoom webinar');
    expect(block(view, 'topic').element.initial_value).toBe('Launch');
    expect(block(view, 'date').element.initial_date).toBe('2026-11-29');
    expect(block(view, 'time').element.initial_time).toBe('12:00');
    expect(block(view, 'occurrences').element.max_value).toBe('50');
  });

  it('creates a weekly webinar series (type 9) from the form and answers with its card', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .post('/users/zu-admin/webinars', {
        topic: 'Launch series',
        type: 9,
        start_time: '2026-12-03T17:00:00',
        timezone: 'Europe/Berlin',
        duration: 90,
        agenda: '',
        settings: { approval_type: 0 },
        recurrence: { type: 2, repeat_interval: 1, weekly_days: '5', end_times: 2 },
      })
      .reply(201, series);
    const responseId = `r${++interaction}`;

    const res = await submit(
      formState({ topic: 'Launch series', date: '2026-12-03', time: '17:00', duration: '90', registration: 'auto', repeat: 'weekly', occurrences: '2' }),
      { mode: 'create', channelId: 'C1', responseUrl: slack.responseUrl(responseId) },
    );

    expect(await res.json()).toMatchObject({ response_action: 'update', view: { callback_id: 'webinar.form.notice' } });
    const done = await slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.body.view).includes('Created'));
    expect(JSON.stringify(done.body.view.blocks)).toContain('Created *Launch series* (912 3456 7890) for Thu 3 Dec 2026, 17:00 CET.');
    const answer = await slack.response(responseId);
    expect(textOf(answer)).toContain('*Webinar ID*\\n912 3456 7890');
    await auditLine('created webinar "Launch series"');
    expect(zoom.isDone()).toBe(true);
  });

  it('checks the form against the webinar limits and calls Zoom for nothing', async () => {
    const create = fixture.trap().post('/users/zu-admin/webinars').reply(201, launch);
    const res = await submit(formState({ topic: '', date: '2026-12-03', time: '17:00', duration: '60', repeat: 'daily', occurrences: '51' }), {
      mode: 'create',
      channelId: 'C1',
    });
    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: {
        topic: 'Give the webinar a topic.',
        occurrences: 'A repeating webinar needs the number of occurrences, from 2 to 50.',
      },
    });
    expect(create.isDone()).toBe(false);
  });

  it('puts the form back with the licence sentence when the host has no webinar licence', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.post('/users/zu-admin/webinars').reply(400, PLAN_MISSING);
    await submit(formState({ topic: 'Launch', date: '2026-12-03', time: '17:00', duration: '60' }), { mode: 'create', channelId: 'C1' });
    const back = await slack.waitFor((c) => c.method === 'views.update' && c.body.view.callback_id === 'webinar.form');
    expect(JSON.stringify(back.body.view.blocks)).toContain(LICENCE_SENTENCE);
    expect(block(back.body.view, 'topic').element.initial_value).toBe('Launch');
  });
});

describe('webinar update', () => {
  it('patches only the given fields on /webinars and shows the webinar as it now is', async () => {
    zoom.patch('/webinars/91234567890', { duration: 120, settings: { approval_type: 0 } }).reply(204);
    zoom.get('/webinars/91234567890').reply(200, { ...launch, duration: 120, settings: { approval_type: 0 } });

    const answer = await command('webinar update 912-3456-7890 --duration 2h --registration auto');

    expect(textOf(answer)).toContain('Updated *Product launch* (912 3456 7890) for Thu 3 Dec 2026, 17:00 CET.');
    expect(textOf(answer)).toContain('2 h');
    expect(textOf(answer)).toContain('Required, approved automatically');
    const audit = await auditLine('updated webinar');
    expect(audit.body.text).toBe(':white_check_mark: <@UADMIN> updated webinar 912 3456 7890 (duration, settings)');
    expect(zoom.isDone()).toBe(true);
  });

  it('opens the webinar form filled from Zoom when no option is given', async () => {
    zoom.get('/webinars/91234567890').reply(200, series);
    await commandOpeningModal('webinar update 91234567890');
    const loading = await slack.waitFor((c) => c.method === 'views.open');
    expect(JSON.stringify(loading.body.view)).toContain('Loading the webinar from Zoom');
    const filled = await slack.waitFor((c) => c.method === 'views.update' && c.body.view.callback_id === 'webinar.form');
    const view = filled.body.view;
    expect(view.title.text).toBe('Edit Zoom webinar');
    expect(block(view, 'topic').element.initial_value).toBe('Launch series');
    expect(block(view, 'time').element.initial_time).toBe('17:00');
    expect(block(view, 'repeat').element.initial_option.value).toBe('weekly');
    expect(block(view, 'registration').element.initial_option.value).toBe('manual');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ mode: 'update', meetingId: '91234567890' });
    expect(zoom.isDone()).toBe(true);
  });

  it('says in the modal when the webinar cannot be loaded for want of a licence', async () => {
    zoom.get('/webinars/91234567890').reply(400, PLAN_MISSING);
    await commandOpeningModal('webinar update 91234567890');
    const notice = await slack.waitFor((c) => c.method === 'views.update' && c.body.view.callback_id === 'webinar.form.notice');
    expect(JSON.stringify(notice.body.view.blocks)).toContain(LICENCE_SENTENCE);
  });

  it('sends only what changed in the form against the webinar as Zoom has it now', async () => {
    zoom.get('/webinars/91234567890').reply(200, launch);
    zoom.patch('/webinars/91234567890', { topic: 'Product launch 2', duration: 60 }).reply(204);
    zoom.get('/webinars/91234567890').reply(200, { ...launch, topic: 'Product launch 2', duration: 60 });
    const responseId = `r${++interaction}`;

    await submit(
      formState({ topic: 'Product launch 2', date: '2026-12-03', time: '17:00', duration: '60', agenda: 'What is new', registration: 'manual' }),
      { mode: 'update', meetingId: '91234567890', channelId: 'C1', responseUrl: slack.responseUrl(responseId) },
    );

    const answer = await slack.response(responseId);
    expect(textOf(answer)).toContain('Saved *Product launch 2* (912 3456 7890)');
    await auditLine('updated webinar 912 3456 7890 (topic, duration)');
    expect(zoom.isDone()).toBe(true);
  });
});

describe('webinar end and delete', () => {
  it('ends a webinar only after the confirmation button, with PUT /webinars/{id}/status', async () => {
    zoom.get('/webinars/91234567890').reply(200, launch);
    const prompt = await command('webinar end 91234567890');
    expect(prompt.body.text).toBe('End *Product launch* (912 3456 7890) for everyone in it now?');
    const confirm = buttonOf(prompt, 'webinar.end.confirm');
    expect(confirm.text.text).toBe('End webinar');
    expect(confirm.style).toBe('danger');
    expect(() => buttonOf(prompt, 'meeting.end.confirm')).toThrow();
    expect(unusedApiMocks()).toEqual([]);

    // Zoom's spec answers this one with 200 (meetings: 204).
    zoom.put('/webinars/91234567890/status', { action: 'end' }).reply(200);
    const result = await click('webinar.end.confirm', confirm.value);

    expect(result.body.replace_original).toBe(true);
    expect(result.body.text).toBe(':stop_button: Webinar *Product launch* (912 3456 7890) ended by <@UADMIN> at 11:00 CET.');
    await auditLine('ended webinar 912 3456 7890 "Product launch"');
    expect(zoom.isDone()).toBe(true);
  });

  it('asks before deleting, deletes with DELETE /webinars/{id} on the button, and reports in place, in a DM and the audit channel', async () => {
    zoom.get('/webinars/91234567890').reply(200, series);
    const prompt = await command('webinar delete 91234567890');
    expect(prompt.body.text).toBe('Delete *Launch series* (912 3456 7890)?');
    expect(textOf(prompt)).toContain('This deletes all 2 occurrences. To delete one, add --occurrence <id> (see `webinar get 91234567890`).');
    const confirm = buttonOf(prompt, 'webinar.delete.confirm');
    expect(confirm.text.text).toBe('Delete webinar');
    expect(unusedApiMocks()).toEqual([]);

    zoom.delete('/webinars/91234567890').reply(204);
    const result = await click('webinar.delete.confirm', confirm.value);

    expect(result.body.text).toBe(':wastebasket: Webinar *Launch series* (912 3456 7890) deleted by <@UADMIN> at 11:00 CET.');
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN);
    await auditLine('deleted webinar 912 3456 7890 "Launch series"');
    expect(zoom.isDone()).toBe(true);
  });

  it('deletes one occurrence of a webinar series', async () => {
    zoom.get('/webinars/91234567890').reply(200, series);
    const prompt = await command('webinar delete 91234567890 --occurrence 1765382400000');
    expect(prompt.body.text).toBe('Delete the occurrence of *Launch series* (912 3456 7890) on Thu 10 Dec 2026, 17:00 CET?');

    zoom.delete('/webinars/91234567890').query({ occurrence_id: '1765382400000' }).reply(204);
    const result = await click('webinar.delete.confirm', buttonOf(prompt, 'webinar.delete.confirm').value);
    expect(result.body.text).toContain('Occurrence 1765382400000 of webinar *Launch series* (912 3456 7890) deleted');
    expect(zoom.isDone()).toBe(true);
  });

  it('names the webinar’s occurrences when the one asked for does not exist', async () => {
    zoom.get('/webinars/91234567890').reply(200, series);
    const answer = await command('webinar delete 91234567890 --occurrence 42');
    expect(answer.body.text).toContain('Webinar 912 3456 7890 has no occurrence 42. Its next occurrences are 1764777600000, 1765382400000.');
  });

  it('refuses a viewer’s click on a webinar delete button and deletes nothing', async () => {
    const remove = fixture.trap().delete('/webinars/91234567890').reply(204);
    const result = await click('webinar.delete.confirm', JSON.stringify({ id: '91234567890', topic: 'Launch' }), VIEWER);
    expect(result.body.text).toContain('not allowed');
    expect(remove.isDone()).toBe(false);
  });
});

describe('webinar help', () => {
  it('lists every webinar command from the table', async () => {
    const answer = await command('help webinar');
    const text = textOf(answer);
    for (const action of ['list', 'get', 'create', 'update', 'end', 'delete', 'registrants', 'panelists']) {
      expect(text).toContain(`/zoom webinar ${action}`);
    }
  });
});
