// End to end: the web role in HTTP mode, signed slash commands and interactions, real Redis, fake Slack,
// Zoom through nock. Each test checks the exact Zoom request and what the admin sees in Slack.
import nock from 'nock';
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../helpers/fake-slack.js';
import { useBotFixture, type TestBot } from '../helpers/bot.js';
import { buttonOf, exportResult, slackDriver, textOf } from '../helpers/driver.js';
import { formState, submitForm } from '../helpers/meeting-webinar-form.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const STRANGER = 'USTRANGER';
const NO_EMAIL = 'UNOMAIL';
const AUDIT = 'CAUDIT';
const NOW = DateTime.fromISO('2026-11-29T10:00:00Z');

const zoomUser = { id: 'zu-admin', email: 'admin@example.com', first_name: 'Ada', last_name: 'Admin', type: 2 };
const weekly = {
  id: 81234567890,
  uuid: 'abc==',
  topic: 'Weekly sync',
  type: 2,
  start_time: '2026-12-01T14:00:00Z',
  duration: 45,
  timezone: 'Europe/Berlin',
  host_id: 'zu-admin',
  host_email: 'admin@example.com',
  join_url: 'https://zoom.us/j/81234567890',
  agenda: 'Roadmap',
  settings: { approval_type: 2 },
};

const fixture = useBotFixture({
  name: 'e2e-meetings',
  now: NOW,
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: VIEWER, email: 'viewer@example.com', tz: 'America/New_York' },
    { id: NO_EMAIL, tz: 'UTC' },
    { id: STRANGER, email: 'stranger@example.com', tz: 'UTC', isAdmin: false },
  ],
  env: { ZOOMOPS_ADMINS: `${ADMIN},${NO_EMAIL}`, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
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
/** Zoom's registrant lists of a meeting, empty, one status per call. */
const registrantsOf = (id: string) =>
  zoom.get(`/meetings/${id}/registrants`).query(true).times(3).reply(200, { total_records: 0, next_page_token: '', registrants: [] });
const command = (text: string, user = ADMIN) => driver.command(text, user);
const click = (actionId: string, value: string, user = ADMIN) => driver.click(actionId, value, user);
const submit = (values: Record<string, unknown>, meta: Record<string, unknown>, user = ADMIN): Promise<Response> =>
  submitForm(bot.url, 'meeting.form', values, meta, user);

/** Zoom API interceptors not yet used (the token endpoint is always mocked, so it is left out). */
const unusedApiMocks = () => nock.pendingMocks().filter((m) => !m.includes('/oauth/token'));


describe('meeting list', () => {
  it('lists upcoming meetings of the invoking admin in their time zone, with a Next page button that continues', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .get('/users/zu-admin/meetings')
      .query({ type: 'upcoming_meetings', page_size: '20' })
      .reply(200, { page_size: 20, total_records: 2, next_page_token: 'tok-2', meetings: [weekly] });

    const answer = await command('meetings list');

    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer)).toContain('Upcoming meetings of admin@example.com');
    expect(textOf(answer)).toContain('Weekly sync');
    // 14:00 UTC is 15:00 in Berlin (CET).
    expect(textOf(answer)).toContain('Tue 1 Dec 2026, 15:00 CET');
    expect(textOf(answer)).toContain('812 3456 7890');

    zoom
      .get('/users/zu-admin/meetings')
      .query({ type: 'upcoming_meetings', page_size: '20', next_page_token: 'tok-2' })
      .reply(200, { next_page_token: '', meetings: [{ ...weekly, id: 85550001111, topic: 'Retro' }] });
    const next = await click('meeting.list.next', buttonOf(answer, 'meeting.list.next').value);
    expect(next.body.replace_original).toBe(true);
    expect(textOf(next)).toContain('Retro');
    expect(textOf(next)).not.toContain('Next page');
    expect(zoom.isDone()).toBe(true);
  });

  it('sends the whole list, every page, as CSV in a DM: with --csv at once, or from the list\'s CSV button', async () => {
    // Its own scope: nock's persist() applies to a whole scope.
    fixture.zoom().get('/users/admin%40example.com').reply(200, zoomUser).persist();
    const pages = () => {
      zoom
        .get('/users/zu-admin/meetings')
        .query({ type: 'upcoming_meetings', page_size: '300' })
        .reply(200, { next_page_token: 'tok-2', meetings: [weekly] });
      zoom
        .get('/users/zu-admin/meetings')
        .query({ type: 'upcoming_meetings', page_size: '300', next_page_token: 'tok-2' })
        .reply(200, { next_page_token: '', meetings: [{ ...weekly, id: 85550001111, topic: 'Retro, "final"' }] });
    };
    pages();
    const answer = await command('meeting list --csv');

    expect(await exportResult(answer, fixture.slack())).toMatch(/Sent 2 meetings as `meetings-upcoming_meetings-\d{4}-\d\d-\d\d\.csv`, the file below/);
    const csv = await fixture.slack().uploadedFile();
    expect(csv.split('\r\n')[0]).toBe('meeting id,topic,start (UTC),time zone,duration (min),type,join url');
    expect(csv).toContain(`85550001111,"Retro, ""final""",${weekly.start_time}`);

    zoom
      .get('/users/zu-admin/meetings')
      .query({ type: 'upcoming_meetings', page_size: '20' })
      .reply(200, { next_page_token: '', meetings: [weekly] });
    const list = await command('meeting list');
    fixture.slack().calls.length = 0;
    pages();
    const sent = await click('meeting.list.csv', buttonOf(list, 'meeting.list.csv').value);
    expect(await exportResult(sent, fixture.slack())).toContain('Sent 2 meetings');
    expect(zoom.pendingMocks()).toEqual([]);
  });

  it('sends the past 30 days for previous meetings and a mentioned user resolved by email', async () => {
    zoom.get('/users/viewer%40example.com').reply(200, { id: 'zu-viewer', email: 'viewer@example.com' });
    zoom
      .get('/users/zu-viewer/meetings')
      .query({ type: 'previous_meetings', from: '2026-10-30', to: '2026-11-29', timezone: 'Europe/Berlin', page_size: '20' })
      .reply(200, { meetings: [] });

    const answer = await command(`meeting list --user <@${VIEWER}|viewer> --type previous`);

    expect(textOf(answer)).toContain('Previous meetings of viewer@example.com');
    expect(textOf(answer)).toContain('none found');
    expect(zoom.isDone()).toBe(true);
  });
  it('says which email was looked up when no Zoom user has it', async () => {
    zoom.get('/users/nobody%40example.com').reply(404, { code: 1001, message: 'User does not exist: nobody@example.com.' });
    const answer = await command('meeting list --user <mailto:nobody@example.com|nobody@example.com>');
    expect(answer.body.text).toBe('No Zoom user has the email nobody@example.com (the email you gave).');
  });

  it('says so when Slack shares no email for "me", and asks Zoom nothing', async () => {
    const answer = await command('meeting list', NO_EMAIL);
    expect(answer.body.text).toContain('Slack did not share your email');
  });
});

