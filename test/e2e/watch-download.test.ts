// End to end: `/zoom watch recordings --download`. A signed recording.completed webhook reaches a channel that
// watches with --download: the relay posts the alert, one download job lists the files with the account's token and
// saves them under ZOOMOPS_RECORDINGS_DIR, and its progress and summary go into the alert's thread — once, however
// many channels watch and however often the relay job runs. The bytes come from a local storage server (downloads go
// over their own sockets, which nock does not see).
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RelayState } from '../../src/jobs/relay-state.js';
import { WatchStore } from '../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../src/zoom/events.js';
import { useBotFixture } from '../helpers/bot.js';
import { clearEvents, eventsSettled } from '../helpers/jobs.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { SlackCall } from '../helpers/fake-slack.js';
import { FileServer } from '../helpers/file-server.js';
import { buttonClick, interactionBody, postSigned, viewSubmission } from '../helpers/slack-requests.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

const ADMIN = 'UADMIN';
/** Another admin, who downloads a recording by hand. */
const ADMIN2 = 'UADMIN2';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';
const dir = mkdtempSync(join(tmpdir(), 'zoomops-watch-download-'));
/** Zoom's storage, where each download_url here points (no token goes there: it is not Zoom's API host). */
const storage = new FileServer();
await storage.start();
// Role `all`: the relay and the download jobs run in the bot's own process.
const fixture = useBotFixture({
  name: 'e2e-watch-download',
  users: [{ id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' }, { id: ADMIN2, email: 'admin2@example.com' }, { id: VIEWER, email: 'v@example.com' }],
  env: {
    ZOOMOPS_ADMINS: `${ADMIN},${ADMIN2}`,
    ZOOMOPS_VIEWERS: VIEWER,
    ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET,
    ZOOMOPS_RECORDINGS_DIR: dir,
    ZOOMOPS_DOWNLOAD_HOSTS: 'localhost',
    ZOOMOPS_AUDIT_CHANNEL: AUDIT,
  },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
const services = () => fixture.bot().bot.services;
const store = () => new WatchStore(services().redis, services().keyPrefix);

afterAll(async () => {
  await storage.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  storage.reset();
  // Each test counts the jobs it caused.
  await services().jobs.queue('downloads').obliterate({ force: true });
  await clearEvents(services());
  for (const id of ['CDL1', 'CDL2', 'CPLAIN']) fixture.slack().channels.set(id, { name: id.toLowerCase(), is_private: false, is_member: false });
  await store().removeAll();
});

/** A recording file as Zoom lists it (without its URL), and its bytes. */
interface TestFile {
  id: string;
  file_type: string;
  file_extension: string;
  recording_type: string;
  bytes: Buffer;
}
const file = (id: string, type: string, recordingType: string, ext: string, text: string): TestFile => ({
  id,
  file_type: type,
  file_extension: ext,
  recording_type: recordingType,
  bytes: Buffer.from(text),
});
const VIDEO = file('FV', 'MP4', 'shared_screen_with_speaker_view', 'MP4', 'mp4 bytes '.repeat(5_000));
const CHAT = file('FC', 'CHAT', 'chat_file', 'TXT', '10:00:01 Ada: hello\n');
const TRANSCRIPT = file('FT', 'TRANSCRIPT', 'audio_transcript', 'VTT', 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAda: hello\n');

/** A recording event of its own meeting instance (each test its own, so Zoom's dedupe and the files stay apart). */
function recordingEvent(n: number, name = 'recording.completed') {
  const uuid = `inst${n}AAAiAiAiiAii==`;
  const meetingId = 81234567800 + n;
  const event = zoomEvent(name, (e) => {
    e.payload.object.uuid = uuid;
    e.payload.object.id = meetingId;
  });
  return { uuid, meetingId, event, folder: join(dir, `2026-03-14_Quarterly review_${meetingId}`) };
}

/**
 * What the download job asks Zoom for, with the account's token only (the webhook's download_token is never stored):
 * the recording's files (a request for anything else finds no interceptor), whose bytes the storage server holds.
 * With `held`, Zoom answers the list of files only once it resolves: the job stays running until then.
 */
function nockRecording(uuid: string, meetingId: number, files: TestFile[] = [VIDEO, CHAT], held?: Promise<void>) {
  const zoom = fixture.zoom();
  const id = (f: Pick<TestFile, 'id'>) => `${meetingId}-${f.id}`;
  const listed = {
    uuid,
    id: meetingId,
    topic: 'Quarterly review',
    type: '2',
    start_time: '2026-03-14T15:00:00Z',
    recording_files: files.map(({ bytes, ...f }) => ({ ...f, file_size: bytes.length, status: 'completed', download_url: `http://localhost:${storage.port}/storage/${id(f)}` })),
  };
  zoom.get(`/meetings/${encodeURIComponent(uuid)}/recordings`).reply(async () => {
    await held;
    return [200, listed];
  });
  for (const f of files) storage.files.set(id(f), f.bytes);
  return zoom;
}

/** A promise the test resolves when it wants to. */
function gate(): { held: Promise<void>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}

/** The files the storage server was asked for, by `<meetingId>-<fileId>`. */
const fetchedFiles = () => storage.seen.map((r) => r.path.replace(/^\/storage\//, ''));
/** The lines posted to the audit channel in this test so far (an admin's write records its line before answering). */
const auditLines = () => posts(AUDIT).map((c) => c.body.text as string);
const posts = (channel: string) => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
const alertIn = (channel: string) => fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === channel && String(c.body.text).startsWith(':film_frames:'));
/** The progress message's last word, in the channel its progress message was posted in. */
const summaryOf = (progress: SlackCall) =>
  fixture.slack().waitFor((c) => c.method === 'chat.update' && c.body.channel === progress.body.channel && /files? saved/.test(String(c.body.text)), 15_000);
const threadPosts = (channel: string) => posts(channel).filter((c) => c.body.thread_ts !== undefined);
/** The download job a message names: an automatic one's ID is derived from its event (16 hex digits), one asked for by hand has 8. */
const jobIdIn = (call: SlackCall) => /job `(dl-[0-9a-f]{16}|dl-[0-9a-f]{12})`/.exec(textOf(call))![1]!;
const downloadJobs = async () => (await services().jobs.queue('downloads').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).map((j) => String(j.id));

/** The event's relay job once more, as a retry or a stalled job run anew would (the data as ingress stores it). */
function relayJob(event: unknown) {
  const { download_token: _token, ...stored } = event as ZoomEvent & { download_token?: unknown };
  return services().jobs.queue('events').add('again', { kind: 'event', key: eventIdentity(event as ZoomEvent), event: stored, source: 'webhook', receivedAt: Date.now() });
}

/** Runs the event's relay job again to its end. */
async function relayAgain(event: unknown): Promise<void> {
  const again = await relayJob(event);
  for (let i = 0; i < 200 && !(await again.isCompleted()); i++) await new Promise((r) => setTimeout(r, 30));
  expect(await again.isCompleted()).toBe(true);
}

/** The relay of every event posted so far has finished (its downloads, if any, are queued by then). */
async function relayed(): Promise<void> {
  await eventsSettled(services());
}

describe('/zoom watch recordings --download', () => {
  it('downloads a finished recording with the account’s token, progress and summary in the alert’s thread', async () => {
    const answer = await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    expect(answer.body.text).toContain('<#CDL1> now gets an alert for *recordings* (');
    expect(answer.body.text).toContain('), and each finished recording is downloaded to the bot’s storage.');
    expect(textOf(answer)).toContain('its progress and where the files land go into the thread of the alert');
    const { uuid, meetingId, event, folder } = recordingEvent(1);
    const zoom = nockRecording(uuid, meetingId);

    expect((await postWebhook(fixture.bot().url, event)).status).toBe(200);

    const alert = await alertIn('CDL1');
    const progress = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL1' && c.body.thread_ts !== undefined);
    // The alert is the first message of its meeting instance here, so its thread is the alert's own.
    expect(posts('CDL1')[0]).toBe(alert);
    expect(progress.body.thread_ts).toBe(await services().redis.get(`{${services().keyPrefix}:relay}:thread:CDL1:${uuid}`));
    expect(progress.body.text).toBe(`Download the recordings of meeting 812 3456 7801 (automatic: recordings watch): waiting for a worker`);
    const jobId = /job `(dl-[0-9a-f]{16})`/.exec(textOf(progress))![1];

    const summary = await summaryOf(progress);
    expect(summary.body.channel).toBe('CDL1');
    expect(summary.body.text).toBe('Download the recordings of meeting 812 3456 7801 (automatic: recordings watch): 2 files saved');
    expect(textOf(summary)).toContain(`job \`${jobId}\``);
    // A channel, maybe a public one: where each file is, relative to ZOOMOPS_RECORDINGS_DIR, never the server's directory.
    expect(textOf(summary)).toContain('Saved `2026-03-14_Quarterly review_81234567801/shared_screen_with_speaker_view_FV.mp4`');
    expect(textOf(summary)).not.toContain(dir);
    expect(await readFile(join(folder, 'shared_screen_with_speaker_view_FV.mp4'))).toEqual(VIDEO.bytes);
    expect(await readFile(join(folder, 'chat_file_FC.txt'))).toEqual(CHAT.bytes);
    expect(zoom.isDone()).toBe(true);
    expect(fetchedFiles().sort()).toEqual([`${meetingId}-FC`, `${meetingId}-FV`]);
    // The storage is not Zoom's API host: the token never went there.
    expect(storage.seen.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    // No admin asked in person: nothing goes to anyone's DM.
    expect(posts(ADMIN)).toEqual([]);
    expect(await downloadJobs()).toEqual([jobId]);
    // The admin who set the watch up owns the job.
    const status = await driver.command(`jobs status ${jobId}`, ADMIN);
    expect(textOf(status)).toContain(`Started by <@${ADMIN}>`);
  }, 30_000);

  it('only posts the alert in a channel that watches without --download', async () => {
    await driver.command('watch recordings <#CPLAIN|cplain>', ADMIN);
    const { event } = recordingEvent(2);

    await postWebhook(fixture.bot().url, event);

    await alertIn('CPLAIN');
    await relayed();
    expect(await downloadJobs()).toEqual([]);
    expect(posts('CPLAIN')).toHaveLength(1);
  });

  it('starts one download for two channels that watch with --download, and the other channel is told which job it is', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    await driver.command('watch recordings <#CDL2|cdl2> --download', ADMIN);
    const { uuid, meetingId, event } = recordingEvent(3);
    nockRecording(uuid, meetingId);

    await postWebhook(fixture.bot().url, event);

    await Promise.all([alertIn('CDL1'), alertIn('CDL2')]);
    await relayed();
    const jobs = await downloadJobs();
    expect(jobs).toHaveLength(1);
    const replies = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && ['CDL1', 'CDL2'].includes(c.body.channel) && c.body.thread_ts);
    expect(replies).toHaveLength(2);
    const progress = replies.find((c) => String(c.body.text).startsWith('Download the recordings'))!;
    const note = replies.find((c) => c !== progress)!;
    expect(note.body.channel).not.toBe(progress.body.channel);
    expect(note.body.text).toBe(
      `:arrow_down: Downloading automatically as job \`${jobs[0]}\`; its progress and where the files land are in the thread of this alert in <#${progress.body.channel}>.`,
    );
    expect((await summaryOf(progress)).body.text).toContain('2 files saved');
  }, 30_000);

  it('starts no second download when the relay job runs again, even after the first download finished, nor after a run that stopped before recording it', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    const { uuid, meetingId, event } = recordingEvent(4);
    nockRecording(uuid, meetingId);
    await postWebhook(fixture.bot().url, event);
    const progress = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL1' && c.body.thread_ts !== undefined);
    await summaryOf(progress);
    await relayed();
    // The download finished, so the download queue's own dedupe has let go of it: only the relay's record stops a second one.
    expect(await services().jobs.queue('downloads').getJobCounts('completed')).toEqual({ completed: 1 });

    await relayAgain(event);

    expect((await downloadJobs()).length).toBe(1);
    expect(posts('CDL1')).toHaveLength(2);

    // As a relay run leaves it that stopped (a crash, a lost lock) between queueing the job and recording it.
    await services().redis.del(`{${services().keyPrefix}:relay}:download:${eventIdentity(event as ZoomEvent)}`);
    await relayAgain(event);

    expect(await downloadJobs()).toEqual([jobIdIn(progress)]);
    expect(threadPosts('CDL1')).toEqual([progress]);
  }, 30_000);

  it('downloads the transcript Zoom announces later, and only the transcript', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    const { uuid, meetingId, event, folder } = recordingEvent(5, 'recording.transcript_completed');
    // The recording's files by now: the video (recording.completed's download) and the new transcript, which alone is
    // fetched.
    const zoom = nockRecording(uuid, meetingId, [VIDEO, TRANSCRIPT]);

    await postWebhook(fixture.bot().url, event);

    const progress = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL1' && c.body.thread_ts !== undefined);
    expect(progress.body.text).toBe('Download the transcript recordings of meeting 812 3456 7805 (automatic: recordings watch): waiting for a worker');
    expect((await summaryOf(progress)).body.text).toContain(': 1 file saved');
    expect(await readFile(join(folder, 'audio_transcript_FT.vtt'))).toEqual(TRANSCRIPT.bytes);
    expect(zoom.isDone()).toBe(true);
    expect(fetchedFiles()).toEqual([`${meetingId}-FT`]);
  }, 30_000);

  it('a channel archived before its progress message loses its watches, and the next channel gets the download', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    await driver.command('watch recordings <#CDL2|cdl2> --download', ADMIN);
    const { uuid, meetingId, event } = recordingEvent(6);
    nockRecording(uuid, meetingId);
    // The first post into a thread, in whichever channel comes first: that channel was archived after its alert.
    fixture.slack().failures.push({ method: 'chat.postMessage', status: 200, body: { ok: false, error: 'is_archived' }, match: (c) => c.body.thread_ts !== undefined });

    await postWebhook(fixture.bot().url, event);

    await relayed();
    const refused = fixture.slack().calls.find((c) => c.method === 'chat.postMessage' && c.body.thread_ts !== undefined)!;
    const archived = String(refused.body.channel);
    const other = archived === 'CDL1' ? 'CDL2' : 'CDL1';
    expect(await store().ofChannel(archived)).toEqual([]);
    expect(threadPosts(archived)).toEqual([refused]);
    expect(auditLines()).toContain(`:white_check_mark: ZoomOps removed the watches of <#${archived}> (recordings): the channel is archived`);
    const [progress, ...more] = threadPosts(other);
    expect(more).toEqual([]);
    expect(progress!.body.text).toBe('Download the recordings of meeting 812 3456 7806 (automatic: recordings watch): waiting for a worker');
    expect((await summaryOf(progress!)).body.text).toContain('2 files saved');
    expect(await downloadJobs()).toEqual([jobIdIn(progress!)]);
  }, 30_000);

  it('never waits out a busy channel inside the relay: the relay job is delayed, and the download starts once the channel has room', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    const { uuid, meetingId, event } = recordingEvent(7);
    nockRecording(uuid, meetingId);
    // An earlier run of the relay job posted the alert; since then the channel is held off (Slack said 429, Retry-After 60).
    const alertTs = '1773500000.000100';
    await new RelayState(services().redis, services().keyPrefix).recordPost(eventIdentity(event as ZoomEvent), 'CDL1', alertTs);
    await services().pacing.channel('CDL1').pause(60_000);

    const relay = await relayJob(event);

    for (let i = 0; i < 300 && (await relay.getState()) !== 'delayed'; i++) await new Promise((r) => setTimeout(r, 30));
    expect(await relay.getState()).toBe('delayed');
    expect(await downloadJobs()).toEqual([]);
    expect(posts('CDL1')).toEqual([]);

    // The channel has room again (the Retry-After is over).
    await services().redis.del(`{${services().keyPrefix}:slack-pace-CDL1}:post:pause`);
    const progress = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL1', 10_000);
    expect(progress.body.thread_ts).toBe(alertTs);
    expect((await summaryOf(progress)).body.text).toContain('2 files saved');
    expect(await downloadJobs()).toEqual([jobIdIn(progress)]);
  }, 30_000);

  it('joins a download an admin started by hand: each channel is told whose job it is, and no thread claims its progress', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    await driver.command('watch recordings <#CDL2|cdl2> --download', ADMIN);
    const { uuid, meetingId, event } = recordingEvent(8);
    const zoom = gate();
    nockRecording(uuid, meetingId, [VIDEO, CHAT], zoom.held);
    // Another admin clicks Download on the recording (`/zoom recordings get`) before its alert comes; the job is running.
    const click = await driver.click('recordings.download', JSON.stringify({ meetingId: uuid }), ADMIN2);
    const manual = jobIdIn(click);

    await postWebhook(fixture.bot().url, event);

    await relayed();
    // The alert's Download button, clicked by the admin who set the watch up and by the one whose job it is.
    const alert = await alertIn('CDL1');
    const byOther = await driver.click('recordings.download', buttonOf(alert, 'recordings.download').value, ADMIN);
    const byOwner = await driver.click('recordings.download', buttonOf(alert, 'recordings.download').value, ADMIN2);
    zoom.release();
    expect(await downloadJobs()).toEqual([manual]);
    const joined = `:arrow_down: These files are already being downloaded as job \`${manual}\``;
    const more = `Nothing is fetched twice; \`/zoom jobs status ${manual}\` shows where it is.`;
    expect(byOther.body.text).toBe(`${joined}, started by <@${ADMIN2}>: its progress and where the files land are in their DM with me. ${more}`);
    expect(byOwner.body.text).toBe(`${joined}, which you started: its progress and where the files land are in your DM with me. ${more}`);
    const note = `:arrow_down: These files are already being downloaded as job \`${manual}\`, started by <@${ADMIN2}>; nothing is fetched twice, and \`/zoom jobs status ${manual}\` shows where it is.`;
    // What each channel's thread shows in the end: a line posted, or the opened progress message turned into that line.
    const inThreads = fixture.slack().calls.filter((c) => ['CDL1', 'CDL2'].includes(c.body.channel) && (c.body.thread_ts !== undefined || c.method === 'chat.update'));
    const told = inThreads.filter((c) => c.body.text === note).map((c) => c.body.channel);
    expect(told.sort()).toEqual(['CDL1', 'CDL2']);
    expect(inThreads.filter((c) => c.method === 'chat.update')).toHaveLength(1);
    // Progress and summary are the admin's, in their DM.
    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && /files? saved/.test(String(c.body.text)), 15_000);
    expect(summary.body.channel).toBe(ADMIN2);
    expect(textOf(summary)).toContain(`job \`${manual}\``);
  }, 30_000);

  it('Share to Slack asks where (the alert’s channel and thread first) and shares the saved file from disk: no Zoom call, no new download', async () => {
    await driver.command('watch recordings <#CPLAIN|cplain>', ADMIN);
    const { uuid, meetingId, event, folder } = recordingEvent(9);
    nockRecording(uuid, meetingId, [CHAT]);
    await postWebhook(fixture.bot().url, event);
    const alert = await alertIn('CPLAIN');
    const alertTs = '1700000000.000900';
    // The alert's Download button, clicked in the channel: Slack sends the message the button sat in.
    const click = (actionId: string, value: string, message?: { ts: string; blocks: unknown[] }) =>
      postSigned(`${fixture.bot().url}/slack/events`, interactionBody(buttonClick({ userId: ADMIN, actionId, value, responseUrl: fixture.slack().responseUrl(`share-${actionId}`), channelId: 'CPLAIN', ...(message ? { message } : {}) })), 'application/x-www-form-urlencoded');
    expect((await click('recordings.download', buttonOf(alert, 'recordings.download').value, { ts: alertTs, blocks: alert.body.blocks as unknown[] })).status).toBe(200);
    const progress = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN && String(c.body.text).includes('waiting for a worker'));
    const summary = await summaryOf(progress);
    const downloadJob = jobIdIn(summary);
    expect(fetchedFiles()).toEqual([`${meetingId}-FC`]);

    // Share to Slack: a modal asking where, the alert's channel picked and its thread ticked; nothing uploaded yet.
    expect((await click('recordings.share', buttonOf(summary, 'recordings.share').value)).status).toBe(200);
    const opened = await fixture.slack().waitFor((c) => c.method === 'views.open');
    const modal = opened.body.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> };
    const picker = modal.blocks.find((b) => b.block_id === 'share_channel')!.element!;
    expect(picker).toMatchObject({ type: 'conversations_select', initial_conversation: 'CPLAIN' });
    expect(JSON.stringify(modal.blocks.find((b) => b.block_id === 'share_thread')!.element!.initial_options)).toContain('In the thread of the alert in <#CPLAIN>');
    expect(fixture.slack().calls.some((c) => c.method === 'files.completeUploadExternal')).toBe(false);

    const submitted = await postSigned(
      `${fixture.bot().url}/slack/events`,
      interactionBody(viewSubmission({
        userId: ADMIN,
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: {
          share_channel: { channel: { type: 'conversations_select', selected_conversation: 'CPLAIN' } },
          share_thread: { thread: { type: 'checkboxes', selected_options: [{ value: 'thread' }] } },
        },
      })),
      'application/x-www-form-urlencoded',
    );
    expect(submitted.status).toBe(200);
    const shared = await fixture.slack().waitFor((c) => c.method === 'files.completeUploadExternal', 15_000);
    expect(shared.body).toMatchObject({ channel_id: 'CPLAIN', thread_ts: alertTs });
    expect(await fixture.slack().uploadedFile()).toBe(CHAT.bytes.toString());
    await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN && String(c.body.text).includes('Shared `chat_file_FC.txt` in <#CPLAIN>, in the alert’s thread.'));
    // The saved file was reused: the one download job, and Zoom's storage asked once.
    expect(await downloadJobs()).toEqual([downloadJob]);
    expect(fetchedFiles()).toEqual([`${meetingId}-FC`]);

    // Gone from disk since: not shared, and the DM says how to fetch it again; still no download started by itself.
    await rm(join(folder, 'chat_file_FC.txt'));
    await postSigned(
      `${fixture.bot().url}/slack/events`,
      interactionBody(viewSubmission({ userId: ADMIN, callbackId: modal.callback_id, privateMetadata: modal.private_metadata, values: { share_channel: { channel: { type: 'conversations_select', selected_conversation: 'CPLAIN' } } } })),
      'application/x-www-form-urlencoded',
    );
    await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ADMIN && String(c.body.text).includes(`\`chat_file_FC.txt\` is no longer whole in the bot's storage, so it was not shared. \`/zoom recordings download ${uuid} --share\``));
    expect(fixture.slack().calls.filter((c) => c.method === 'files.completeUploadExternal')).toHaveLength(1);
    expect(await downloadJobs()).toEqual([downloadJob]);
  }, 30_000);

  it('the transcript alert’s Download button joins the automatic transcript download', async () => {
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    const { uuid, meetingId, event } = recordingEvent(10, 'recording.transcript_completed');
    const zoom = gate();
    nockRecording(uuid, meetingId, [VIDEO, TRANSCRIPT], zoom.held);
    await postWebhook(fixture.bot().url, event);
    const alert = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL1' && String(c.body.text).startsWith(':memo:'));
    const progress = await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDL1' && c.body.thread_ts !== undefined);
    const automatic = jobIdIn(progress);

    const click = await driver.click('recordings.download', buttonOf(alert, 'recordings.download').value, ADMIN2);

    expect(jobIdIn(click)).toBe(automatic);
    // Its progress is in the channel's thread, not in the DM of the admin who clicked.
    expect(click.body.text).toBe(
      `:arrow_down: These files are already being downloaded as job \`${automatic}\`, the automatic download of a recordings watch: its progress and where the files land are in the thread of the alert in <#CDL1>. Nothing is fetched twice; \`/zoom jobs status ${automatic}\` shows where it is.`,
    );
    zoom.release();
    expect((await summaryOf(progress)).body.text).toContain(': 1 file saved');
    expect(await downloadJobs()).toEqual([automatic]);
    expect(fetchedFiles()).toEqual([`${meetingId}-FT`]);
  }, 30_000);
});

