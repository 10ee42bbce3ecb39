// How times, durations and IDs read in Slack: in the reader's time zone, with the zone named.
import { DateTime } from 'luxon';

/** `Tue 1 Dec 2026, 15:00 CET` in the reader's zone; unparseable input is shown as given. */
export function formatTime(iso: string, zone: string): string {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) return iso;
  return formatDateTime(dt, zone);
}

export function formatDateTime(dt: DateTime, zone: string): string {
  const local = dt.setZone(zone).setLocale('en-GB');
  return `${local.toFormat('ccc d LLL yyyy, HH:mm')} ${zoneLabel(local, zone)}`;
}

/** `11:00 CET`: the time of day of an action, for "deleted by @ada at 11:00 CET". */
export function formatClock(dt: DateTime, zone: string): string {
  const local = dt.setZone(zone);
  return `${local.toFormat('HH:mm')} ${zoneLabel(local, zone)}`;
}

/**
 * `CET`, `EST`: Intl knows American abbreviations only in en-US and European ones only in en-GB, and gives
 * `GMT+3` elsewhere; then the zone itself is named so the reader is never left guessing.
 */
function zoneLabel(local: DateTime, zone: string): string {
  let offsetName = '';
  for (const locale of ['en-US', 'en-GB']) {
    offsetName = local.setLocale(locale).toFormat('ZZZZ');
    if (!/^(GMT|UTC)[+-]/.test(offsetName)) return offsetName;
  }
  return `${offsetName} (${zone})`;
}

/** `45 min`, `1 h`, `1 h 30 min`. */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * `223 B`, `50 KB`, `340.5 MB`, `1.2 GB`: the one way ZoomOps writes a size (alerts, lists, download progress and
 * summaries, jobs), in decimal units as Zoom's web portal shows them, so one file reads the same everywhere.
 */
export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${Math.max(0, Math.round(bytes))} B`;
}

/** `12.5 MB/s`: a transfer rate in the same units as sizes. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatSize(bytesPerSecond)}/s`;
}

/** Meeting IDs grouped the way Zoom prints them: `812 3456 7890`. */
export function formatMeetingId(id: string): string {
  if (!/^\d{9,12}$/.test(id)) return id;
  const groups: Record<number, number[]> = { 9: [3, 3, 3], 10: [3, 3, 4], 11: [3, 4, 4], 12: [4, 4, 4] };
  const sizes = groups[id.length] ?? [id.length];
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(id.slice(at, at + size));
    at += size;
  }
  return parts.join(' ');
}

/** Slack mrkdwn needs &, < and > escaped in text that came from elsewhere (topics, agendas). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `Webinar`, `Active`: a word of ours (a kind, a status) at the start of a title. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Cuts text to Slack's field limits without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const BAR_WIDTH = 20;

/** `▓▓▓▓▓░░░░░ 50 %`: a job's progress, readable in a notification; a screen reader reads the percentage. */
export function progressBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${Math.floor(ratio * 100)} %`;
}