describe('meeting get', () => {
  it('shows topic, time in the reader’s zone, duration, host and join link for an ID typed with spaces', async () => {
    zoom.get('/meetings/81234567890').reply(200, weekly);

    const answer = await command('meeting get 812 3456 7890', VIEWER);

    const text = textOf(answer);
    expect(text).toContain('Weekly sync');
    expect(text).toContain('Tue 1 Dec 2026, 09:00 EST');
    expect(text).toContain('45 min');
    expect(text).toContain('admin@example.com');
    expect(text).toContain('https://zoom.us/j/81234567890');
    expect(text).toContain('Not required');
  });

  it('answers with actions: Registrants, Edit and Delete, and End only while it is live, marked live', async () => {
    zoom.get('/meetings/81234567890').reply(200, weekly);
    const answer = await command('meeting get 81234567890');
    const labels = (answer.body.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.text.text));
    expect(labels).toEqual(['Registrants', 'Edit', 'Delete']);

    zoom.get('/meetings/81234567890').reply(200, { ...weekly, status: 'started' });
    const live = await command('meeting get 81234567890');
    expect(textOf(live)).toContain(':red_circle: Live now');
    expect(buttonOf(live, 'meeting.card.end').text.text).toBe('End meeting');

    // End asks first, as `meeting end` does.
    zoom.get('/meetings/81234567890').reply(200, { ...weekly, status: 'started' });
    const prompt = await click('meeting.card.end', buttonOf(live, 'meeting.card.end').value);
    expect(textOf(prompt)).toContain('End *Weekly sync* (812 3456 7890) for everyone in it now?');

    zoom.get('/meetings/81234567890').reply(200, weekly);
    const deleting = await click('meeting.card.delete', buttonOf(answer, 'meeting.card.delete').value);
    expect(textOf(deleting)).toContain('Delete *Weekly sync* (812 3456 7890)?');

    zoom.get('/meetings/81234567890').reply(200, weekly);
    registrantsOf('81234567890');
    const registrants = await click('meeting.card.registrants', buttonOf(answer, 'meeting.card.registrants').value);
    expect(textOf(registrants)).toContain('Meeting \\"Weekly sync\\" (812 3456 7890): pending registrants');
    expect(textOf(registrants)).toContain('0 pending, 0 approved, 0 denied');
  });

  it('says what Zoom refused, with its code, when the meeting does not exist', async () => {
    zoom
      .get('/meetings/81234567899')
      .reply(404, { code: 3001, message: 'Meeting does not exist: 81234567899.' }, { 'x-zm-trackingid': 'WEB_abc' });

    const answer = await command('meeting get 81234567899');

    expect(answer.body.text).toContain('Zoom refused: Meeting does not exist: 81234567899 (code 3001).');
    expect(answer.body.text).toContain('WEB_abc');
  });
});

