// The undici client's response on its own, with a body stream the test drives: bytes that came before readBody()
// (while the `.part` was being opened) are handed over even when the connection was cut or the body ended meanwhile.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamedResponse } from '../../../../src/jobs/downloads/undici-client.js';
import { CollectingSink } from '../../../helpers/collecting-sink.js';

describe('StreamedResponse', () => {
  it('hands over the bytes that came before readBody(), then fails with the cut that came after them', async () => {
    const body = new PassThrough();
    const response = new StreamedResponse(200, { 'content-length': '10' }, body);
    const arrived = once(body, 'data');
    body.write('hello');
    await arrived;
    const closed = new Promise((resolve) => body.once('close', resolve));
    body.destroy(new Error('other side closed'));
    await closed;

    const sink = new CollectingSink();
    await expect(response.readBody(sink)).rejects.toThrow('other side closed');
    expect(sink.body).toBe('hello');
  });

  it('hands over a whole body that ended before readBody()', async () => {
    const body = new PassThrough();
    const response = new StreamedResponse(200, { 'content-length': '5' }, body);
    body.end('whole');
    await once(body, 'end');

    const sink = new CollectingSink();
    await response.readBody(sink);
    expect(sink.body).toBe('whole');
  });
});
