// `/zoom recordings list|get|download|delete|recover` and their buttons (View, Download, Delete, Share to Slack,
// Next page, CSV). Downloads run as jobs (jobs/downloads); deletes always ask first; every write is audited.
import { z } from 'zod';
import { buttonValue, stringFlag } from './args.js';
import { audited, settle } from './audited.js';
import type { ActionDef, CommandDef } from './command.js';
import type { Invocation, ParsedCommand } from './context.js';
import { startExport } from './csv.js';
import { RecordingsListQuery } from '../jobs/exports/recordings.js';
import { CONFIRMATION_TTL_SECONDS, claimPending, stashPending } from './pending.js';
import { UsageError } from './errors.js';
import { parseEnum } from './values/enums.js';
import { parseWho } from './values/people-channels.js';
import { parseDate } from './values/times.js';
import { ShareFormMeta, openShareForm } from './share-recording.js';
import { resolveZoomUser } from './who.js';
import { ZOOM_CALLS_PER_REQUEST, callsLeft } from './zoom-budget.js';
import { DOWNLOAD_TYPES, type DownloadType } from '../jobs/downloads/data.js';
import { describeDownload, enqueueRecordingDownload } from '../jobs/downloads/enqueue.js';
import { textMessage } from '../views/blocks.js';
import { confirmationPrompt } from '../views/confirm.js';
import { escapeMrkdwn, formatMeetingId, formatTime } from '../views/format.js';
import {
  FORMER_RECORDING_ACTIONS,
  RECORDING_ACTIONS,
  formatSize,
  joinedDownloadText,
  meetingNameValue,
  recordingDetailMessage,
  recordingListMessage,
  type RecordingLine,
} from '../views/recordings.js';
import { DateTime } from 'luxon';
import { deleteRecording, gatherRecordings, getRecording, recoverRecording, totalSize, type Recording, type RecordingsCut } from '../zoom/recordings.js';

/** Lines per Slack page: one block each, well within a message's 50. */
const PAGE_SIZE = 20;
/** Days a list covers without --from (docs/command-grammar.md). */
const DEFAULT_DAYS = 30;
/** Meetings one list gathers; past it the admin narrows the range. */
const LIST_LIMIT = 5_000;
/**
 * How far back a list may start. Each month of each user is one Zoom call (Medium), so the look-back is what a
 * single command could cost the account's daily budget; a single older meeting is still found with `recordings get`.
 */
const RECORDINGS_LOOKBACK_MONTHS = 12;

const meetingIdArg = { name: 'meetingId', type: 'meetingId', allowUuid: true, example: '812 3456 7890' } as const;

const ListQuery = RecordingsListQuery;
type ListQuery = z.infer<typeof ListQuery>;
const ListPage = ListQuery.extend({ o: z.number().int().min(0) });

const MeetingRef = z.object({ meetingId: z.string().min(1), fileId: z.string().min(1).optional() });
/** The meeting's number and topic, which Download and Share buttons carry to name the job (views' meetingNameValue). */
const MeetingNameRef = z.object({ n: z.string().regex(/^\d{9,12}$/).optional(), t: z.string().max(200).optional() });
/** What a delete confirmation carries: the instance's UUID to delete, and the meeting's number and topic to name it. */
const DeleteRequest = MeetingRef.extend({ action: z.enum(['trash', 'delete']), ...MeetingNameRef.shape });
/** A Share to Slack button: the file, where the download was asked (`channel`, the alert's thread `th`), and its job `j`. */
const ShareRequest = MeetingRef.extend({
  fileId: z.string().min(1),
  channel: z.string().min(1),
  j: z.string().regex(/^dl-[0-9a-f]+$/).optional(),
  th: z.string().optional(),
  ...MeetingNameRef.shape,
});
/** A Download button: one file, the files of one type (a transcript alert's), or all of them. */
const DownloadRef = MeetingRef.extend({ type: z.enum(DOWNLOAD_TYPES).optional(), ...MeetingNameRef.shape });