describe('meeting create', () => {
  it('creates from arguments: local time and zone of the admin, duration, and an audit line', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .post('/users/zu-admin/meetings', {
        topic: 'Weekly sync',
        type: 2,
        start_time: '2026-12-01T15:00:00',
        timezone: 'Europe/Berlin',
        duration: 45,
      })
      .reply(201, weekly);

    const answer = await command('meeting create “Weekly sync” --start "2026-12-01 15:00" --duration 45');

    expect(textOf(answer)).toContain('Meeting created');
    expect(textOf(answer)).toContain('https://zoom.us/j/81234567890');
    const audit = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT);
    expect(audit.body.text).toContain(`<@${ADMIN}> created meeting "Weekly sync"`);
    expect(zoom.isDone()).toBe(true);
  });

  it('opens the form, prefilled, when the start is missing', async () => {
    const answerId = `r${++interaction}`;
    await postSigned(
      `${bot.url}/slack/events`,
      slashCommandBody({ text: 'meeting create Planning', userId: ADMIN, responseUrl: slack.responseUrl(answerId), triggerId: 'trig-9' }),
      'application/x-www-form-urlencoded',
    );
    const open = await slack.waitFor((c) => c.method === 'views.open');
    expect(open.body.trigger_id).toBe('trig-9');
    const view = open.body.view;
    expect(view.callback_id).toBe('meeting.form');
    const topic = view.blocks.find((b: any) => b.block_id === 'topic');
    expect(topic.element.initial_value).toBe('Planning');
    const tz = view.blocks.find((b: any) => b.block_id === 'timezone');
    expect(tz.element.initial_option.value).toBe('Europe/Berlin');
    const date = view.blocks.find((b: any) => b.block_id === 'date');
    expect(date.element.initial_date).toBe('2026-11-29');
  });

  it('creates a weekly meeting from the form and shows the result', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom
      .post('/users/zu-admin/meetings', {
        topic: 'Standup',
        type: 8,
        start_time: '2026-12-02T09:30:00',
        timezone: 'Europe/Berlin',
        duration: 15,
        agenda: '',
        settings: { approval_type: 1 },
        recurrence: { type: 2, repeat_interval: 1, weekly_days: '4', end_times: 10 },
      })
      .reply(201, { ...weekly, topic: 'Standup', type: 8 });
    const responseId = `r${++interaction}`;

    const res = await submit(formState({ topic: 'Standup', date: '2026-12-02', time: '09:30', duration: '15', registration: 'manual', repeat: 'weekly', occurrences: '10' }), {
      mode: 'create',
      channelId: 'C1',
      responseUrl: slack.responseUrl(responseId),
    });

    expect(await res.json()).toMatchObject({ response_action: 'update' });
    const done = await slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.body.view).includes('Created'));
    expect(done.body.view_id).toBe('V1');
    const answer = await slack.response(responseId);
    expect(textOf(answer)).toContain('Standup');
    expect(zoom.isDone()).toBe(true);
  });

  it('shows form errors inline and calls Zoom for nothing', async () => {
    const create = fixture.trap().post('/users/zu-admin/meetings').reply(201, weekly);
    const res = await submit(formState({ topic: '', date: '2026-11-01', time: '09:30', duration: '15', repeat: 'daily' }), {
      mode: 'create',
      channelId: 'C1',
    });

    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: {
        topic: 'Give the meeting a topic.',
        date: 'This start time is in the past.',
        occurrences: 'A repeating meeting needs the number of occurrences, from 2 to 60.',
      },
    });
    expect(create.isDone()).toBe(false);
  });

  it('puts the form back with Zoom’s refusal when Zoom says no', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.post('/users/zu-admin/meetings').reply(400, { code: 300, message: 'Invalid recurrence.' });

    await submit(formState({ topic: 'Standup', date: '2026-12-02', time: '09:30', duration: '15' }), { mode: 'create', channelId: 'C1' });

    const back = await slack.waitFor((c) => c.method === 'views.update' && c.body.view.callback_id === 'meeting.form');
    expect(JSON.stringify(back.body.view.blocks)).toContain('Zoom refused: Invalid recurrence (code 300).');
    expect(back.body.view.blocks.find((b: any) => b.block_id === 'topic').element.initial_value).toBe('Standup');
  });
});

