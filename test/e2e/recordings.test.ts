// End to end: /zoom recordings list, get, download, delete and recover against nock'd Zoom and the fake Slack —
// the lines and buttons the admin sees, the exact Zoom requests, confirmations before deletes, the audit lines.
import nock from 'nock';
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack } from '../helpers/fake-slack.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';
const UUID = 'aDYlohsHRtCd4ii1uC2+hA==';

const fixture = useBotFixture({
  name: 'e2e-recordings',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
  now: DateTime.fromISO('2026-03-20T12:00:00Z'),
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
let slack: FakeSlack;
let zoom: nock.Scope;

beforeEach(() => {
  slack = fixture.slack();
  zoom = fixture.zoom();
});

const RECORDING = {
  uuid: UUID,
  id: 81234567890,
  topic: 'Quarterly review',
  type: '2',
  start_time: '2026-03-14T15:00:00Z',
  total_size: 3_084_811,
  recording_files: [
    {
      id: 'file-mp4',
      file_type: 'MP4',
      file_extension: 'MP4',
      recording_type: 'shared_screen_with_speaker_view',
      file_size: 3_081_811,
      recording_start: '2026-03-14T15:00:05Z',
      recording_end: '2026-03-14T16:02:09Z',
      status: 'completed',
      download_url: 'https://zoom.us/rec/download/abc',
    },
    { id: 'file-chat', file_type: 'CHAT', file_extension: 'TXT', recording_type: 'chat_file', file_size: 3_000, status: 'completed', download_url: 'https://zoom.us/rec/download/def' },
  ],
};

describe('/zoom recordings list', () => {
  it("lists the admin's recordings of the last 30 days, one line per meeting, asking Zoom one UTC month at a time", async () => {
    zoom.get('/users/admin%40example.com').reply(200, { id: 'zu-admin', email: 'admin@example.com' });
    // 30 days back from 20 Mar in Berlin starts at 18 Feb 00:00 CET, which is 17 Feb in UTC.
    zoom.get('/users/zu-admin/recordings').query({ from: '2026-03-17', to: '2026-03-20', page_size: '300' }).reply(200, { meetings: [] });
    zoom
      .get('/users/zu-admin/recordings')
      .query({ from: '2026-02-17', to: '2026-03-16', page_size: '300' })
      .reply(200, { next_page_token: '', meetings: [RECORDING, { ...RECORDING, uuid: 'older==', topic: 'Kick-off', start_time: '2026-02-20T08:00:00Z', total_size: 2_000_000_000, recording_files: [RECORDING.recording_files[0]] }] });

    const answer = await driver.command('recordings list', ADMIN);

    const lines = answer.body.blocks.filter((b: any) => b.accessory?.action_id === 'recordings.view');
    expect(lines.map((b: any) => b.text.text)).toEqual([
      '*Quarterly review* (812 3456 7890)\nSat 14 Mar 2026, 16:00 CET · 2 files · 3.1 MB',
      '*Kick-off* (812 3456 7890)\nFri 20 Feb 2026, 09:00 CET · 1 file · 2.0 GB',
    ]);
    expect(JSON.parse(lines[0].accessory.value)).toEqual({ meetingId: UUID });
    expect(textOf(answer)).toContain('CSV');
    expect(zoom.isDone()).toBe(true);
  });

  it('walks every user with --all', async () => {
    zoom.get('/users').query({ page_size: '300' }).reply(200, { users: [{ id: 'u1', email: 'ana@example.com' }, { id: 'u2', email: 'bo@example.com' }] });
    // 10 Mar in Berlin starts at 23:00 UTC on 9 Mar.
    zoom.get('/users/u1/recordings').query({ from: '2026-03-09', to: '2026-03-20', page_size: '300' }).reply(200, { meetings: [RECORDING] });
    zoom.get('/users/u2/recordings').query({ from: '2026-03-09', to: '2026-03-20', page_size: '300' }).reply(200, { meetings: [] });

    const answer = await driver.command('recordings list --all --from 2026-03-10', ADMIN);

    expect(textOf(answer)).toContain('Cloud recordings of every user');
    expect(textOf(answer)).toContain('Quarterly review* (812 3456 7890)\\nSat 14 Mar 2026, 16:00 CET · 2 files · 3.1 MB · ana@example.com');
    expect(zoom.isDone()).toBe(true);
  });
});

describe('/zoom recordings get', () => {
  it('shows every file with its type, recording type, size and duration, and Download and Delete buttons', async () => {
    zoom.get('/meetings/81234567890/recordings').reply(200, RECORDING);

    const answer = await driver.command('recordings get 812 3456 7890', VIEWER);

    const text = textOf(answer);
    expect(text).toContain('*MP4 · shared screen with speaker view*\\n3.1 MB · 1:02:04');
    expect(text).toContain('*CHAT · chat file*\\n3 KB · duration unknown');
    expect(JSON.parse(buttonOf(answer, 'recordings.download').value)).toEqual({ meetingId: UUID, fileId: 'file-mp4', n: '81234567890', t: 'Quarterly review' });
    expect(JSON.parse(buttonOf(answer, 'recordings.delete', 1).value)).toEqual({ meetingId: UUID, fileId: 'file-chat' });
    expect(JSON.parse(buttonOf(answer, 'recordings.download', 2).value)).toEqual({ meetingId: UUID, n: '81234567890', t: 'Quarterly review' });
  });
});

describe('/zoom recordings delete and recover', () => {
  it('asks first, then deletes one file permanently with the exact request, and audits it', async () => {
    zoom.get('/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/recordings').reply(200, RECORDING);
    const prompt = await driver.command(`recordings delete ${UUID} --file file-mp4 --permanently`, ADMIN);
    expect(textOf(prompt)).toMatch(/Delete file `file-mp4` of \*Quarterly review\* \(812 3456 7890, Sat 14 Mar 2026, 16:00 CET; 3\.1 MB\) permanently\?/);

    const deleted = zoom.delete('/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/recordings/file-mp4').query({ action: 'delete' }).reply(204);
    const confirm = buttonOf(prompt, 'recordings.delete.confirm');
    const result = await driver.click('recordings.delete.confirm', confirm.value, ADMIN);

    expect(deleted.isDone()).toBe(true);
    expect(result.body).toMatchObject({ replace_original: true });
    expect(textOf(result)).toContain('deleted recording file `file-mp4` of *Quarterly review* (812 3456 7890) permanently');
    const audit = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT);
    expect(JSON.stringify(audit.body)).toContain('deleted recording file');

    // The same button again: the confirmation was used, nothing more reaches Zoom.
    const again = await driver.click('recordings.delete.confirm', confirm.value, ADMIN);
    expect(again.body.text).toContain('already used or has expired; nothing was done');
  });

  it('the Delete button of a card names the instance and moves exactly that one to the trash after confirmation', async () => {
    // A meeting ID means its newest instance: looked up for the prompt, and that instance (by UUID) is what goes.
    zoom.get('/meetings/81234567890/recordings').reply(200, RECORDING);
    const prompt = await driver.click('recordings.delete', JSON.stringify({ meetingId: '81234567890' }), ADMIN);
    expect(textOf(prompt)).toMatch(/Move the recordings of \*Quarterly review\* \(812 3456 7890, Sat 14 Mar 2026, 16:00 CET; 2 files, 3\.1 MB\) to the trash\?/);
    const trashed = zoom.delete('/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/recordings').query({ action: 'trash' }).reply(204);

    const done = await driver.click('recordings.delete.confirm', buttonOf(prompt, 'recordings.delete.confirm').value, ADMIN);

    expect(trashed.isDone()).toBe(true);
    // Named as the prompt named it: the instance's UUID is what Zoom needs, not what a person reads.
    expect(textOf(done)).toContain('moved the recordings of *Quarterly review* (812 3456 7890) to the trash.');
    expect(textOf(done)).not.toContain('aDYlohsHRtCd4ii1uC2');
  });

  it('a Delete card posted before the action IDs were unified (recordings_delete, recordings_delete_confirm) still works', async () => {
    // Slack keeps a posted button's action_id forever: the old IDs must reach the same handlers as the new ones.
    zoom.get('/meetings/81234567890/recordings').reply(200, RECORDING);
    const prompt = await driver.click('recordings_delete', JSON.stringify({ meetingId: '81234567890' }), ADMIN);
    expect(textOf(prompt)).toMatch(/Move the recordings of \*Quarterly review\*/);
    const trashed = zoom.delete('/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/recordings').query({ action: 'trash' }).reply(204);

    await driver.click('recordings_delete_confirm', buttonOf(prompt, 'recordings.delete.confirm').value, ADMIN);

    expect(trashed.isDone()).toBe(true);
  });

  it('recovers from the trash with {"action":"recover"}', async () => {
    const recovered = zoom.put('/meetings/81234567890/recordings/status', { action: 'recover' }).reply(200);
    const answer = await driver.command('recordings recover 81234567890', ADMIN);
    expect(recovered.isDone()).toBe(true);
    expect(textOf(answer)).toContain('Recovered the recordings of meeting 812 3456 7890 from the trash.');
  });

  it('does not let a viewer delete', async () => {
    const answer = await driver.command('recordings delete 81234567890', VIEWER);
    expect(textOf(answer)).toMatch(/not allowed/i);
  });
});

describe('/zoom recordings download', () => {
  it('names the meeting by topic and formatted ID, not its UUID, when started from a Download button', async () => {
    zoom.get('/meetings/81234567890/recordings').reply(200, RECORDING);
    const card = await driver.command('recordings get 81234567890', ADMIN);
    zoom.get(`/meetings/${encodeURIComponent(UUID)}/recordings`).reply(200, { ...RECORDING, recording_files: [] });

    const answer = await driver.click('recordings.download', buttonOf(card, 'recordings.download', 2).value, ADMIN);

    const named = 'Download the recordings of Quarterly review (812 3456 7890)';
    expect(answer.body.text).toContain(named);
    expect(answer.body.text).not.toContain(UUID);
    const jobId = /job `(dl-[0-9a-f]{12})`/.exec(answer.body.text)?.[1];
    const dm = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN);
    expect(dm.body.text).toContain(named);
    const status = await driver.command(`jobs status ${jobId}`, ADMIN);
    expect(textOf(status)).toContain(named);
    await slack.waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('no file to download matches'), 10_000);
  });

  it('starts a job at once and opens its progress message in the DM', async () => {
    // The job asks Zoom for the files; none of this type is ready, which its summary says.
    zoom.get('/meetings/81234567890/recordings').reply(200, { ...RECORDING, recording_files: [] });

    const answer = await driver.command('recordings download 81234567890 --type mp4', ADMIN);

    expect(textOf(answer)).toMatch(/Started job `dl-[0-9a-f]{12}`: Download the mp4 recordings of meeting 812 3456 7890/);
    const dm = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN);
    expect(JSON.stringify(dm.body.blocks)).toContain('Waiting for a worker');
    const summary = await slack.waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('no file to download matches'), 10_000);
    expect(summary.body.channel).toBe(ADMIN);
  });
});
