// Paths under ZOOMOPS_RECORDINGS_DIR as a job's messages may show them: workers redact them before any text of a
// download (progress, summary, failure) reaches a channel others read. A helper of the jobs, not a view.
import { normalize, resolve, sep } from 'node:path';

/**
 * A text as the job owner's progress message may show it. In a channel others read (`inChannel`: a watch's automatic
 * download, maybe in a public channel) paths under ZOOMOPS_RECORDINGS_DIR are relative to it (`<folder>/<file>`) and
 * the directory itself goes by its setting's name, so the server's layout stays private; error texts too, which name
 * paths as written (absolute, or relative to the working directory when the setting is). The admin's own DM keeps
 * absolute paths.
 */
export function pathsShownTo(owner: { inChannel?: boolean | undefined }, dir: string, text: string): string {
  if (!owner.inChannel) return text;
  // The absolute form first: the relative one may be a tail of it.
  const forms = [...new Set([resolve(dir), normalize(dir).replace(/[\\/]+$/, '')])].filter((form) => form.length > 1);
  let shown = text;
  for (const form of forms) {
    // Only the directory itself, on path boundaries: `/srv/rec` is neither the start of `/srv/recordings-old/x` nor
    // the tail of `/mnt/srv/rec`. Followed by a separator it starts a path inside (shown relative to it); followed by
    // anything that cannot go on a file name (a quote, whitespace, a backtick, `:`, a full stop ending a sentence, the
    // end), it is the directory alone.
    const at = new RegExp(`(?<![${NAME_CHAR}.])${escapeRegExp(form)}(?:${escapeRegExp(sep)}|(?![${NAME_CHAR}]|\\.[${NAME_CHAR}.]))`, 'gu');
    shown = shown.replace(at, (found) => (found.endsWith(sep) ? '' : 'ZOOMOPS_RECORDINGS_DIR'));
  }
  return shown;
}

/** What a file or directory name goes on with (a `.` too, unless it ends a sentence). */
const NAME_CHAR = String.raw`\-\p{L}\p{N}_~`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