describe('meeting update', () => {
  it('patches only the given fields and shows the meeting as it now is', async () => {
    zoom.patch('/meetings/81234567890', { duration: 90, topic: 'Weekly planning' }).reply(204);
    zoom.get('/meetings/81234567890').reply(200, { ...weekly, duration: 90, topic: 'Weekly planning' });

    const answer = await command('meeting update 812-3456-7890 --duration 1h30m --topic "Weekly planning"');

    expect(textOf(answer)).toContain('Updated *Weekly planning* (812 3456 7890)');
    expect(textOf(answer)).toContain('1 h 30 min');
    expect(zoom.isDone()).toBe(true);
  });

  it('opens the form filled from Zoom when no option is given', async () => {
    zoom.get('/meetings/81234567890').reply(200, weekly);
    const answerId = `r${++interaction}`;
    await postSigned(
      `${bot.url}/slack/events`,
      slashCommandBody({ text: 'meeting update 81234567890', userId: ADMIN, responseUrl: slack.responseUrl(answerId) }),
      'application/x-www-form-urlencoded',
    );
    const filled = await slack.waitFor((c) => c.method === 'views.update' && c.body.view.callback_id === 'meeting.form');
    const blocks = filled.body.view.blocks;
    expect(blocks.find((b: any) => b.block_id === 'topic').element.initial_value).toBe('Weekly sync');
    expect(blocks.find((b: any) => b.block_id === 'time').element.initial_time).toBe('15:00');
    expect(blocks.find((b: any) => b.block_id === 'date').element.initial_date).toBe('2026-12-01');
    expect(JSON.parse(filled.body.view.private_metadata)).toMatchObject({ mode: 'update', meetingId: '81234567890' });
  });
});

describe('meeting update from the form', () => {
  it('sends only what changed against the meeting as Zoom has it now', async () => {
    const series = { ...weekly, type: 8, recurrence: { type: 2, repeat_interval: 2, weekly_days: '2,4', end_date_time: '2027-03-01T00:00:00Z' } };
    zoom.get('/meetings/81234567890').reply(200, series);
    zoom.patch('/meetings/81234567890', { duration: 60 }).reply(204);
    zoom.get('/meetings/81234567890').reply(200, { ...series, duration: 60 });
    const responseId = `r${++interaction}`;

    const res = await submit(
      formState({ topic: 'Weekly sync', date: '2026-12-01', time: '15:00', duration: '60', agenda: 'Roadmap', repeat: 'weekly', occurrences: '' }),
      { mode: 'update', meetingId: '81234567890', channelId: 'C1', responseUrl: slack.responseUrl(responseId) },
    );

    expect(await res.json()).toMatchObject({ response_action: 'update' });
    const answer = await slack.response(responseId);
    expect(textOf(answer)).toContain('Saved *Weekly sync*');
    expect(zoom.isDone()).toBe(true);
  });

  it('tells a viewer the form is not theirs to submit, and changes nothing', async () => {
    const create = fixture.trap().post('/users/zu-admin/meetings').reply(201, weekly);
    await submit(formState({ topic: 'Standup', date: '2026-12-02', time: '09:30', duration: '15' }), { mode: 'create', channelId: 'C1' }, VIEWER);
    const notice = await slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.body.view).includes('not allowed'));
    expect(notice.body.view.callback_id).toBe('meeting.form.notice');
    expect(create.isDone()).toBe(false);
  });

  it('keeps a created meeting created when the answer cannot reach the channel: it goes to a DM instead', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.post('/users/zu-admin/meetings').once().reply(201, { ...weekly, topic: 'Offsite' });
    await submit(formState({ topic: 'Offsite', date: '2026-12-02', time: '09:30', duration: '15' }), {
      mode: 'create',
      channelId: 'C1',
      responseUrl: 'http://127.0.0.1:1/expired',
    });
    const dm = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN);
    expect(JSON.stringify(dm.body.blocks)).toContain('Created *Offsite*');
    expect(slack.calls.some((c) => c.method === 'views.update' && c.body.view.callback_id === 'meeting.form')).toBe(false);
  });

  it('escapes a topic in the audit line so it cannot ping the channel', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.post('/users/zu-admin/meetings').reply(201, { ...weekly, topic: '<!channel> hi' });
    await command('meeting create "&lt;!channel&gt; hi" --start "2026-12-01 15:00"');
    const audit = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT && String(c.body.text).includes('hi'));
    expect(audit.body.text).toContain('&lt;!channel&gt; hi');
    expect(audit.body.text).not.toContain('<!channel>');
  });
});

