// Slack mrkdwn links, `<target|label>`, whose target came from Zoom (join URLs, registrant emails). A `|`, `<` or `>`
// in the target would close the link early and let the rest pose as a label or a new link (`<!channel>`); `&` starts
// an entity. So targets are made inert here, and labels are escaped by the caller as any other text.
import { escapeMrkdwn } from './format.js';

/**
 * An http(s) URL fit to be a link target: `|<>` and white space percent-encoded, `&` written as `&amp;` (Slack reads
 * it back as `&`). Anything that is not an http(s) URL gives undefined: it is not shown as a link.
 */
export function urlTarget(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined;
  return url
    .replace(/\|/g, '%7C')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\s/g, (c) => encodeURIComponent(c))
    .replace(/&/g, '&amp;');
}

/** A URL shown as itself: an inert link target, the label escaped; not a link at all when it is no http(s) URL. */
export function shownLink(url: string): string {
  const target = urlTarget(url);
  return target ? `<${target}|${escapeMrkdwn(url)}>` : escapeMrkdwn(url);
}

/** A `mailto:` target: an address never holds `|<>&` or white space, so they are dropped rather than encoded. */
export function mailtoTarget(email: string): string {
  return `mailto:${email.replace(/[|<>&\s]/g, '')}`;
}

/**
 * A join URL as posted where many read it: without the embedded passcode (`pwd=`) unless asked, since anyone who
 * reads the channel could otherwise join without being invited.
 */
export function joinUrl(url: string, opts: { withPasscode?: boolean } = {}): string {
  if (opts.withPasscode || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('pwd')) return url;
  parsed.searchParams.delete('pwd');
  return parsed.href;
}
