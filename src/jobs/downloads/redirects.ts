// The redirect and auth policy of one download request. Redirects are followed by hand (neither client follows them
// itself) so that every hop is an allowed host (hosts.ts) and the bearer token goes to Zoom's `download_url` only,
// never to the signed storage URL it redirects to; a 401 gets one more try with a fresh token (bearer.ts). Each answer
// is sorted here: the file (200/206), worth another attempt (5xx, 429, an expired signed URL), start over (416), or
// refused for good (an HTML page, a body without framing, 401 again, 404).
import type { ConnectionOptions } from 'node:tls';
import type { BearerSource } from './bearer.js';
import { DownloadRefusedError, StartOverError, TransientDownloadError } from './errors.js';
import type { DownloadHosts } from './hosts.js';
import { ConnectionCutError, get as http1Get, HttpProtocolError, type Http1Response, type HttpGet } from './http1.js';

/** Where a file comes from and how to ask for it. */
export interface DownloadSource {
  /** Zoom's `download_url`. */
  url: string;
  hosts: DownloadHosts;
  token: BearerSource;
  /** Stops at the next chunk: the `.part` keeps what arrived and a later call resumes from there. */
  signal?: AbortSignal;
  /** Extra TLS settings for the download hosts (tests trust their own certificate authority here). */
  tls?: ConnectionOptions;
  /** The HTTP client (httpClient()): http1.ts unless ZOOMOPS_DOWNLOAD_CLIENT says undici. */
  client?: HttpGet;
}

const MAX_REDIRECTS = 5;

/**
 * GETs the file from `onDisk` on, following redirects by hand: every hop must be an allowed host, and the token
 * goes only to the first one, Zoom's `download_url` (the signed storage URL needs none and must never see it).
 * `signal` is the request's own (the caller's and its idle timer); the caller's alone says a failure is our stop.
 */
export async function openDownload(source: DownloadSource, onDisk: number, signal: AbortSignal): Promise<Http1Response> {
  let url = new URL(source.url);
  let token = source.hosts.isZoom(url) ? await source.token.current() : undefined;
  let renewed = false;
  for (let hop = 0; ; ) {
    if (!source.hosts.allowed(url)) {
      const where = hop === 0 ? '' : ' (Zoom redirected there)';
      throw new DownloadRefusedError(
        `${url.host} is not an allowed download host${where}; add it to ZOOMOPS_DOWNLOAD_HOSTS if it is Zoom's storage`,
      );
    }
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (onDisk > 0) headers.range = `bytes=${onDisk}-`;
    if (hop === 0 && token) headers.authorization = `Bearer ${token}`;
    let response: Http1Response;
    try {
      response = await (source.client ?? http1Get)(url, { headers, signal, ...(source.tls ? { tls: source.tls } : {}) });
    } catch (error) {
      if (source.signal?.aborted) throw error;
      if (error instanceof HttpProtocolError) throw new TransientDownloadError(`${url.host}: ${error.message}`);
      throw new TransientDownloadError(error instanceof ConnectionCutError ? `${url.host} closed the connection` : `${url.host} could not be reached`);
    }
    const { status } = response;
    const location = response.headers.get('location');
    if (status >= 300 && status < 400 && location) {
      response.destroy();
      if (++hop > MAX_REDIRECTS) throw new DownloadRefusedError(`Zoom redirected more than ${MAX_REDIRECTS} times`);
      url = new URL(location, url);
      continue;
    }
    if (status === 401 && hop === 0 && token && !renewed) {
      // An expired access token, or a webhook download token past its 24 h: one more try with a fresh one.
      response.destroy();
      renewed = true;
      token = await source.token.renew(token);
      if (token) continue;
    }
    if (status === 200 || status === 206) return theFile(response, url);
    response.destroy();
    if (status === 416) {
      // The server no longer agrees with what is on disk: start the file over.
      throw new StartOverError('the server refused to resume (HTTP 416); starting over');
    }
    // 403 on storage is an expired signed URL: a new one comes from download_url on the next attempt.
    if (status >= 500 || status === 429 || (status === 403 && hop > 0) || status === 408) {
      throw new TransientDownloadError(`HTTP ${status} from ${url.host}`);
    }
    if (status === 401) throw new DownloadRefusedError('Zoom refused the download token (HTTP 401) even after a fresh one; check the app has the recording read scope');
    if (status === 404) throw new DownloadRefusedError('Zoom has no such file any more (HTTP 404); it may have been deleted');
    throw new DownloadRefusedError(`Zoom refused the download (HTTP ${status} from ${url.host})`);
  }
}

/** A 200 or 206 that may become the file: not a web page, and with a body whose end can be told from a cut. */
function theFile(response: Http1Response, url: URL): Http1Response {
  const type = response.headers.get('content-type') ?? '';
  if (/^text\/html/i.test(type.trim())) {
    response.destroy();
    // Zoom's way of saying "not allowed" with a 200 (docs/platform-facts.md, recording downloads): the page must never become the file.
    throw new DownloadRefusedError('Zoom answered with a web page instead of the file (usually a token without access to the recording); nothing was saved');
  }
  if (!response.delimited) {
    response.destroy();
    // Its end would be the connection's: a cut would look like a complete file (with no file_size to check it).
    throw new DownloadRefusedError(`${url.host} sent the file with neither a length nor chunked framing, so a cut could not be told from its end; nothing was saved`);
  }
  return response;
}
