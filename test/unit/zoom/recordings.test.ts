import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  deleteRecording,
  gatherRecordings,
  getRecording,
  recordingWindows,
  recoverRecording,
  totalSize,
  userRecordingsRequest,
} from '../../../src/zoom/recordings.js';
import { EXPORT_ZOOM_CALLS } from '../../../src/jobs/exports/recordings.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

// Shaped like Zoom's recordingGet example: int64 ID, string `type`, files with sizes in bytes; a CC file has no ID.
const RECORDING = {
  uuid: '/ajXp112QmuoKj4854875==',
  id: 81234567890,
  account_id: 'acct',
  host_id: 'z8yCxjabcdEFGHfp8uQ',
  topic: 'Quarterly review',
  type: '2',
  start_time: '2026-03-14T15:00:00Z',
  duration: 62,
  total_size: 3_328_371,
  recording_count: 3,
  recording_files: [
    {
      id: 'ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8',
      meeting_id: '/ajXp112QmuoKj4854875==',
      recording_start: '2026-03-14T15:00:10Z',
      recording_end: '2026-03-14T16:02:00Z',
      file_type: 'MP4',
      file_extension: 'MP4',
      file_size: 3_081_811,
      download_url: 'https://zoom.us/rec/download/abc',
      status: 'completed',
      recording_type: 'shared_screen_with_speaker_view',
    },
    { file_type: 'CC', file_extension: 'VTT', download_url: 'https://zoom.us/rec/download/cc' },
  ],
};

const { bed, api } = useAreaTestbed('zoom-recordings', 'tok-rec');

describe('recordingWindows', () => {
  it('cuts a range across a year end into one-month UTC windows, newest first, no day twice or missing', () => {
    const from = DateTime.fromISO('2025-11-20T00:00:00', { zone: 'UTC' });
    const to = DateTime.fromISO('2026-02-05T17:00:00', { zone: 'UTC' });
    expect(recordingWindows(from, to)).toEqual([
      { from: '2026-01-20', to: '2026-02-05' },
      { from: '2025-12-20', to: '2026-01-19' },
      { from: '2025-11-20', to: '2025-12-19' },
    ]);
  });

  it('keeps windows contiguous from the end of a long month into a short one', () => {
    const from = DateTime.fromISO('2026-01-31', { zone: 'UTC' });
    const to = DateTime.fromISO('2026-04-01', { zone: 'UTC' });
    expect(recordingWindows(from, to)).toEqual([
      { from: '2026-03-28', to: '2026-04-01' },
      { from: '2026-02-28', to: '2026-03-27' },
      { from: '2026-01-31', to: '2026-02-27' },
    ]);
  });

  it('reads a range in the reader\'s zone as the UTC days it covers', () => {
    // Midnight in Los Angeles on 1 Dec is 08:00 UTC; the end of 2 Dec there is early 3 Dec in UTC.
    const from = DateTime.fromISO('2026-12-01T00:00:00', { zone: 'America/Los_Angeles' });
    const to = DateTime.fromISO('2026-12-02T23:59:59', { zone: 'America/Los_Angeles' });
    expect(recordingWindows(from, to)).toEqual([{ from: '2026-12-01', to: '2026-12-03' }]);
  });

  it('gives nothing for a reversed range', () => {
    expect(recordingWindows(DateTime.fromISO('2026-02-01'), DateTime.fromISO('2026-01-01'))).toEqual([]);
  });
});

describe('userRecordingsRequest', () => {
  it("pages through one window of a user's recordings at Zoom's maximum page size", async () => {
    api()
      .get('/v2/users/ana%40example.com/recordings')
      .query({ from: '2026-03-01', to: '2026-03-31', page_size: '300' })
      .reply(200, { from: '2026-03-01', to: '2026-03-31', page_size: 300, total_records: 2, next_page_token: 'p2', meetings: [RECORDING] })
      .get('/v2/users/ana%40example.com/recordings')
      .query({ from: '2026-03-01', to: '2026-03-31', page_size: '300', next_page_token: 'p2' })
      .reply(200, { next_page_token: '', meetings: [{ ...RECORDING, uuid: 'other==', id: '81234567891', total_size: undefined }] });
    const labels = chargedLabels(bed());

    const pages = [];
    for await (const page of bed().zoom.paginate(userRecordingsRequest({ userId: 'ana@example.com', window: { from: '2026-03-01', to: '2026-03-31' }, pageSize: 1000 }))) {
      pages.push(page);
    }

    expect(pages.map((p) => p.items.map((r) => r.id))).toEqual([['81234567890'], ['81234567891']]);
    expect(pages[0]!.items[0]!.recording_files[0]!.file_size).toBe(3_081_811);
    expect(totalSize(pages[1]!.items[0]!)).toBe(3_081_811);
    expect(labels()).toEqual(['medium', 'medium']);
  });
});

