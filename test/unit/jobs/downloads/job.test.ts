// The download job on real Redis with real BullMQ workers: files land under ZOOMOPS_RECORDINGS_DIR with exact bytes,
// the DM progress message is updated and ends in a summary, a shutdown mid-file hands the job to another worker, and
// a second request for the same file joins the first job rather than writing the same `.part` beside it.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueRecordingDownload } from '../../../../src/jobs/downloads/enqueue.js';
import { useJobFixture } from '../../../helpers/jobs.js';
import { FileServer, fileBytes } from '../../../helpers/file-server.js';

const server = new FileServer();
await server.start();
const fixture = useJobFixture('downloads', {
  ZOOM_API_URL: `${server.zoomOrigin}/v2`,
  ZOOMOPS_DOWNLOAD_HOSTS: 'localhost',
});
/** This test's ZOOMOPS_RECORDINGS_DIR: tests reuse meeting, file names and sizes, so a shared one would hand a test
 * the files an earlier test saved (found whole on disk, never fetched). */
let dir: string;
beforeEach(async () => {
  // The storage host of the fake is `localhost` (a host other than Zoom's), which the fixture's nock does not let through.
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
  dir = await mkdtemp(join(tmpdir(), 'zoomops-job-'));
  fixture.services().config.recordings.dir = dir;
  return () => rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await server.stop();
});

const UUID = 'aDYlohsHRtCd4ii1uC2+hA==';
const FOLDER = '2026-03-14_Quarterly review_ 2026_81234567890';

function recording(files: Array<{ id: string; type: string; ext: string; recordingType: string; size: number }>) {
  return {
    uuid: UUID,
    id: 81234567890,
    topic: 'Quarterly review: 2026',
    type: '2',
    start_time: '2026-03-14T15:00:00Z',
    recording_files: files.map((f) => ({
      id: f.id,
      file_type: f.type,
      file_extension: f.ext,
      recording_type: f.recordingType,
      file_size: f.size,
      status: 'completed',
      download_url: server.downloadUrl(f.id),
    })),
  };
}

// A job that finds its file locked waits LOCKED_RETRY_MS (3 s) in the delayed set; with three awaited summaries the
// default 15 s is too tight on a loaded machine.
const LOCK_WAIT_TEST_MS = 45_000;

