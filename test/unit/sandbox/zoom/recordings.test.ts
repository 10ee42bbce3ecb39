// Cloud recordings in the sandbox: lists within a month, double-encoded UUIDs, trash and recover, and downloads that
// need the token, redirect to a signed URL and honour Range.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadHosts } from '../../../../src/jobs/downloads/hosts.js';
import { downloadFile } from '../../../../src/jobs/downloads/transfer.js';
import { ADMIN_EMAIL } from '../../../../src/sandbox/zoom/seed.js';
import { sessionId, useSandbox } from './harness.js';

const t = useSandbox();
const RETRO_UUID = '/Zx9kQ2m//R8aFYtpLb3wQ==';
const twice = (value: string) => encodeURIComponent(encodeURIComponent(value));
const admin = encodeURIComponent(ADMIN_EMAIL);

describe('listing recordings', () => {
  it("lists a month of the host's recordings, newest first, with real file sizes", async () => {
    const answer = await t.call('GET', `/users/${admin}/recordings?from=2025-02-20&to=2025-03-12`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ from: '2025-02-20', to: '2025-03-12', total_records: 2, next_page_token: '' });
    expect(answer.body.meetings.map((m: { topic: string }) => m.topic)).toEqual(['Sprint retro', 'All-hands']);
    const [retro] = answer.body.meetings;
    expect(typeof retro.id).toBe('number');
    expect(retro.recording_files.map((f: { file_type: string }) => f.file_type)).toEqual(['MP4', 'M4A', 'TRANSCRIPT', 'CHAT']);
    expect(retro.total_size).toBe(retro.recording_files.reduce((n: number, f: { file_size: number }) => n + f.file_size, 0));
  });

  it('refuses a range over a month', async () => {
    const answer = await t.call('GET', `/users/${admin}/recordings?from=2025-01-01&to=2025-03-12`);
    expect(answer).toMatchObject({ status: 400, body: { code: 300 } });
  });

  it('finds a recording by a double-encoded UUID that starts with "/" and contains "//"', async () => {
    const answer = await t.call('GET', `/meetings/${twice(RETRO_UUID)}/recordings`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ uuid: RETRO_UUID, topic: 'Sprint retro', id: sessionId(t.sandbox, 'Sprint retro') });
    expect((await t.call('GET', '/meetings/9999/recordings')).body).toEqual({ code: 3301, message: 'There is no recording for this meeting.' });
  });

  it('moves a recording to the trash (204) and recovers it (200)', async () => {
    const id = sessionId(t.sandbox, 'All-hands');
    expect((await t.call('DELETE', `/meetings/${id}/recordings?action=trash`)).status).toBe(204);
    expect((await t.call('GET', `/meetings/${id}/recordings`)).status).toBe(404);
    const trash = await t.call('GET', `/users/${admin}/recordings?trash=true`);
    expect(trash.body.meetings.map((m: { topic: string }) => m.topic)).toEqual(expect.arrayContaining(['All-hands', 'Old product demo']));
    expect((await t.call('PUT', `/meetings/${id}/recordings/status`, { body: { action: 'recover' } })).status).toBe(200);
    expect((await t.call('GET', `/meetings/${id}/recordings`)).status).toBe(200);
  });
});

describe('downloading a recording file', () => {
  async function mp4Url(): Promise<{ url: string; size: number }> {
    const answer = await t.call('GET', `/meetings/${twice(RETRO_UUID)}/recordings`);
    const file = answer.body.recording_files.find((f: { file_type: string }) => f.file_type === 'MP4');
    return { url: file.download_url, size: file.file_size };
  }

  it('refuses the download URL without a token', async () => {
    const { url } = await mp4Url();
    const answer = await t.call('GET', url, { token: null });
    expect(answer).toMatchObject({ status: 401, body: { code: 124 } });
  });

  it('redirects (302) with the bearer token to a signed URL that serves the bytes without auth', async () => {
    const { url, size } = await mp4Url();
    const redirect = await t.call('GET', url);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${t.sandbox.url}/rec/storage/.+Signature=`));
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('honours Range on the signed URL (206, Content-Range) and refuses a bad signature', async () => {
    const { url, size } = await mp4Url();
    const location = (await t.call('GET', url)).headers.get('location') ?? '';
    const part = await fetch(location, { headers: { range: 'bytes=100-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-${size - 1}/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(size - 100);
    const beyond = await fetch(location, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect((await fetch(location.replace(/Signature=[^&]+/, 'Signature=forged'))).status).toBe(403);
  });

  it("is what the bot's own download client fetches whole: token, redirect, the signed URL's bytes", async () => {
    const { url, size } = await mp4Url();
    const dir = await mkdtemp(join(tmpdir(), 'zoomops-sandbox-download-'));
    try {
      const destination = join(dir, 'retro.mp4');
      const result = await downloadFile({
        url,
        destination,
        expectedSize: size,
        hosts: downloadHosts({ zoom: { apiUrl: t.sandbox.apiUrl } as never, recordings: { dir, downloadConcurrency: 1, extraDownloadHosts: [] } }),
        token: { current: async () => t.token, renew: async () => undefined },
      });
      expect(result).toMatchObject({ bytes: size, fetched: size });
      const direct = Buffer.from(await (await fetch((await t.call('GET', url)).headers.get('location')!)).arrayBuffer());
      expect((await readFile(destination)).equals(direct)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('also takes the token as access_token in the query', async () => {
    const { url } = await mp4Url();
    const answer = await t.call('GET', `${url}?access_token=${t.token}`, { token: null });
    expect(answer.status).toBe(302);
  });
});
