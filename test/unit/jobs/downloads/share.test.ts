// Sharing a saved recording file into a channel: the upload's outcome is Slack's answer to the upload request. Pinned
// here with a scripted request (node:http mocked) so the order of events is exact: under load the connection was seen
// to close right after Slack's 200 and before the request's own 'finish', and the file was reported as not shared.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shareFileInChannel } from '../../../../src/jobs/downloads/share.js';

/** What the scripted connection does: answer 200 once it has the whole body and close before acknowledging the last
 * write, or be cut after the first write. */
const script = vi.hoisted(() => ({ mode: 'answer-then-close' as 'answer-then-close' | 'cut-before-answer', received: [] as Buffer[] }));

// The real ClientRequest over a scripted socket: only the connection is fake, so the request's events are Node's own.
vi.mock('node:http', async (importOriginal) => {
  const http = await importOriginal<typeof import('node:http')>();
  return {
    ...http,
    request: (url: URL, options: import('node:http').RequestOptions) => http.request(url, { ...options, createConnection: () => scriptedSocket() as never }),
  };
});

function scriptedSocket(): Duplex {
  let head = '';
  let bodyLeft: number | undefined;
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (script.mode === 'cut-before-answer') {
        socket.destroy(new Error('socket hang up'));
        return;
      }
      let body = chunk;
      if (bodyLeft === undefined) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return callback();
        bodyLeft = Number(/content-length: (\d+)/i.exec(head)![1]);
        body = Buffer.from(head.slice(end + 4), 'latin1');
      }
      script.received.push(body);
      bodyLeft -= body.length;
      if (bodyLeft > 0) return callback();
      // Every byte is here: Slack answers, and the connection closes before this last write is acknowledged.
      socket.push('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK');
      setImmediate(() => socket.destroy());
    },
  });
  return Object.assign(socket, { setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket, ref: () => socket, unref: () => socket });
}

function fakeSlack(): WebClient & { completed: unknown[] } {
  const completed: unknown[] = [];
  return {
    completed,
    files: {
      getUploadURLExternal: async () => ({ ok: true, file_id: 'F77', upload_url: 'http://files.slack.test/upload/F77' }),
      completeUploadExternal: async (args: unknown) => (completed.push(args), { ok: true }),
    },
  } as unknown as WebClient & { completed: unknown[] };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomops-share-'));
  script.received = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('shareFileInChannel', () => {
  it("counts a file as shared when Slack answered 200, even if the connection closes before the request's own finish", async () => {
    const path = join(dir, 'audio_only_F1.m4a');
    await writeFile(path, Buffer.from('recorded audio'));
    const slack = fakeSlack();
    script.mode = 'answer-then-close';

    await expect(shareFileInChannel(slack, 'CSHARE', { path, filename: 'audio_only_F1.m4a', title: 'Q/audio_only_F1.m4a' })).resolves.toBe('F77');

    expect(Buffer.concat(script.received).toString()).toBe('recorded audio');
    expect(slack.completed).toEqual([{ files: [{ id: 'F77', title: 'Q/audio_only_F1.m4a' }], channel_id: 'CSHARE' }]);
  });

  it('fails the share when the connection is cut before Slack answered, and never completes the upload', async () => {
    const path = join(dir, 'chat_file_F2.txt');
    await writeFile(path, Buffer.from('chat'));
    const slack = fakeSlack();
    script.mode = 'cut-before-answer';

    await expect(shareFileInChannel(slack, 'CSHARE', { path, filename: 'chat_file_F2.txt', title: 'Q/chat_file_F2.txt' })).rejects.toThrow('socket hang up');
    expect(slack.completed).toEqual([]);
  });
});
