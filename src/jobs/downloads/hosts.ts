// Which hosts a recording download may ever reach (ZOOMOPS_DOWNLOAD_HOSTS in docs/configuration.md): Zoom's own domains, the
// API host, and the operator's extra hosts; and which of them may see the bearer token (Zoom's only, first hop only).
import type { Config } from '../../config.js';

const ZOOM_DOMAINS = ['zoom.us', 'zoomgov.com'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface DownloadHosts {
  /** True when the URL may be fetched at all. */
  allowed(url: URL): boolean;
  /** True when the URL is Zoom's (where `download_url` lives), so the bearer token may go there. */
  isZoom(url: URL): boolean;
}

export function downloadHosts(config: Pick<Config, 'zoom' | 'recordings'>): DownloadHosts {
  const api = new URL(config.zoom.apiUrl);
  const extra = new Set(config.recordings.extraDownloadHosts.map((h) => h.toLowerCase()));
  const isZoomDomain = (host: string) => ZOOM_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
  const isZoom = (url: URL) => {
    const host = url.hostname.toLowerCase();
    return isZoomDomain(host) || url.host.toLowerCase() === api.host.toLowerCase();
  };
  // Cleartext only where the operator's own API URL uses it (sandbox, tests) or on this machine: a signed URL or a
  // token never crosses the network unencrypted.
  const schemeOk = (url: URL) =>
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (LOOPBACK.has(url.hostname.toLowerCase()) || (api.protocol === 'http:' && url.host === api.host)));
  return {
    isZoom,
    allowed: (url) => {
      if (!schemeOk(url) || url.username || url.password) return false;
      const host = url.hostname.toLowerCase();
      return isZoom(url) || extra.has(host) || extra.has(url.host.toLowerCase());
    },
  };
}