describe('meeting end and delete', () => {
  it('asks before deleting, deletes on the button, and reports in place, in a DM and in the audit channel', async () => {
    zoom.get('/meetings/81234567890').reply(200, weekly);
    const prompt = await command('meeting delete 81234567890');
    const confirm = buttonOf(prompt, 'meeting.delete.confirm');
    expect(confirm.style).toBe('danger');
    expect(unusedApiMocks()).toEqual([]);

    zoom.delete('/meetings/81234567890').reply(204);
    const result = await click('meeting.delete.confirm', confirm.value);

    expect(result.body.replace_original).toBe(true);
    expect(result.body.text).toMatch(/Meeting \*Weekly sync\* \(812 3456 7890\) deleted by <@UADMIN> at 11:00 CET/);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT && String(c.body.text).includes('deleted meeting'));
    expect(zoom.isDone()).toBe(true);
  });

  it('runs a confirmed delete once: another admin’s click and a second click change nothing', async () => {
    zoom.get('/meetings/81234567890').reply(200, weekly);
    const prompt = await command('meeting delete 81234567890');
    const value = buttonOf(prompt, 'meeting.delete.confirm').value;
    fixture.zoom().delete('/meetings/81234567890').reply(204);
    const deletedAgain = fixture.trap().delete('/meetings/81234567890').reply(204);

    const other = await click('meeting.delete.confirm', value, NO_EMAIL);
    expect(other.body.text).toContain('This confirmation belongs to <@UADMIN>; nothing was done.');
    await click('meeting.delete.confirm', value);
    const again = await click('meeting.delete.confirm', value);

    expect(again.body.text).toContain('already used or has expired; nothing was done');
    expect(deletedAgain.isDone()).toBe(false);
  });

  it('deletes one occurrence of a repeating meeting', async () => {
    const series = { ...weekly, type: 8, occurrences: [{ occurrence_id: '1764597600000', start_time: '2026-12-01T14:00:00Z', duration: 45, status: 'available' }] };
    zoom.get('/meetings/81234567890').reply(200, series);
    const prompt = await command('meeting delete 81234567890 --occurrence 1764597600000');
    expect(prompt.body.text).toContain('Delete the occurrence');

    zoom.delete('/meetings/81234567890').query({ occurrence_id: '1764597600000' }).reply(204);
    await click('meeting.delete.confirm', buttonOf(prompt, 'meeting.delete.confirm').value);
    expect(zoom.isDone()).toBe(true);
  });

  it('ends a meeting only after the confirmation button', async () => {
    zoom.get('/meetings/81234567890').reply(200, weekly);
    const prompt = await command('meeting end 81234567890');
    expect(prompt.body.text).toContain('End *Weekly sync*');

    zoom.put('/meetings/81234567890/status', { action: 'end' }).reply(204);
    const result = await click('meeting.end.confirm', buttonOf(prompt, 'meeting.end.confirm').value);
    expect(result.body.text).toContain('ended by <@UADMIN>');
    expect(zoom.isDone()).toBe(true);
  });

  it('refuses a viewer’s click on a delete button and deletes nothing', async () => {
    const remove = fixture.trap().delete('/meetings/81234567890').reply(204);
    const result = await click('meeting.delete.confirm', JSON.stringify({ id: '81234567890', topic: 'Weekly sync' }), VIEWER);
    expect(result.body.text).toContain('not allowed');
    expect(remove.isDone()).toBe(false);
  });
});