describe('getRecording', () => {
  it('double-encodes a UUID that starts with a slash', async () => {
    api().get('/v2/meetings/%252FajXp112QmuoKj4854875%253D%253D/recordings').reply(200, RECORDING);
    const recording = await getRecording(bed().zoom, '/ajXp112QmuoKj4854875==');
    expect(recording.topic).toBe('Quarterly review');
    expect(recording.type).toBe('2');
    expect(recording.recording_files).toHaveLength(2);
  });

  it('asks by meeting ID for the newest instance', async () => {
    api().get('/v2/meetings/81234567890/recordings').reply(200, { ...RECORDING, type: 2, recording_files: null });
    const recording = await getRecording(bed().zoom, '81234567890');
    expect(recording.recording_files).toEqual([]);
  });
});

describe('delete and recover', () => {
  it('trashes all files of a meeting', async () => {
    api().delete('/v2/meetings/81234567890/recordings').query({ action: 'trash' }).reply(204);
    await deleteRecording(bed().zoom, '81234567890', { action: 'trash' });
  });

  it('deletes one file permanently', async () => {
    api().delete('/v2/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/recordings/ed6c2f27').query({ action: 'delete' }).reply(204);
    await deleteRecording(bed().zoom, 'aDYlohsHRtCd4ii1uC2+hA==', { fileId: 'ed6c2f27', action: 'delete' });
  });

  it('recovers every file of an instance with {"action":"recover"}', async () => {
    api().put('/v2/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/recordings/status', { action: 'recover' }).reply(200);
    await recoverRecording(bed().zoom, 'aDYlohsHRtCd4ii1uC2+hA==');
  });

  it('recovers one file', async () => {
    api().put('/v2/meetings/81234567890/recordings/ed6c2f27/status', { action: 'recover' }).reply(204);
    await recoverRecording(bed().zoom, '81234567890', { fileId: 'ed6c2f27' });
  });
});

describe('gatherRecordings within a number of Zoom calls', () => {
  /** A Zoom client answering the users list and one recording per user and month, counting the calls. */
  function account(users: number) {
    const calls: string[] = [];
    const zoom = {
      async *paginate(req: { path: string; query?: Record<string, unknown> }) {
        calls.push(req.path);
        if (req.path === '/users') {
          yield { items: Array.from({ length: users }, (_, i) => ({ id: `u${i}`, email: `u${i}@example.com` })), nextPageToken: undefined };
          return;
        }
        const from = String(req.query?.from);
        yield { items: [{ uuid: `${req.path}-${from}`, id: '81234567890', topic: 't', start_time: `${from}T10:00:00Z`, recording_files: [] }], nextPageToken: undefined };
      },
    };
    return { zoom: zoom as never, calls };
  }
  const year = { f: '2025-12-02T00:00:00Z', t: '2026-12-02T12:00:00Z', z: 'UTC' };

  it('stops an export of 200 users over a year at EXPORT_ZOOM_CALLS, says it was cut, and keeps only whole users', async () => {
    const { zoom, calls } = account(200);
    const { recordings, truncated, cut } = await gatherRecordings(zoom, year, 100_000, undefined, EXPORT_ZOOM_CALLS);
    expect(calls).toHaveLength(EXPORT_ZOOM_CALLS);
    expect(truncated).toBe(true);
    // One call for the users, then 13 a user: 153 users whole, the 154th partly read and left out.
    expect(cut).toEqual({ calls: EXPORT_ZOOM_CALLS, usersRead: 153, users: 200 });
    expect(recordings).toHaveLength(153 * 13);
  });

  it('reads everything when the calls suffice', async () => {
    const { zoom, calls } = account(3);
    const { recordings, truncated, cut } = await gatherRecordings(zoom, year, 100_000, undefined, 40);
    expect(calls).toHaveLength(40);
    expect({ truncated, cut, count: recordings.length }).toEqual({ truncated: false, cut: undefined, count: 39 });
  });
});
