// Block Kit for cloud recordings: the list (one line per meeting, View button), one meeting's files with Download and
// Delete buttons, and the download job's progress message and summary (with Share to Slack buttons).
import type { Button, KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { csvButton } from './csv.js';
import { escapeMrkdwn, formatMeetingId, formatTime, formatRate, formatSize, progressBar, truncate } from './format.js';

/**
 * Action IDs, in the bot's one style `<resource>.<what>[.<step>]`. `download` is also the Download button of the
 * recording alerts (views/alerts.ts); `open` is their "Open in Zoom" link button.
 */
export const RECORDING_ACTIONS = {
  view: 'recordings.view',
  download: 'recordings.download',
  delete: 'recordings.delete',
  confirmDelete: 'recordings.delete.confirm',
  share: 'recordings.share',
  nextPage: 'recordings.list.next',
  csv: 'recordings.list.csv',
  open: 'recordings.open',
} as const;

/**
 * The IDs these buttons were posted with until the style was unified (`recordings_download` …). A button already
 * in a channel or DM keeps its action_id forever, so the app keeps answering these (commands/register.ts);
 * never reuse them for something else.
 */
export const FORMER_RECORDING_ACTIONS: Record<keyof typeof RECORDING_ACTIONS, string> = {
  view: 'recordings_view',
  download: 'recordings_download',
  delete: 'recordings_delete',
  confirmDelete: 'recordings_delete_confirm',
  share: 'recordings_share',
  nextPage: 'recordings_next',
  csv: 'recordings_csv',
  open: 'recordings_open',
};

/** Slack's limit for one uploaded file. */
export const SLACK_FILE_MAX_BYTES = 1_000_000_000;

// Kept importable from here for the download job; the one definition is in format.ts.
export { formatSize };

/**
 * The value of a Download button: `{"meetingId": "<uuid or id>"}`, plus `fileId` for one file or `type` for the files
 * of one type (`transcript` on a transcript alert); neither means every file.
 */
export function downloadButtonValue(meetingId: string, only: { fileId?: string; type?: string } = {}, meeting: MeetingName = {}): string {
  return JSON.stringify({ meetingId, ...(only.fileId ? { fileId: only.fileId } : {}), ...(only.type ? { type: only.type } : {}), ...meetingNameValue(meeting) });
}

/** What a download is called by: the meeting's topic and number, which a button carries so the job need not ask Zoom. */
export interface MeetingName {
  /** The meeting's number (ID), not its instance UUID. */
  number?: string | number;
  topic?: string;
}

/** `n` and `t` of a button value: the number when it is one, the topic within Zoom's 200 characters. */
export function meetingNameValue(meeting: MeetingName): { n?: string; t?: string } {
  const number = meeting.number === undefined ? undefined : String(meeting.number);
  return {
    ...(number && /^\d{9,12}$/.test(number) ? { n: number } : {}),
    ...(meeting.topic ? { t: truncate(meeting.topic, 200) } : {}),
  };
}

// ---- list --------------------------------------------------------------------------------------------------

export interface RecordingLine {
  uuid: string;
  meetingId: string;
  topic: string;
  startTime?: string;
  files: number;
  bytes: number;
  /** Whose recording, in the --all list. */
  host?: string;
}

export interface RecordingListView {
  title: string;
  period: string;
  recordings: RecordingLine[];
  zone: string;
  /** Value of the Next page button, when there is more. */
  next?: string;
  /** Value of the CSV button. */
  csv?: string;
  /** What the list leaves out (it stopped at the Zoom call budget), said under the title. */
  note?: string;
}

export function recordingListMessage(view: RecordingListView): SlackMessage {
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(view.title)}* · ${escapeMrkdwn(view.period)}`)];
  if (view.note) blocks.push(context(view.note));
  if (view.recordings.length === 0) {
    blocks.push(section('No cloud recordings in this period.'));
  }
  for (const r of view.recordings) {
    const start = r.startTime ? formatTime(r.startTime, view.zone) : 'start unknown';
    const host = r.host ? ` · ${escapeMrkdwn(r.host)}` : '';
    const line = `*${escapeMrkdwn(truncate(r.topic || 'Untitled', 120))}* (${formatMeetingId(r.meetingId)})\n${start} · ${r.files} file${r.files === 1 ? '' : 's'} · ${formatSize(r.bytes)}${host}`;
    blocks.push(section(line, button('View', RECORDING_ACTIONS.view, JSON.stringify({ meetingId: r.uuid }))));
  }
  const more: Button[] = [];
  if (view.next) more.push(button('Next page', RECORDING_ACTIONS.nextPage, view.next));
  if (view.csv) more.push(csvButton(RECORDING_ACTIONS.csv, view.csv));
  if (more.length > 0) blocks.push(actions('recordings_list', more));
  const count = view.recordings.length;
  return { text: `${escapeMrkdwn(view.title)}: ${count} recording${count === 1 ? '' : 's'} shown`, blocks };
}

// ---- one meeting -------------------------------------------------------------------------------------------

export interface RecordingFileLine {
  id: string;
  fileType: string;
  recordingType?: string;
  bytes?: number;
  start?: string;
  end?: string;
}

export interface RecordingDetailView {
  uuid: string;
  meetingId: string;
  topic: string;
  startTime?: string;
  files: RecordingFileLine[];
  zone: string;
  notice?: string;
}

// Two blocks a file and a few around them stay within a message's 50 blocks.
const MAX_FILES_SHOWN = 22;

export function recordingDetailMessage(view: RecordingDetailView): SlackMessage {
  const start = view.startTime ? formatTime(view.startTime, view.zone) : 'start unknown';
  const total = view.files.reduce((sum, f) => sum + (f.bytes ?? 0), 0);
  const blocks: KnownBlock[] = [];
  if (view.notice) blocks.push(section(view.notice));
  blocks.push(
    section(
      `*${escapeMrkdwn(view.topic || 'Untitled')}* (${formatMeetingId(view.meetingId)})\n${start} · ${view.files.length} file${view.files.length === 1 ? '' : 's'} · ${formatSize(total)}`,
    ),
    context(`Instance UUID \`${escapeMrkdwn(view.uuid)}\``),
  );
  for (const file of view.files.slice(0, MAX_FILES_SHOWN)) {
    const kind = file.recordingType ? `${file.fileType} · ${file.recordingType.replace(/_/g, ' ')}` : file.fileType;
    const size = file.bytes === undefined ? 'size unknown' : formatSize(file.bytes);
    blocks.push(section(`*${escapeMrkdwn(kind)}*\n${size} · ${fileDuration(file)}`));
    blocks.push(
      actions(`file_${file.id}`.slice(0, 255), [
        button('Download', RECORDING_ACTIONS.download, downloadButtonValue(view.uuid, { fileId: file.id }, { number: view.meetingId, topic: view.topic })),
        button('Delete', RECORDING_ACTIONS.delete, JSON.stringify({ meetingId: view.uuid, fileId: file.id }), { style: 'danger' }),
      ]),
    );
  }
  if (view.files.length > MAX_FILES_SHOWN) blocks.push(context(`${view.files.length - MAX_FILES_SHOWN} more files are not shown; Download all takes them too.`));
  if (view.files.length === 0) blocks.push(section('No files can be downloaded yet (Zoom may still be processing them).'));
  blocks.push(
    actions('recording_all', [
      button('Download all', RECORDING_ACTIONS.download, downloadButtonValue(view.uuid, {}, { number: view.meetingId, topic: view.topic }), { style: 'primary' }),
      button('Delete all', RECORDING_ACTIONS.delete, JSON.stringify({ meetingId: view.uuid }), { style: 'danger' }),
    ]),
  );
  return { text: `Recording of ${escapeMrkdwn(view.topic || 'a meeting')}: ${view.files.length} files, ${formatSize(total)}`, blocks };
}