async function waitUntil(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('recording download job', () => {
  it('saves every file, updates the DM progress message and ends with where each file is', async () => {
    server.reset();
    const video = fileBytes(700_000, 1);
    const chat = fileBytes(3_000, 2);
    server.files.set('FV', video);
    server.files.set('FC', chat);
    server.recordings.set('81234567890', recording([
      { id: 'FV', type: 'MP4', ext: 'MP4', recordingType: 'shared_screen_with_speaker_view', size: video.length },
      { id: 'FC', type: 'CHAT', ext: 'TXT', recordingType: 'chat_file', size: chat.length },
    ]));
    fixture.startWorkers();

    const { jobId } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', originChannel: 'C123' });

    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('2 files saved'), 15_000);
    const videoPath = join(dir, FOLDER, 'shared_screen_with_speaker_view_FV.mp4');
    expect((await readFile(videoPath)).equals(video)).toBe(true);
    expect((await readFile(join(dir, FOLDER, 'chat_file_FC.txt'))).equals(chat)).toBe(true);
    expect(existsSync(`${videoPath}.part`)).toBe(false);

    const posted = fixture.slack().calls.find((c) => c.method === 'chat.postMessage')!;
    expect(posted.body.channel).toBe('UADMIN');
    expect(JSON.stringify(posted.body.blocks)).toContain('Waiting for a worker');
    const updates = fixture.slack().calls.filter((c) => c.method === 'chat.update');
    expect(updates.some((u) => /▓.* %.*MB\/s.*ETA/s.test(JSON.stringify(u.body.blocks)))).toBe(true);
    expect(updates.at(-1)).toBe(summary);
    const text = JSON.stringify(summary.body.blocks);
    expect(text).toContain(`job \`${jobId}\`: 2 files saved`);
    expect(text).toContain(videoPath);
    const share = summary.body.blocks.find((b: any) => b.accessory?.action_id === 'recordings.share').accessory;
    expect(JSON.parse(share.value)).toEqual({ meetingId: UUID, fileId: 'FV', channel: 'C123', j: expect.stringMatching(/^dl-[0-9a-f]{12}$/), n: '81234567890', t: 'Quarterly review: 2026' });

    const job = await fixture.services().jobs.find(jobId);
    expect(job?.progress).toMatchObject({ unit: 'bytes', done: 703_000, total: 703_000, failed: 0 });
    // The storage host never saw the token.
    expect(server.seen.filter((r) => r.path.startsWith('/storage/')).every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('with --share uploads each file into the channel through the external upload pair', async () => {
    server.reset();
    const audio = fileBytes(5_000, 3);
    server.files.set('FA', audio);
    server.recordings.set('81234567890', recording([{ id: 'FA', type: 'M4A', ext: 'M4A', recordingType: 'audio_only', size: audio.length }]));
    fixture.startWorkers();

    await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', type: 'm4a', shareChannel: 'CSHARE' });

    const completed = await fixture.slack().waitFor((c) => c.method === 'files.completeUploadExternal', 15_000);
    expect(completed.body.channel_id).toBe('CSHARE');
    const ticket = fixture.slack().calls.find((c) => c.method === 'files.getUploadURLExternal')!;
    expect(ticket.body).toMatchObject({ filename: 'audio_only_FA.m4a', length: '5000' });
    const upload = fixture.slack().calls.find((c) => c.method.startsWith('upload/'))!;
    expect(upload.body.content).toBe(audio.toString('latin1'));
    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('shared in <#CSHARE>'));
    expect(JSON.stringify(summary.body.blocks)).not.toContain('recordings.share');
  });

  it('with --share, a shutdown between two uploads puts the job back and the next worker shares only the file not yet shared', async () => {
    server.reset();
    const one = fileBytes(4_000, 9);
    const two = fileBytes(6_000, 10);
    server.files.set('F1', one);
    server.files.set('F2', two);
    server.recordings.set('81234567890', recording([
      { id: 'F1', type: 'M4A', ext: 'M4A', recordingType: 'audio_only', size: one.length },
      { id: 'F2', type: 'CHAT', ext: 'TXT', recordingType: 'chat_file', size: two.length },
    ]));
    const first = fixture.startWorkers();

    const { jobId } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', shareChannel: 'CSHARE' });
    await fixture.slack().waitFor((c) => c.method === 'files.completeUploadExternal', 15_000);
    // The first upload is done; the worker stops before the job hears back (as a deploy would).
    await first.stop();
    expect(await (await fixture.services().jobs.find(jobId))!.getState()).toBe('waiting');

    fixture.startWorkers();
    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${jobId}\`: 2 files saved`), 15_000);
    const tickets = fixture.slack().calls.filter((c) => c.method === 'files.getUploadURLExternal').map((c) => c.body.filename);
    expect(tickets).toEqual(['audio_only_F1.m4a', 'chat_file_F2.txt']);
    expect(fixture.slack().calls.filter((c) => c.method === 'files.completeUploadExternal')).toHaveLength(2);
    expect(JSON.stringify(summary.body.blocks).match(/shared in <#CSHARE>/g)).toHaveLength(2);
  });

  it('with --share, a file Slack shared whose answer was lost is found in the channel and shown shared, not uploaded again', async () => {
    server.reset();
    const audio = fileBytes(3_000, 13);
    server.files.set('FL', audio);
    server.recordings.set('81234567890', recording([{ id: 'FL', type: 'M4A', ext: 'M4A', recordingType: 'audio_only', size: audio.length }]));
    // Slack completes the upload (the file is in the channel) but the connection drops before its answer.
    fixture.slack().interruptions.push({ method: 'files.completeUploadExternal', drop: true });
    fixture.startWorkers();

    const { jobId } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', type: 'm4a', shareChannel: 'CLOST' });
    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${jobId}\`: 1 file saved`), 15_000);
    expect(JSON.stringify(summary.body.blocks)).toContain('shared in <#CLOST>');
    expect(fixture.slack().calls.filter((c) => c.method === 'files.completeUploadExternal' && c.body.channel_id === 'CLOST')).toHaveLength(1);
    expect(fixture.slack().calls.filter((c) => c.method === 'conversations.history' && c.body.channel === 'CLOST')).toHaveLength(1);
    const stored = (await fixture.services().jobs.find(jobId))!.progress as { saved: Array<{ id: string; sharedIn?: string; upload?: unknown }> };
    expect(stored.saved).toMatchObject([{ id: 'FL', sharedIn: 'CLOST' }]);
    expect(stored.saved[0]!.upload).toBeUndefined();
  });

  it('with --share, records each upload in the job as soon as Slack took it: a crash before the next leaves it marked shared', async () => {
    server.reset();
    const one = fileBytes(4_000, 11);
    const two = fileBytes(6_000, 12);
    server.files.set('F1', one);
    server.files.set('F2', two);
    server.recordings.set('81234567890', recording([
      { id: 'F1', type: 'M4A', ext: 'M4A', recordingType: 'audio_only', size: one.length },
      { id: 'F2', type: 'CHAT', ext: 'TXT', recordingType: 'chat_file', size: two.length },
    ]));
    fixture.startWorkers();

    const { jobId } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', shareChannel: 'CSHARE' });
    // The second upload starts: what a worker dying now would leave for the retry is what Redis holds now.
    await fixture.slack().waitFor((c) => c.method === 'files.getUploadURLExternal' && c.body.filename === 'chat_file_F2.txt', 15_000);
    const stored = (await fixture.services().jobs.find(jobId))!.progress as { saved: Array<{ id: string; sharedIn?: string }> };
    expect(stored.saved.map((f) => [f.id, f.sharedIn]), JSON.stringify(stored)).toEqual([['F1', 'CSHARE'], ['F2', undefined]]);
  });

  it('in a watching channel’s thread names no server directory, not even when the disk is too small', async () => {
    server.reset();
    server.recordings.set('81234567890', recording([{ id: 'FB', type: 'MP4', ext: 'MP4', recordingType: 'speaker_view', size: 1e15 }]));
    fixture.startWorkers();

    await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', progressIn: { channel: 'CWATCH', threadTs: '1773500000.000100' } });

    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('0 files saved, 1 failed'), 15_000);
    expect(summary.body.channel).toBe('CWATCH');
    const text = JSON.stringify(summary.body.blocks);
    expect(text).toContain('not enough disk space in ZOOMOPS_RECORDINGS_DIR: 1000000.0 GB needed');
    expect(text).not.toContain(dir);
  });

  it('refuses a recording whose download lands on a web page, and says so in the summary', async () => {
    server.reset();
    server.behaviour.html200 = true;
    server.recordings.set('81234567890', recording([{ id: 'FH', type: 'MP4', ext: 'MP4', recordingType: 'active_speaker', size: 10 }]));
    fixture.startWorkers();

    await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890' });

    const summary = await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('0 files saved, 1 failed'), 15_000);
    expect(JSON.stringify(summary.body.blocks)).toContain('web page instead of the file');
    expect(existsSync(join(dir, FOLDER, 'active_speaker_FH.mp4'))).toBe(false);
  });

  it('a second request for the same file while the first is queued joins that job: one fetch, and the admin is told', async () => {
    server.reset();
    const video = fileBytes(80_000, 5);
    server.files.set('FD', video);
    server.recordings.set('81234567890', recording([{ id: 'FD', type: 'MP4', ext: 'MP4', recordingType: 'speaker_view', size: video.length }]));

    // No worker yet: both clicks land while the first job waits.
    const { jobId: first } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', fileId: 'FD' });
    const second = await enqueueRecordingDownload(fixture.services(), { userId: 'UOTHER', meetingId: '81234567890', fileId: 'FD' });
    const { jobId: otherFile } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', fileId: 'FOTHER' });

    expect(second).toMatchObject({ jobId: first, joined: true, startedBy: 'UADMIN' });
    expect(otherFile).not.toBe(first);
    const [, secondPost] = fixture.slack().calls.filter((c) => c.method === 'chat.postMessage');
    expect(secondPost!.body.channel).toBe('UOTHER');
    const told = fixture.slack().calls.find((c) => c.method === 'chat.update' && c.body.channel === secondPost!.body.channel)!;
    expect(told.body.text).toBe(`This download is already queued or running as job ${first}; its own progress message shows where it is, and nothing is fetched twice.`);

    fixture.startWorkers();
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${first}\`: 1 file saved`), 15_000);
    const path = join(dir, '2026-03-14_Quarterly review_ 2026_81234567890', 'speaker_view_FD.mp4');
    expect((await readFile(path)).equals(video)).toBe(true);
    expect(server.seen.filter((r) => r.path.startsWith('/storage/') && r.path.includes('FD'))).toHaveLength(1);
    expect(await (await fixture.services().jobs.find(second.jobId))!.getState()).toBe('completed');
  });

  it('"Download all" and a single-file job of the same file never write it at once: the second waits for the first', async () => {
    server.reset();
    const video = fileBytes(400_000, 6);
    server.files.set('FL', video);
    server.behaviour.storageFaults = [{ stallAfter: 150_000 }];
    const answer = recording([{ id: 'FL', type: 'MP4', ext: 'MP4', recordingType: 'speaker_view', size: video.length }]);
    server.recordings.set('81234567890', answer);
    server.recordings.set(encodeURIComponent(UUID), answer);
    const path = join(dir, FOLDER, 'speaker_view_FL.mp4');
    const first = fixture.startWorkers();

    const { jobId: all } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890' });
    await waitUntil(async () => existsSync(`${path}.part`) && (await stat(`${path}.part`)).size === 150_000);
    // The same file asked for by the meeting's UUID and file ID: another BullMQ dedupe key, the same path.
    const { jobId: single } = await enqueueRecordingDownload(fixture.services(), { userId: 'UOTHER', meetingId: UUID, fileId: 'FL' });
    expect(single).not.toBe(all);
    await waitUntil(async () => (await (await fixture.services().jobs.find(single))!.getState()) === 'delayed');
    expect(server.seen.filter((r) => r.path.startsWith('/storage/FL'))).toHaveLength(1);

    await first.stop();
    fixture.startWorkers();
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${all}\`: 1 file saved`), 15_000);
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${single}\`: 1 file saved`), 15_000);
    expect((await readFile(path)).equals(video)).toBe(true);
    // One fetch, then one resume of the first job; the single-file job found the file whole and fetched nothing.
    expect(server.seen.filter((r) => r.path.startsWith('/storage/FL')).map((r) => r.headers.range)).toEqual([undefined, 'bytes=150000-']);
  }, LOCK_WAIT_TEST_MS);

  it('a request with --share while a download of the same file without it is queued still shares the file, fetched once', async () => {
    server.reset();
    const audio = fileBytes(60_000, 8);
    server.files.set('FJ', audio);
    server.recordings.set('81234567890', recording([{ id: 'FJ', type: 'M4A', ext: 'M4A', recordingType: 'audio_only', size: audio.length }]));

    const { jobId: plain } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', fileId: 'FJ' });
    const { jobId: sharing } = await enqueueRecordingDownload(fixture.services(), { userId: 'UOTHER', meetingId: '81234567890', fileId: 'FJ', shareChannel: 'CSHARE' });
    fixture.startWorkers();

    const completed = await fixture.slack().waitFor((c) => c.method === 'files.completeUploadExternal', 15_000);
    expect(completed.body.channel_id).toBe('CSHARE');
    expect(sharing).not.toBe(plain);
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${plain}\`: 1 file saved`), 15_000);
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`job \`${sharing}\`: 1 file saved`), 15_000);
    const upload = fixture.slack().calls.filter((c) => c.method.startsWith('upload/'));
    expect(upload.map((u) => u.body.content)).toEqual([audio.toString('latin1')]);
    expect(server.seen.filter((r) => r.path.startsWith('/storage/FJ'))).toHaveLength(1);
  }, LOCK_WAIT_TEST_MS);

  it('at shutdown stops mid-file and goes back to the queue; a second worker resumes from the bytes on disk', async () => {
    server.reset();
    const video = fileBytes(600_000, 4);
    server.files.set('FS', video);
    server.behaviour.storageFaults = [{ stallAfter: 250_000 }];
    server.recordings.set('81234567890', recording([{ id: 'FS', type: 'MP4', ext: 'MP4', recordingType: 'gallery_view', size: video.length }]));
    const first = fixture.startWorkers();
    const path = join(dir, FOLDER, 'gallery_view_FS.mp4');

    const { jobId } = await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890' });
    await waitUntil(async () => existsSync(`${path}.part`) && (await stat(`${path}.part`)).size === 250_000);
    await first.stop();

    const job = await fixture.services().jobs.find(jobId);
    expect(await job!.getState()).toBe('waiting');
    expect(job!.attemptsMade).toBe(0);
    expect(existsSync(path)).toBe(false);
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('another one resumes'));

    fixture.startWorkers();
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('1 file saved'), 15_000);
    expect((await readFile(path)).equals(video)).toBe(true);
    const storage = server.seen.filter((r) => r.path.startsWith('/storage/'));
    expect(storage.map((r) => r.headers.range)).toEqual([undefined, 'bytes=250000-']);
  });
});