export const recordingCommands: CommandDef[] = [
  {
    path: ['recordings', 'list'],
    usage: 'recordings list [--user <who> | --all] [--from <date>] [--to <date>] [--csv]',
    summary: 'Cloud recordings of one user (you by default) or of every user, newest first; the CSV comes in a DM.',
    example: 'recordings list --all --from -7d',
    access: 'read',
    args: {
      positionals: [],
      flags: {
        user: { type: 'string', example: 'jane@example.com' },
        all: { type: 'boolean' },
        from: { type: 'string', example: '-30d' },
        to: { type: 'string', example: 'yesterday' },
        csv: { type: 'boolean' },
      },
    },
    run: (inv, args) => listCommand(inv, args),
  },
  {
    path: ['recordings', 'get'],
    usage: 'recordings get <meetingId|uuid>',
    summary: "A meeting's recording files (the newest instance for a meeting ID) with Download and Delete buttons.",
    example: 'recordings get 812 3456 7890',
    access: 'read',
    args: { positionals: [meetingIdArg], flags: {} },
    run: async (inv, args) => inv.reply(await detailCard(inv, args.positionals[0]!)),
  },
  {
    path: ['recordings', 'download'],
    usage: 'recordings download <meetingId|uuid> [--file <fileId>] [--type mp4|m4a|transcript|chat|all] [--share]',
    summary: 'Download recording files to the bot\'s storage as a job, with progress in a DM; --share posts them here.',
    example: 'recordings download 812 3456 7890 --type mp4',
    access: 'write',
    args: {
      positionals: [meetingIdArg],
      flags: { file: { type: 'string' }, type: { type: 'string', choices: DOWNLOAD_TYPES }, share: { type: 'boolean' } },
    },
    run: async (inv, args) => {
      const type = parseEnum(stringFlag(args, 'type') ?? 'all', DOWNLOAD_TYPES, 'type');
      const fileId = stringFlag(args, 'file');
      if (fileId && type !== 'all') throw new UsageError('Give either --file or --type, not both: a file has one type already.');
      await inv.reply(textMessage(await startDownload(inv, { meetingId: args.positionals[0]!, fileId, type, share: args.flags.share === true })));
    },
  },
  {
    path: ['recordings', 'delete'],
    usage: 'recordings delete <meetingId|uuid> [--file <fileId>] [--permanently]',
    summary: 'Move recordings (or one file) to the trash, or delete them for good with --permanently; asks first.',
    example: 'recordings delete 812 3456 7890 --file ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8',
    access: 'write',
    args: { positionals: [meetingIdArg], flags: { file: { type: 'string' }, permanently: { type: 'boolean' } } },
    run: async (inv, args) => {
      const fileId = stringFlag(args, 'file');
      const action = args.flags.permanently === true ? 'delete' : 'trash';
      await inv.reply(await deletePrompt(inv, { meetingId: args.positionals[0]!, ...(fileId ? { fileId } : {}), action }));
    },
  },
  {
    path: ['recordings', 'recover'],
    usage: 'recordings recover <meetingId|uuid> [--file <fileId>]',
    summary: 'Take recordings (or one file) back from the trash, within Zoom\'s 30 days.',
    example: 'recordings recover 812 3456 7890',
    access: 'write',
    args: { positionals: [meetingIdArg], flags: { file: { type: 'string' } } },
    run: async (inv, args) => {
      const meetingId = args.positionals[0]!;
      const fileId = stringFlag(args, 'file');
      const what = describeTarget(meetingId, fileId);
      await audited(inv, `recovered ${what} from the trash`, () => recoverRecording(inv.services.zoom, meetingId, fileId ? { fileId } : {}));
      await inv.reply(textMessage(`:white_check_mark: Recovered ${what} from the trash.`));
    },
  },
];

// ---- list -------------------------------------------------------------------------------------------------

async function listCommand(inv: Invocation, args: ParsedCommand): Promise<void> {
  const who = stringFlag(args, 'user');
  const all = args.flags.all === true;
  if (all && who !== undefined) throw new UsageError('Give either --user or --all, not both.', { example: 'recordings list --all' });
  const range = listRange(inv, args);
  const user = all ? undefined : await resolveZoomUser(inv, parseWho(who ?? 'me'));
  const query: ListQuery = { ...range, ...(user ? { u: user.id } : {}), l: user ? user.email : 'every user' };
  if (args.flags.csv === true) await exportList(inv, query);
  else await showListPage(inv, { ...query, o: 0 });
}

