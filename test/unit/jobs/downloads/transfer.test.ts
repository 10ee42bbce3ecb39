// The file transfer against a local fake of Zoom's download host and storage: exact bytes, Range resume, the token
// kept from the storage host, refusals (hosts, HTML pages, sizes, disk space, symlinks, bodies without framing) that
// never leave a finished-looking file. Every test runs with both HTTP clients (undici, the default, and http1.ts).
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { lstat, mkdir, mkdtemp, open, type FileHandle, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { downloadHosts } from '../../../../src/jobs/downloads/hosts.js';
import { get as http1Get, type HttpGet } from '../../../../src/jobs/downloads/http1.js';
import { get as undiciGet } from '../../../../src/jobs/downloads/undici-client.js';
import type { BearerSource } from '../../../../src/jobs/downloads/bearer.js';
import { DownloadRefusedError, DownloadStoppedError } from '../../../../src/jobs/downloads/errors.js';
import { downloadFile, type TransferOptions } from '../../../../src/jobs/downloads/transfer.js';
import { FileServer, fileBytes } from '../../../helpers/file-server.js';

const server = new FileServer();
const tlsCert = readFileSync(new URL('../../../fixtures/tls/localhost.crt', import.meta.url));
let dir: string;
/** Where a planted symlink points: outside the recordings folder. */
let outside: string;
let client: HttpGet;

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(async () => {
  server.reset();
  dir = await mkdtemp(join(tmpdir(), 'zoomops-transfer-'));
  outside = await mkdtemp(join(tmpdir(), 'zoomops-outside-'));
  return async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  };
});

function fixedToken(token = 'zoom-token'): BearerSource & { renewed: string[] } {
  const renewed: string[] = [];
  return { renewed, current: async () => token, renew: async (rejected) => (renewed.push(rejected), undefined) };
}

function options(over: Partial<TransferOptions> & { url: string; destination: string }): TransferOptions {
  return {
    hosts: downloadHosts({
      zoom: { apiUrl: `${server.zoomOrigin}/v2` } as never,
      recordings: { dir, downloadConcurrency: 2, extraDownloadHosts: ['localhost'] },
    }),
    token: fixedToken(),
    sleep: async () => undefined,
    root: dir,
    client,
    ...over,
  };
}

/** Opens the file as asked, with a write that always fails as a full disk does. */
async function fullDisk(path: string, flags: number): Promise<FileHandle> {
  const handle = await open(path, flags);
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  return Object.assign(Object.create(handle) as FileHandle, { write: () => Promise.reject(full), stat: () => handle.stat(), close: () => handle.close() });
}

const storageRequests = () => server.seen.filter((r) => r.path.startsWith('/storage/'));
const downloadRequests = () => server.seen.filter((r) => r.path.startsWith('/rec/download/'));