describe('authorization and bad input', () => {
  it('tells a user who is neither admin nor viewer that they are not allowed, and calls Zoom for nothing', async () => {
    const answer = await command('meeting list', STRANGER);
    expect(answer.body.text).toContain('not allowed');
  });

  it('lets a viewer read but not write, and says what they may do and which admins to ask', async () => {
    const answer = await command('meeting delete 81234567890', VIEWER);
    expect(answer.body.text).toContain('You are not allowed to run `/zoom meeting delete`');
    expect(answer.body.text).toContain('you may list and look up (e.g. `/zoom meeting list`), not change');
    expect(answer.body.text).toContain('Ask a ZoomOps admin (<@UADMIN> or <@UNOMAIL>)');
  });

  it('tells a stranger whom to ask for access, by name', async () => {
    const answer = await command('meeting list', STRANGER);
    expect(answer.body.text).toContain('You are not allowed to use ZoomOps');
    expect(answer.body.text).toContain('Ask a ZoomOps admin (<@UADMIN> or <@UNOMAIL>)');
  });

  it('suggests the closest command for a typo', async () => {
    const answer = await command('meeting lsit');
    expect(answer.body.text).toContain('Did you mean `/zoom meeting list`?');
  });

  it('names a malformed ID and shows the usage', async () => {
    const answer = await command('meeting get 1234');
    expect(answer.body.text).toMatch(/1234/);
    expect(answer.body.text).toContain('Usage: `/zoom meeting get <meetingId> [--public]`');
  });

  it.each([
    ['meeting get 9{long}', 'is not a meeting ID'],
    ['meeting list --type x{long}', 'is not a valid --type'],
    ['meeting create Sync --start "y{long}"', 'is not a time'],
    ['meeting create Sync --start tomorrow --duration z{long}', '--duration'],
    ['meeting list --from -7d extra{long}', 'Unexpected'],
    ['meeting register 81234567890 a{long}', 'is not an email address'],
    ['meeting lsit{long}', 'is not a command'],
    ['phone calls --from q{long}', 'is not a date'],
  ])('quotes only the start of a 3,000-character argument, so the reason is read: %s', async (typed, reason) => {
    const answer = await command(typed.replace('{long}', 'w'.repeat(3000)));
    const text = answer.body.text as string;
    expect(text).toContain(reason);
    expect(text).not.toContain('w'.repeat(80));
    expect(text.length).toBeLessThan(2000);
  });

  it('refuses a topic over Zoom\'s 200 characters in words, and asks Zoom nothing', async () => {
    const created = await command(`meeting create ${'T'.repeat(201)} --start "tomorrow 9:30"`);
    expect(created.body.text).toContain('The topic has 201 characters; Zoom takes at most 200');
    const updated = await command(`meeting update 81234567890 --topic ${'T'.repeat(250)}`);
    expect(updated.body.text).toContain('The topic has 250 characters; Zoom takes at most 200');
    expect(zoom.pendingMocks()).toEqual([]);
  });

  it('says when Zoom did not answer a write, so the admin checks before trying again', async () => {
    zoom.get('/users/admin%40example.com').reply(200, zoomUser);
    zoom.post('/users/zu-admin/meetings').reply(503, 'upstream down');
    const answer = await command('meeting create Retro --start "tomorrow 9:30"');
    expect(answer.body.text).toBe('Zoom did not answer in time, so the change may or may not have been made. Check in Zoom before trying again.');
  });

  it('generates help from the command table', async () => {
    const answer = await command('help meeting');
    const text = textOf(answer);
    for (const action of ['list', 'get', 'create', 'update', 'end', 'delete']) expect(text).toContain(`/zoom meeting ${action}`);
  });

  it('refuses a request with a bad signature', async () => {
    const body = slashCommandBody({ text: 'meeting list', userId: ADMIN, responseUrl: slack.responseUrl('nope') });
    const res = await postSigned(`${bot.url}/slack/events`, body, 'application/x-www-form-urlencoded', 'wrong-secret');
    expect(res.status).toBe(401);
    expect(slack.calls).toEqual([]);
  });

  it('answers /healthz with ok while Redis answers', async () => {
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
