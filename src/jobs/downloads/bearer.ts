// Which bearer token a download sends to Zoom's `download_url`: the recording.completed webhook's download token while
// Zoom takes it (24 h), then the account's own access token, renewed once when Zoom answers 401 (redirects.ts).
import type { Services } from '../../services.js';

/** The bearer token for `download_url`, and a fresh one after Zoom answered 401. */
export interface BearerSource {
  current(): Promise<string>;
  /** A token to try instead of `rejected`, or undefined when there is none. */
  renew(rejected: string): Promise<string | undefined>;
}

/** The webhook's download token first; once Zoom rejects it, the account's own token, renewed as needed. */
export function bearerSource(services: Services, downloadToken?: string): BearerSource {
  let webhookToken = downloadToken;
  return {
    current: async () => webhookToken ?? services.zoom.accessToken(),
    renew: async (rejected) => {
      if (rejected === webhookToken) {
        webhookToken = undefined;
        return services.zoom.accessToken();
      }
      return services.zoom.renewAccessToken(rejected);
    },
  };
}