function fileDuration(file: RecordingFileLine): string {
  if (!file.start || !file.end) return 'duration unknown';
  const seconds = DateTime.fromISO(file.end).diff(DateTime.fromISO(file.start), 'seconds').seconds;
  if (!Number.isFinite(seconds) || seconds < 0) return 'duration unknown';
  return formatSeconds(seconds);
}

/** `1:02:03`, `4:05`. */
export function formatSeconds(total: number): string {
  const s = Math.round(total);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

// ---- the download job --------------------------------------------------------------------------------------

export interface DownloadProgressView {
  jobId: string;
  description: string;
  state: 'queued' | 'running' | 'stopping';
  done?: number;
  total?: number;
  /** Bytes a second over this run. */
  rate?: number;
  /** File n of m, and its name. */
  file?: { index: number; count: number; name: string };
}

export function downloadProgressMessage(view: DownloadProgressView): SlackMessage {
  const head = `:arrow_down: *${escapeMrkdwn(view.description)}* · job \`${view.jobId}\``;
  if (view.state === 'queued' || view.total === undefined) {
    return { text: `${escapeMrkdwn(view.description)}: waiting for a worker`, blocks: [section(`${head}\nWaiting for a worker…`)] };
  }
  const done = view.done ?? 0;
  const rate = view.rate && view.rate > 0 ? formatRate(view.rate) : '– MB/s';
  const eta = view.rate && view.rate > 0 ? `ETA ${formatSeconds((view.total - done) / view.rate)}` : 'ETA –';
  const file = view.file ? `\nFile ${view.file.index} of ${view.file.count}: \`${escapeMrkdwn(view.file.name)}\`` : '';
  const figures = `\`${progressBar(done, view.total)}\`\n${formatSize(done)} / ${formatSize(view.total)} · ${rate} · ${eta}${file}`;
  const stopping = view.state === 'stopping' ? '\n_The worker is stopping; another one resumes from the bytes on disk._' : '';
  return { text: `${escapeMrkdwn(view.description)}: ${formatSize(done)} of ${formatSize(view.total)}`, blocks: [section(`${head}\n${figures}${stopping}`)] };
}

export interface SavedFileLine {
  id: string;
  name: string;
  path: string;
  bytes: number;
  /** Where it was shared, if it was. */
  sharedIn?: string;
}

export interface DownloadSummaryView {
  jobId: string;
  description: string;
  saved: SavedFileLine[];
  failures: Array<{ name: string; reason: string }>;
  cancelledBy?: string;
  /** The meeting instance, for the Share to Slack buttons. */
  meetingUuid: string;
  /** The meeting's number and topic, carried by the Share to Slack buttons to name the job they start. */
  meeting?: MeetingName;
  /** Where Share to Slack posts: the channel the download was asked for in. */
  shareChannel?: string;
  /** The alert the download was started from: Share to Slack offers its thread. */
  shareThread?: string;
  /** Seconds the transfer took, and bytes fetched (a resume fetches less than the files' size). */
  seconds?: number;
  fetched?: number;
}

export function downloadSummaryMessage(view: DownloadSummaryView): SlackMessage {
  const icon = view.cancelledBy ? ':no_entry_sign:' : view.failures.length > 0 ? ':warning:' : ':white_check_mark:';
  const outcome = view.cancelledBy
    ? `cancelled by <@${view.cancelledBy}>`
    : `${view.saved.length} file${view.saved.length === 1 ? '' : 's'} saved${view.failures.length ? `, ${view.failures.length} failed` : ''}`;
  const speed =
    view.seconds && view.fetched ? ` in ${formatSeconds(view.seconds)} (${formatRate(view.fetched / Math.max(view.seconds, 0.001))})` : '';
  const blocks: KnownBlock[] = [section(`${icon} *${escapeMrkdwn(view.description)}* · job \`${view.jobId}\`: ${outcome}${speed}`)];
  for (const file of view.saved.slice(0, 20)) {
    const where = `\`${escapeMrkdwn(file.path)}\` · ${formatSize(file.bytes)}`;
    const shared = file.sharedIn ? ` · shared in <#${file.sharedIn}>` : '';
    const canShare = !file.sharedIn && file.bytes <= SLACK_FILE_MAX_BYTES && view.shareChannel;
    const share = canShare
      ? button('Share to Slack', RECORDING_ACTIONS.share, JSON.stringify({ meetingId: view.meetingUuid, fileId: file.id, channel: view.shareChannel, j: view.jobId, ...(view.shareThread ? { th: view.shareThread } : {}), ...meetingNameValue(view.meeting ?? {}) }))
      : undefined;
    const tooBig = file.bytes > SLACK_FILE_MAX_BYTES ? ' · over Slack\'s 1 GB limit, so it stays on disk' : '';
    blocks.push(section(`Saved ${where}${shared}${tooBig}`, share));
  }
  for (const failure of view.failures.slice(0, 20)) {
    blocks.push(section(`:x: \`${escapeMrkdwn(failure.name)}\`: ${escapeMrkdwn(failure.reason)}`));
  }
  return { text: `${escapeMrkdwn(view.description)}: ${outcome}`, blocks };
}

/**
 * In a channel that watches with --download but has no progress message of its own: the one automatic download is
 * under way in another channel's thread, or the files were already being fetched by a job an admin started, whose
 * progress only that admin sees (in their DM).
 */
export function autoDownloadNote(view: { jobId: string; progressChannel?: string; startedBy?: string; command: string }): SlackMessage {
  const text = view.startedBy
    ? `:arrow_down: These files are already being downloaded as job \`${view.jobId}\`, started by <@${view.startedBy}>; nothing is fetched twice, and \`${view.command} jobs status ${view.jobId}\` shows where it is.`
    : `:arrow_down: Downloading automatically as job \`${view.jobId}\`${view.progressChannel ? `; its progress and where the files land are in the thread of this alert in <#${view.progressChannel}>` : ''}.`;
  return { text, blocks: [section(text)] };
}

/**
 * The answer to a Download click or command that joined a job already fetching the same files: which job, who or
 * what started it, and where its progress shows (a watch's automatic download: the alert's thread in a channel; one
 * started by hand: that admin's DM).
 */
export function joinedDownloadText(view: { jobId: string; viewer: string; startedBy?: string; progressChannel?: string; command: string }): string {
  const where = view.progressChannel
    ? `, the automatic download of a recordings watch: its progress and where the files land are in the thread of the alert in <#${view.progressChannel}>`
    : view.startedBy === view.viewer
      ? ', which you started: its progress and where the files land are in your DM with me'
      : view.startedBy
        ? `, started by <@${view.startedBy}>: its progress and where the files land are in their DM with me`
        : '';
  return `:arrow_down: These files are already being downloaded as job \`${view.jobId}\`${where}. Nothing is fetched twice; \`${view.command} jobs status ${view.jobId}\` shows where it is.`;
}