describe.each([
  ['undici', undiciGet],
  ['http1', http1Get],
])('downloadFile with %s', (_name, get) => {
  beforeEach(() => {
    client = get;
  });

  it('streams the file to its final name with the exact size and bytes, the token going to Zoom only', async () => {
    const content = fileBytes(300_000);
    server.files.set('F1', content);
    const destination = join(dir, 'meeting', 'shared_screen_F1.mp4');
    const progress: number[] = [];

    const result = await downloadFile(options({ url: server.downloadUrl('F1'), destination, expectedSize: content.length, onProgress: (n) => progress.push(n) }));

    expect(result).toEqual({ bytes: 300_000, resumedFrom: 0, fetched: 300_000, alreadyThere: false });
    expect((await readFile(destination)).equals(content)).toBe(true);
    expect(existsSync(`${destination}.part`)).toBe(false);
    expect(progress.at(-1)).toBe(300_000);
    expect(downloadRequests().map((r) => r.headers.authorization)).toEqual(['Bearer zoom-token']);
    expect(storageRequests()).toHaveLength(1);
    expect(storageRequests()[0]!.host).toBe(`localhost:${server.port}`);
    expect(storageRequests()[0]!.headers.authorization).toBeUndefined();
    expect(storageRequests()[0]!.headers.range).toBeUndefined();
  });

  it('resumes from the bytes in the .part with a Range request and ends byte-exact', async () => {
    const content = fileBytes(200_000);
    server.files.set('F2', content);
    const destination = join(dir, 'f2.mp4');
    await writeFile(`${destination}.part`, content.subarray(0, 123_456));

    const result = await downloadFile(options({ url: server.downloadUrl('F2'), destination, expectedSize: content.length }));

    expect(result).toMatchObject({ resumedFrom: 123_456, fetched: 200_000 - 123_456 });
    expect(downloadRequests()[0]!.headers.range).toBe('bytes=123456-');
    expect(storageRequests()[0]!.headers.range).toBe('bytes=123456-');
    expect((await readFile(destination)).equals(content)).toBe(true);
  });

  it('resumes after the connection is cut mid-file, asking only for the missing bytes', async () => {
    const content = fileBytes(250_000);
    server.files.set('F3', content);
    server.behaviour.storageFaults = [{ cutAfter: 100_000 }];
    const destination = join(dir, 'f3.mp4');

    const result = await downloadFile(options({ url: server.downloadUrl('F3'), destination, expectedSize: content.length }));

    expect(storageRequests().map((r) => r.headers.range)).toEqual([undefined, 'bytes=100000-']);
    expect(result.fetched).toBe(250_000);
    expect((await readFile(destination)).equals(content)).toBe(true);
  });

  it('starts over when the storage ignores Range and sends the whole file', async () => {
    const content = fileBytes(50_000);
    server.files.set('F4', content);
    server.behaviour.ignoreRange = true;
    const destination = join(dir, 'f4.mp4');
    await writeFile(`${destination}.part`, content.subarray(0, 10_000));

    await downloadFile(options({ url: server.downloadUrl('F4'), destination, expectedSize: content.length }));

    expect((await readFile(destination)).equals(content)).toBe(true);
  });

  it('after a 401 asks for a fresh token and retries once with it', async () => {
    server.files.set('F5', fileBytes(10_000));
    server.behaviour.tokens = ['fresh-token'];
    const renewed: string[] = [];
    const token: BearerSource = { current: async () => 'expired-token', renew: async (t) => (renewed.push(t), 'fresh-token') };
    const destination = join(dir, 'f5.mp4');

    await downloadFile(options({ url: server.downloadUrl('F5'), destination, expectedSize: 10_000, token }));

    expect(renewed).toEqual(['expired-token']);
    expect(downloadRequests().map((r) => r.headers.authorization)).toEqual(['Bearer expired-token', 'Bearer fresh-token']);
    expect(existsSync(destination)).toBe(true);
  });

  it('refuses an HTML page served with 200 and saves nothing', async () => {
    server.files.set('F6', fileBytes(10_000));
    server.behaviour.html200 = true;
    const destination = join(dir, 'f6.mp4');

    const attempt = downloadFile(options({ url: server.downloadUrl('F6'), destination, expectedSize: 10_000 }));

    await expect(attempt).rejects.toThrow(DownloadRefusedError);
    await expect(attempt).rejects.toThrow(/web page instead of the file/);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('refuses a download URL on a host that is not allowed, without any request', async () => {
    const destination = join(dir, 'f7.mp4');
    const attempt = downloadFile(options({ url: 'https://files.example.com/rec/download/F7', destination, expectedSize: 10 }));
    await expect(attempt).rejects.toThrow('files.example.com is not an allowed download host; add it to ZOOMOPS_DOWNLOAD_HOSTS');
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a redirect to a host that is not allowed, and sends no token there', async () => {
    server.files.set('F8', fileBytes(10));
    server.behaviour.redirectTo = `http://127.0.0.2:${server.port}/storage/F8`;
    const destination = join(dir, 'f8.mp4');

    const attempt = downloadFile(options({ url: server.downloadUrl('F8'), destination, expectedSize: 10 }));

    await expect(attempt).rejects.toThrow(`127.0.0.2:${server.port} is not an allowed download host (Zoom redirected there)`);
    expect(storageRequests()).toHaveLength(0);
    expect(existsSync(destination)).toBe(false);
  });

  it('never renames the .part when the size does not match file_size', async () => {
    server.files.set('F9', fileBytes(10_000));
    const destination = join(dir, 'f9.mp4');

    const attempt = downloadFile(options({ url: server.downloadUrl('F9'), destination, expectedSize: 12_000 }));

    await expect(attempt).rejects.toThrow('Zoom announced 10000 bytes where the recording\'s file_size says 12000; nothing was saved');
    expect(existsSync(destination)).toBe(false);
  });

  it('keeps the .part, unrenamed, when the connection keeps failing', async () => {
    const content = fileBytes(100_000);
    server.files.set('F10', content);
    server.behaviour.storageFaults = [{ cutAfter: 30_000 }, { cutAfter: 0 }, { cutAfter: 0 }];
    const destination = join(dir, 'f10.mp4');

    const attempt = downloadFile(options({ url: server.downloadUrl('F10'), destination, expectedSize: content.length, maxAttempts: 2 }));

    await expect(attempt).rejects.toThrow(/kept failing/);
    expect(existsSync(destination)).toBe(false);
    expect((await readFile(`${destination}.part`)).equals(content.subarray(0, 30_000))).toBe(true);
  });

  it('fails with the disk\'s own error when writes fail while more of the body keeps arriving, and renames nothing', async () => {
    // A disk that refuses every write (ENOSPC); 8 MiB is more than the writer lets wait for the disk, so batches are
    // still queued behind the failed one when it fails.
    const content = fileBytes(8 * 1_048_576);
    server.files.set('F11', content);
    const destination = join(dir, 'f11.mp4');
    const attempt = downloadFile(
      options({ url: server.downloadUrl('F11'), destination, expectedSize: content.length, maxAttempts: 2, openPart: fullDisk }),
    );

    await expect(attempt).rejects.toThrow(`the download kept failing (writing ${destination}.part failed (ENOSPC))`);
    expect(existsSync(destination)).toBe(false);
    expect(storageRequests()).toHaveLength(2);
  });

  it('stops at a chunk when told to, keeps the .part, and a later call finishes the file', async () => {
    const content = fileBytes(400_000);
    server.files.set('F11', content);
    server.behaviour.storageFaults = [{ stallAfter: 150_000 }];
    const destination = join(dir, 'f11.mp4');
    const stop = new AbortController();

    const first = downloadFile(options({ url: server.downloadUrl('F11'), destination, expectedSize: content.length, signal: stop.signal }));
    // Stalled with 150,000 bytes sent: once they are on disk, stop (as a shutdown would).
    while ((await stat(`${destination}.part`).catch(() => undefined))?.size !== 150_000) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await expect(first).rejects.toThrow(DownloadStoppedError);
    expect(existsSync(destination)).toBe(false);
    const kept = await readFile(`${destination}.part`);
    expect(kept.equals(content.subarray(0, 150_000))).toBe(true);

    const second = await downloadFile(options({ url: server.downloadUrl('F11'), destination, expectedSize: content.length }));
    expect(second.resumedFrom).toBe(kept.length);
    expect(storageRequests().at(-1)!.headers.range).toBe(`bytes=${kept.length}-`);
    expect((await readFile(destination)).equals(content)).toBe(true);
  });

  it('writes nothing more once mayWrite says no (a lost lock): the .part keeps exactly its bytes and the call stops', async () => {
    const content = fileBytes(600_000);
    server.files.set('F14', content);
    const destination = join(dir, 'f14.mp4');
    await writeFile(`${destination}.part`, content.subarray(0, 123_456));

    const attempt = downloadFile(options({ url: server.downloadUrl('F14'), destination, expectedSize: content.length, mayWrite: () => false }));

    await expect(attempt).rejects.toThrow(DownloadStoppedError);
    expect((await readFile(`${destination}.part`)).equals(content.subarray(0, 123_456))).toBe(true);
    expect(existsSync(destination)).toBe(false);
    // Stopped, not retried: another job may be writing this file now.
    expect(storageRequests()).toHaveLength(1);
  });

  /**
   * Starts a resume of a 10,000-byte file from 5,000 bytes on disk whose body stalls after 1,000 more, and calls
   * `stop` while the writer holds those 1,000 bytes: with the batch timer faked, they wait for the disk until the stop.
   * The wait is proven by the shutdown test below, which finds the 1,000 bytes on disk only if they were held.
   */
  async function stopWhileBytesWait(id: string, stop: AbortController, mayWrite: () => boolean): Promise<{ content: Buffer; part: string; attempt: Promise<unknown> }> {
    const content = fileBytes(10_000);
    server.files.set(id, content);
    server.behaviour.storageFaults = [{ stallAfter: 1_000 }];
    const destination = join(dir, `${id}.mp4`);
    await writeFile(`${destination}.part`, content.subarray(0, 5_000));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const attempt = downloadFile(options({ url: server.downloadUrl(id), destination, expectedSize: content.length, signal: stop.signal, mayWrite }));
    attempt.catch(() => undefined);
    // The batch timer (BATCH_HOLD_MS, 250) the writer starts with the first bytes it holds; counting timers would not
    // do, the HTTP client may have its own.
    const fake = globalThis.setTimeout;
    let holding = false;
    globalThis.setTimeout = ((callback: () => void, ms?: number) => ((holding ||= ms === 250), fake(callback, ms))) as typeof setTimeout;
    onTestFinished(() => {
      globalThis.setTimeout = fake;
      vi.useRealTimers();
    });
    while (!holding) await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    return { content, part: `${destination}.part`, attempt };
  }

  it('drops the bytes it holds when the lock is lost meanwhile, and stops as for a lost lock', async () => {
    const lost = new AbortController();

    const { content, part, attempt } = await stopWhileBytesWait('F15', lost, () => !lost.signal.aborted);

    await expect(attempt).rejects.toThrow(DownloadStoppedError);
    expect((await readFile(part)).equals(content.subarray(0, 5_000))).toBe(true);
  });

  it('does not rename the finished .part when the lock was lost after its last write', async () => {
    const content = fileBytes(30_000);
    server.files.set('F17', content);
    const destination = join(dir, 'f17.mp4');
    let lost = false;

    const attempt = downloadFile(
      options({
        url: server.downloadUrl('F17'),
        destination,
        expectedSize: content.length,
        mayWrite: () => !lost,
        // The last byte is on disk: the lock goes now, before the rename.
        onProgress: (onDisk) => (lost = onDisk === content.length),
      }),
    );

    await expect(attempt).rejects.toThrow(DownloadStoppedError);
    expect(existsSync(destination)).toBe(false);
    expect((await readFile(`${destination}.part`)).equals(content)).toBe(true);
  });

  it('at a shutdown or cancel still writes the bytes it holds, the lock being held: the resume starts after them', async () => {
    const shutdown = new AbortController();

    const { content, part, attempt } = await stopWhileBytesWait('F16', shutdown, () => true);

    await expect(attempt).rejects.toThrow(DownloadStoppedError);
    await expect(attempt).rejects.toMatchObject({ bytesOnDisk: 6_000 });
    expect((await readFile(part)).equals(content.subarray(0, 6_000))).toBe(true);
  });

  it('refuses to start when the disk has less free space than the file needs', async () => {
    server.files.set('F12', fileBytes(10_000));
    const destination = join(dir, 'f12.mp4');

    const attempt = downloadFile(options({ url: server.downloadUrl('F12'), destination, expectedSize: 5_000_000, freeSpace: async () => 1_048_576 }));

    await expect(attempt).rejects.toThrow(`not enough disk space in ${dir}: the file needs 4.8 MB more and 1.0 MB is free`);
    expect(server.seen).toHaveLength(0);
  });

  it('a body of several batches with a pause longer than the batch hold arrives byte-exact in one request', async () => {
    // 5 MiB: more than the writer's buffers hold; the pause lets the hold timer hand a part-filled batch to the disk
    // while the socket's next read is already aimed at it.
    const content = fileBytes(5 * 1_048_576);
    server.files.set('F18', content);
    server.behaviour.storageFaults = [{ pauseAfter: 1_500_000, pauseMs: 400 }];
    const destination = join(dir, 'f18.mp4');

    const result = await downloadFile(options({ url: server.downloadUrl('F18'), destination, expectedSize: content.length }));

    expect(result.fetched).toBe(content.length);
    expect(storageRequests()).toHaveLength(1);
    expect((await readFile(destination)).equals(content)).toBe(true);
  });

  it('fails with the progress callback\'s own error, not as a network cut, when that callback throws', async () => {
    // Larger than one batch: the callback throws while the body is still arriving.
    server.files.set('F19', fileBytes(8 * 1_048_576));
    const destination = join(dir, 'f19.mp4');

    const attempt = downloadFile(
      options({
        url: server.downloadUrl('F19'),
        destination,
        expectedSize: 8 * 1_048_576,
        onProgress: () => {
          throw new Error('progress broke');
        },
      }),
    );

    await expect(attempt).rejects.toThrow('progress broke');
    expect(storageRequests()).toHaveLength(1);
    expect(existsSync(destination)).toBe(false);
  });

  it('downloads over TLS from a host whose certificate it trusts, a chunked body arriving byte-exact', async () => {
    const content = fileBytes(700_000);
    const tls = createHttpsServer({ key: readFileSync(new URL('../../../fixtures/tls/localhost.key', import.meta.url)), cert: tlsCert }, (_req, res) => {
      // No Content-Length: node sends the body chunked, in pieces of uneven size.
      res.writeHead(200, { 'content-type': 'video/mp4' });
      for (let at = 0; at < content.length; at += 77_777) res.write(content.subarray(at, at + 77_777));
      res.end();
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => tls.close(() => resolve())));
    const { port } = tls.address() as AddressInfo;
    const destination = join(dir, 'tls.mp4');

    const result = await downloadFile(options({ url: `https://localhost:${port}/storage/T1`, destination, expectedSize: content.length, tls: { ca: tlsCert } }));

    expect(result).toMatchObject({ bytes: content.length, fetched: content.length });
    expect((await readFile(destination)).equals(content)).toBe(true);
  });

  it('saves an empty recording file (file_size 0) as an empty file', async () => {
    server.files.set('E0', Buffer.alloc(0));
    const destination = join(dir, 'empty.txt');

    const result = await downloadFile(options({ url: server.downloadUrl('E0'), destination, expectedSize: 0 }));

    expect(result).toMatchObject({ bytes: 0, alreadyThere: false });
    expect((await stat(destination)).size).toBe(0);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('does nothing for a file already downloaded whole', async () => {
    const destination = join(dir, 'f13.mp4');
    await writeFile(destination, fileBytes(1_000));
    const result = await downloadFile(options({ url: server.downloadUrl('F13'), destination, expectedSize: 1_000 }));
    expect(result.alreadyThere).toBe(true);
    expect(server.seen).toHaveLength(0);
  });

  describe('a body whose end is not told by its framing (no file_size from Zoom)', () => {
    /** A storage host that answers every request with `head` and `body`, then closes the connection. */
    async function rawStorage(head: string, body: Buffer): Promise<string> {
      const raw = createNetServer((socket) => {
        let request = '';
        socket.on('data', (data) => {
          request += data.toString('latin1');
          if (request.includes('\r\n\r\n')) socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
        });
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
      onTestFinished(() => new Promise<void>((resolve) => raw.close(() => resolve())));
      return `http://localhost:${(raw.address() as AddressInfo).port}/storage/C1`;
    }

    it('refuses a close-delimited body cut short, and saves nothing', async () => {
      const url = await rawStorage('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\n\r\n', fileBytes(5_000));
      const destination = join(dir, 'close.mp4');

      const attempt = downloadFile(options({ url, destination }));

      await expect(attempt).rejects.toThrow(DownloadRefusedError);
      await expect(attempt).rejects.toThrow(/neither a length nor chunked framing, so a cut could not be told from its end; nothing was saved/);
      expect(existsSync(destination)).toBe(false);
    });

    it('never saves a chunked body cut before its last chunk', async () => {
      const url = await rawStorage('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ntransfer-encoding: chunked\r\n\r\n', Buffer.from('1388\r\n' + 'x'.repeat(5_000) + '\r\n'));
      const destination = join(dir, 'chunked-cut.mp4');

      const attempt = downloadFile(options({ url, destination, maxAttempts: 2 }));

      await expect(attempt).rejects.toThrow(/kept failing/);
      expect(existsSync(destination)).toBe(false);
    });
  });

  describe('symlinks planted in the recordings folder', () => {
    const victimText = 'a file the bot must never write';
    async function victim(): Promise<string> {
      const path = join(outside, 'victim.txt');
      await writeFile(path, victimText);
      return path;
    }

    it('refuses a .part that is a symlink, writing nothing through it', async () => {
      server.files.set('S1', fileBytes(20_000));
      const target = await victim();
      const destination = join(dir, 's1.mp4');
      await symlink(target, `${destination}.part`);

      const attempt = downloadFile(options({ url: server.downloadUrl('S1'), destination, expectedSize: 20_000 }));

      await expect(attempt).rejects.toThrow(`${destination}.part is not a regular file (a symlink or a folder was put there); nothing was written through it`);
      expect(await readFile(target, 'utf8')).toBe(victimText);
      expect(existsSync(destination)).toBe(false);
      expect(storageRequests()).toHaveLength(0);
    });

    it('refuses a meeting folder that is a symlink to elsewhere, creating and writing nothing there', async () => {
      server.files.set('S2', fileBytes(20_000));
      await symlink(outside, join(dir, 'meeting'));
      const destination = join(dir, 'meeting', 'sub', 's2.mp4');

      const attempt = downloadFile(options({ url: server.downloadUrl('S2'), destination, expectedSize: 20_000 }));

      await expect(attempt).rejects.toThrow(`${join(dir, 'meeting')} is not a folder`);
      expect(existsSync(join(outside, 'sub'))).toBe(false);
      expect(storageRequests()).toHaveLength(0);
    });

    it('never reports a symlink at the final name as already saved', async () => {
      const target = await victim();
      const destination = join(dir, 's3.txt');
      await symlink(target, destination);

      const attempt = downloadFile(options({ url: server.downloadUrl('S3'), destination, expectedSize: victimText.length }));

      await expect(attempt).rejects.toThrow(`${destination} is not a regular file`);
      expect(await readlink(destination)).toBe(target);
      expect(await readFile(target, 'utf8')).toBe(victimText);
    });

    it('refuses a destination outside the recordings folder', async () => {
      const destination = join(outside, 'elsewhere.mp4');
      const attempt = downloadFile(options({ url: server.downloadUrl('S4'), destination, expectedSize: 10 }));
      await expect(attempt).rejects.toThrow(`${outside} is outside ${dir}; nothing was written`);
      expect(server.seen).toHaveLength(0);
    });

    it('does not follow a symlink planted as the .part right before it is opened, new or resumed', async () => {
      const content = fileBytes(30_000);
      server.files.set('S5', content);
      const target = await victim();
      const plantFirst = async (path: string, flags: number) => {
        await rm(path, { force: true });
        await symlink(target, path);
        return open(path, flags);
      };
      const fresh = join(dir, 's5.mp4');
      const resumed = join(dir, 's5-resumed.mp4');
      await writeFile(`${resumed}.part`, content.subarray(0, 1_000));

      for (const destination of [fresh, resumed]) {
        const attempt = downloadFile(options({ url: server.downloadUrl('S5'), destination, expectedSize: content.length, openPart: plantFirst }));
        await expect(attempt).rejects.toThrow(`${destination}.part is not a regular file`);
        expect((await lstat(`${destination}.part`)).isSymbolicLink()).toBe(true);
        expect(existsSync(destination)).toBe(false);
      }
      expect(await readFile(target, 'utf8')).toBe(victimText);
    });

    it('still downloads into a recordings folder that is itself a symlink (the admin\'s choice)', async () => {
      server.files.set('S6', fileBytes(5_000));
      const real = join(outside, 'recordings');
      await mkdir(real);
      const linked = join(dir, 'linked-root');
      await symlink(real, linked);
      const destination = join(linked, 'meeting', 's6.mp4');

      await downloadFile(options({ url: server.downloadUrl('S6'), destination, expectedSize: 5_000, root: linked }));

      expect((await stat(join(real, 'meeting', 's6.mp4'))).size).toBe(5_000);
    });
  });
});