/** --from/--to in the reader's zone: from the start of the --from day to the end of the --to day (or now). */
function listRange(inv: Invocation, args: ParsedCommand): Pick<ListQuery, 'f' | 't' | 'z'> {
  const zone = inv.person.tz;
  const now = inv.services.now().setZone(zone);
  const fromFlag = stringFlag(args, 'from');
  const toFlag = stringFlag(args, 'to');
  const from = fromFlag ? parseDate(fromFlag, { zone, now, flag: 'from' }) : now.minus({ days: DEFAULT_DAYS }).startOf('day');
  const toDay = toFlag ? parseDate(toFlag, { zone, now, flag: 'to' }).endOf('day') : now;
  const to = toDay > now ? now : toDay;
  if (from > to) {
    throw new UsageError(`--from ${from.toISODate()} is after --to ${to.toISODate()}: give the earlier day first.`, { example: '--from -14d --to yesterday' });
  }
  const oldest = now.minus({ months: RECORDINGS_LOOKBACK_MONTHS }).startOf('day');
  if (from < oldest) {
    throw new UsageError(
      `Recordings are listed for the last ${RECORDINGS_LOOKBACK_MONTHS} months at most (each month of each user is one Zoom call), ` +
        `so --from ${from.toISODate()} is too early: start on ${oldest.toISODate()} or later, e.g. --from -90d. ` +
        'An older meeting’s recordings are still shown by `recordings get <meetingId>`.',
      { example: '--from -90d' },
    );
  }
  return { f: from.toISO()!, t: to.toISO()!, z: zone };
}


function lineOf(r: Recording & { hostEmail?: string }): RecordingLine {
  return {
    uuid: r.uuid,
    meetingId: r.id,
    topic: r.topic,
    ...(r.start_time ? { startTime: r.start_time } : {}),
    files: r.recording_files.length,
    bytes: totalSize(r),
    ...(r.hostEmail ? { host: r.hostEmail } : {}),
  };
}

async function showListPage(inv: Invocation, at: z.infer<typeof ListPage>, opts: { replaceOriginal?: boolean } = {}): Promise<void> {
  const { recordings, truncated, cut } = await gatherRecordings(inv.services.zoom, at, LIST_LIMIT, undefined, callsLeft(inv.services.zoom));
  const page = recordings.slice(at.o, at.o + PAGE_SIZE);
  const query = ListQuery.parse(at);
  const more = at.o + PAGE_SIZE < recordings.length;
  const shown = `${at.o + 1}–${at.o + page.length} of ${recordings.length}${truncated ? '+' : ''}`;
  await inv.reply(
    recordingListMessage({
      title: `Cloud recordings of ${at.l}`,
      period: `${DateTime.fromISO(at.f, { zone: at.z }).toFormat('d LLL yyyy')} – ${DateTime.fromISO(at.t, { zone: at.z }).toFormat('d LLL yyyy')}${recordings.length > 0 ? ` · ${shown}` : ''}`,
      recordings: page.map(lineOf),
      ...(cut ? { note: cutNote(cut) } : {}),
      zone: inv.person.tz,
      ...(more ? { next: JSON.stringify({ ...query, o: at.o + PAGE_SIZE }) } : {}),
      csv: JSON.stringify(query),
    }),
    opts,
  );
}

/** What a list stopped by the Zoom call budget leaves out, and how to get the rest. */
function cutNote(cut: RecordingsCut): string {
  const read = cut.users === undefined ? 'before every user of the account was known' : `the recordings of ${cut.usersRead} of ${cut.users} users`;
  return (
    `:warning: Stopped after ${cut.calls} Zoom calls, the most one command or button may make (${ZOOM_CALLS_PER_REQUEST}): this shows ${read}. ` +
    'Narrow it with --user or a later --from, or get every one with --csv (a paced job, the file in your DM).'
  );
}

function exportList(inv: Invocation, query: ListQuery): Promise<void> {
  return startExport(inv, 'recordings', query, `the recordings of ${query.l}`);
}