describe('who may ask for --download, and on what', () => {
  it('refuses --download on a topic other than recordings, and with --events that never start a download', async () => {
    const meetings = await driver.command('watch meetings <#CDL1|cdl1> --download', ADMIN);
    expect(meetings.body.text).toContain(
      '--download saves each finished cloud recording, so it goes with the recordings topic only, not meetings: `/zoom watch recordings #channel --download`.',
    );
    const events = await driver.command('watch events <#CDL1|cdl1> --events recording.completed --download', ADMIN);
    expect(events.body.text).toContain('goes with the recordings topic only, not events');
    const narrowed = await driver.command('watch recordings <#CDL1|cdl1> --events recording.trashed --download', ADMIN);
    expect(narrowed.body.text).toContain('--download starts on recording.completed or recording.transcript_completed; add one of them to --events');
    expect(await store().channels()).toEqual([]);
    // Refusals change nothing and leave no line; the watch that follows, set up as asked, does.
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    expect(auditLines()).toEqual([':white_check_mark: <@UADMIN> set up a watch of recordings in <#CDL1>, with --download']);
  });

  it('is for the admins who may watch, and `/zoom watches` says which channels download', async () => {
    expect((await driver.command('watch recordings <#CDL1|cdl1> --download', VIEWER)).body.text).toContain('You are not allowed to run `/zoom watch`');
    await driver.command('watch recordings <#CDL1|cdl1> --download', ADMIN);
    await driver.command('watch recordings <#CDL2|cdl2>', ADMIN);
    const list = await driver.command('watches --all', VIEWER);
    expect(textOf(list)).toContain('`recording.recovered`), and each finished recording is downloaded to the bot’s storage — by <@UADMIN>');
    expect(textOf(list).match(/downloaded to the bot’s storage/g)).toHaveLength(1);
    // Watching again without the flag replaces the watch and turns downloads off; unwatch says they stop too.
    await driver.command('watch recordings <#CDL1|cdl1>', ADMIN);
    expect((await store().ofTopic('CDL1', 'recordings'))?.download).toBeUndefined();
    await driver.command('watch recordings <#CDL2|cdl2> --download', ADMIN);
    const stopped = await driver.command('unwatch recordings <#CDL2|cdl2>', ADMIN);
    expect(stopped.body.text).toMatch(/^<#CDL2> no longer gets alerts for \*recordings\* \(.*\), nor downloads its recordings\.$/);
    // The viewer's refused watch left no line.
    expect(auditLines()).toEqual([
      ':white_check_mark: <@UADMIN> set up a watch of recordings in <#CDL1>, with --download',
      ':white_check_mark: <@UADMIN> set up a watch of recordings in <#CDL2>',
      ':white_check_mark: <@UADMIN> set up a watch of recordings in <#CDL1> (replacing the earlier one)',
      ':white_check_mark: <@UADMIN> set up a watch of recordings in <#CDL2>, with --download (replacing the earlier one)',
      ':white_check_mark: <@UADMIN> removed the watch of recordings in <#CDL2>, with --download',
    ]);
  });
});
