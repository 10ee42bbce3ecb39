// A recording download as /metrics reports it: every byte received from Zoom counted once, one throughput sample per
// saved file, and the progress message's posts and updates counted as Slack calls.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueRecordingDownload } from '../../src/jobs/downloads/enqueue.js';
import { metricsText } from '../../src/metrics.js';
import { FileServer, fileBytes } from '../helpers/file-server.js';
import { useJobFixture } from '../helpers/jobs.js';
import { parseMetrics, valueOf, type Sample } from '../helpers/metrics.js';

const server = new FileServer();
await server.start();
const fixture = useJobFixture('download-metrics', { ZOOM_API_URL: `${server.zoomOrigin}/v2`, ZOOMOPS_DOWNLOAD_HOSTS: 'localhost' });
beforeEach(async () => {
  // The fake's storage host is `localhost`, which the fixture's nock does not let through by itself.
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
  const dir = await mkdtemp(join(tmpdir(), 'zoomops-metrics-'));
  fixture.services().config.recordings.dir = dir;
  return () => rm(dir, { recursive: true, force: true });
});
afterAll(() => server.stop());

const metrics = async (): Promise<Sample[]> => parseMetrics(await metricsText(fixture.services().jobs));

describe('download metrics', () => {
  it('counts the bytes received, a throughput per file, the progress message’s Slack calls and the one Zoom call', async () => {
    const video = fileBytes(700_000, 1);
    const chat = fileBytes(3_000, 2);
    server.files.set('FV', video);
    server.files.set('FC', chat);
    server.recordings.set('81234567890', {
      uuid: 'aDYlohsHRtCd4ii1uC2+hA==',
      id: 81234567890,
      topic: 'Quarterly review',
      type: '2',
      start_time: '2026-03-14T15:00:00Z',
      recording_files: [
        { id: 'FV', file_type: 'MP4', file_extension: 'MP4', recording_type: 'shared_screen_with_speaker_view', file_size: video.length, status: 'completed', download_url: server.downloadUrl('FV') },
        { id: 'FC', file_type: 'CHAT', file_extension: 'TXT', recording_type: 'chat_file', file_size: chat.length, status: 'completed', download_url: server.downloadUrl('FC') },
      ],
    });
    const before = await metrics();
    fixture.startWorkers();
    await enqueueRecordingDownload(fixture.services(), { userId: 'UADMIN', meetingId: '81234567890', originChannel: 'C123' });
    await fixture.slack().waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes('2 files saved'), 15_000);
    const after = await metrics();
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('zoomops_download_bytes_total')).toBe(703_000);
    expect(moved('zoomops_download_throughput_bytes_per_second_count')).toBe(2);
    expect(moved('zoomops_download_throughput_bytes_per_second_sum')).toBeGreaterThan(0);
    expect(moved('zoomops_slack_calls_total', { method: 'chat.postMessage', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('zoomops_slack_calls_total', { method: 'chat.update', result: 'ok' })).toBeGreaterThanOrEqual(1);
    // The recording's file list (GET /meetings/{id}/recordings, a Light call); the files themselves are not REST calls.
    expect(moved('zoomops_zoom_requests_total', { label: 'light', status: '200' })).toBe(1);
  });
});