// ---- get --------------------------------------------------------------------------------------------------

async function detailCard(inv: Invocation, meetingId: string, notice?: string) {
  const r = await getRecording(inv.services.zoom, meetingId);
  return recordingDetailMessage({
    uuid: r.uuid,
    meetingId: r.id,
    topic: r.topic,
    ...(r.start_time ? { startTime: r.start_time } : {}),
    files: r.recording_files
      .filter((f) => f.id)
      .map((f) => ({
        id: f.id!,
        fileType: f.file_type ?? 'FILE',
        ...(f.recording_type ? { recordingType: f.recording_type } : {}),
        ...(f.file_size !== undefined ? { bytes: f.file_size } : {}),
        ...(f.recording_start ? { start: f.recording_start } : {}),
        ...(f.recording_end ? { end: f.recording_end } : {}),
      })),
    zone: inv.person.tz,
    ...(notice ? { notice } : {}),
  });
}

// ---- download ---------------------------------------------------------------------------------------------

async function startDownload(
  inv: Invocation,
  req: { meetingId: string; fileId?: string; type?: DownloadType; share?: boolean; shareChannel?: string; originThreadTs?: string; n?: string; t?: string },
): Promise<string> {
  const shareChannel = req.shareChannel ?? (req.share ? inv.channelId : undefined);
  const request = {
    userId: inv.person.id,
    meetingId: req.meetingId,
    ...(req.fileId ? { fileId: req.fileId } : {}),
    type: req.type ?? 'all',
    ...(shareChannel ? { shareChannel } : {}),
    originChannel: inv.channelId,
    ...(req.originThreadTs ? { originThreadTs: req.originThreadTs } : {}),
  };
  const description = describeDownload(request, { ...(req.n ? { number: req.n } : {}), ...(req.t ? { topic: req.t } : {}) });
  const started = await enqueueRecordingDownload(inv.services, { ...request, description });
  // Joined a job already fetching these files: its progress is wherever that job shows it, not in a DM of this click.
  if (started.joined) return joinedDownloadText({ ...started, viewer: inv.person.id, command: inv.services.config.slack.command });
  const { jobId } = started;
  return `:hourglass_flowing_sand: Started job \`${jobId}\`: ${escapeMrkdwn(description)}. Progress and where the files land come in your DM with me; \`${inv.services.config.slack.command} jobs status ${jobId}\` shows where it is.`;
}

// ---- delete -----------------------------------------------------------------------------------------------

/** `the recordings of meeting 812 3456 7890`; with its topic and number known, `… of *Weekly sync* (812 3456 7890)`. */
function describeTarget(meetingId: string, fileId?: string, name: { n?: string; t?: string } = {}): string {
  // A confirmation deletes an instance by its UUID, which is no name for a person to read.
  const id = formatMeetingId(name.n ?? meetingId);
  const meeting = name.t ? `*${escapeMrkdwn(name.t)}* (${id})` : `meeting ${id}`;
  return fileId ? `recording file \`${escapeMrkdwn(fileId)}\` of ${meeting}` : `the recordings of ${meeting}`;
}

/**
 * The prompt names exactly what goes: a meeting ID means its newest recorded instance, which can change before the
 * click, so the instance is looked up now and its UUID is what the confirmation deletes.
 */
async function deletePrompt(inv: Invocation, req: z.infer<typeof DeleteRequest>) {
  const recording = await getRecording(inv.services.zoom, req.meetingId);
  const file = req.fileId ? recording.recording_files.find((f) => f.id === req.fileId) : undefined;
  if (req.fileId && !file) {
    throw new UsageError(`The recording of meeting ${formatMeetingId(req.meetingId)} has no file \`${escapeMrkdwn(req.fileId)}\`; \`${inv.services.config.slack.command} recordings get ${req.meetingId}\` lists its files.`);
  }
  const exact = { ...req, meetingId: recording.uuid, ...meetingNameValue({ number: recording.id, topic: recording.topic }) };
  const when = recording.start_time ? `, ${formatTime(recording.start_time, inv.person.tz)}` : '';
  const size = file ? formatSize(file.file_size ?? 0) : `${recording.recording_files.length} files, ${formatSize(totalSize(recording))}`;
  const what = `${req.fileId ? `file \`${escapeMrkdwn(req.fileId)}\` of ` : 'the recordings of '}*${escapeMrkdwn(recording.topic ?? 'the meeting')}* (${formatMeetingId(String(recording.id ?? req.meetingId))}${when}; ${size})`;
  return confirmationPrompt({
    question: req.action === 'delete' ? `Delete ${what} permanently?` : `Move ${what} to the trash?`,
    confirmLabel: req.action === 'delete' ? 'Delete permanently' : 'Move to trash',
    actionId: RECORDING_ACTIONS.confirmDelete,
    value: await stashPending(inv, 'recording-delete', exact, CONFIRMATION_TTL_SECONDS),
    note: req.action === 'delete' ? 'This cannot be undone.' : `Zoom keeps trashed recordings for 30 days; \`${inv.services.config.slack.command} recordings recover ${req.meetingId}\` brings them back.`,
  });
}

async function confirmDelete(inv: Invocation, req: z.infer<typeof DeleteRequest>): Promise<void> {
  const what = describeTarget(req.meetingId, req.fileId, req);
  const done = req.action === 'delete' ? `deleted ${what} permanently` : `moved ${what} to the trash`;
  await audited(inv, done, () =>
    deleteRecording(inv.services.zoom, req.meetingId, { action: req.action, ...(req.fileId ? { fileId: req.fileId } : {}) }),
  );
  await settle(inv, `:white_check_mark: <@${inv.person.id}> ${done}.`);
}

// ---- buttons ----------------------------------------------------------------------------------------------

export const recordingActions: ActionDef[] = [
  { actionId: RECORDING_ACTIONS.view, formerActionIds: [FORMER_RECORDING_ACTIONS.view], access: 'read', run: async (inv, value) => inv.reply(await detailCard(inv, buttonValue(MeetingRef, value).meetingId)) },
  {
    actionId: RECORDING_ACTIONS.download, formerActionIds: [FORMER_RECORDING_ACTIONS.download],
    access: 'write',
    run: async (inv, value) => {
      const ref = buttonValue(DownloadRef, value);
      // From an alert in a channel: Share to Slack will offer that alert's thread.
      await inv.reply(textMessage(await startDownload(inv, { ...ref, ...(inv.message ? { originThreadTs: inv.message.ts } : {}) })));
    },
  },
  {
    actionId: RECORDING_ACTIONS.delete, formerActionIds: [FORMER_RECORDING_ACTIONS.delete],
    access: 'write',
    run: async (inv, value) => inv.reply(await deletePrompt(inv, { ...buttonValue(MeetingRef, value), action: 'trash' })),
  },
  { actionId: RECORDING_ACTIONS.confirmDelete, formerActionIds: [FORMER_RECORDING_ACTIONS.confirmDelete], access: 'write', run: async (inv, value) => confirmDelete(inv, await claimPending(inv, 'recording-delete', value, DeleteRequest)) },
  {
    // Asks where first (share-recording.ts); the file is on the workers' storage, so a worker uploads it from there.
    actionId: RECORDING_ACTIONS.share, formerActionIds: [FORMER_RECORDING_ACTIONS.share],
    access: 'write',
    run: async (inv, value) => {
      const req = buttonValue(ShareRequest, value);
      // A summary from before buttons named their job: the old way, a download job that shares.
      if (!req.j) return inv.reply(textMessage(await startDownload(inv, { ...req, shareChannel: req.channel })));
      await openShareForm(inv, ShareFormMeta.parse({ j: req.j, f: req.fileId, m: req.meetingId, c: req.channel, ...(req.th ? { th: req.th } : {}) }));
    },
  },
  { actionId: RECORDING_ACTIONS.nextPage, formerActionIds: [FORMER_RECORDING_ACTIONS.nextPage], access: 'read', run: (inv, value) => showListPage(inv, buttonValue(ListPage, value), { replaceOriginal: true }) },
  { actionId: RECORDING_ACTIONS.csv, formerActionIds: [FORMER_RECORDING_ACTIONS.csv], access: 'read', run: (inv, value) => exportList(inv, buttonValue(ListQuery, value)) },
];

