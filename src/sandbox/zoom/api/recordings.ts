// Cloud recordings API of the sandbox: list a user's (from/to at most a month apart, or the trash), get one meeting's,
// trash or delete all or one file, recover; and the downloads: `download_url` needs the bearer token (or
// `access_token` in the query) and redirects (302) to a signed storage URL that serves the bytes without auth,
// honouring Range requests as a CDN does.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { bearerOf } from '../auth.js';
import { monthWindow, type Window } from '../dates.js';
import { chatLog, m4a, mp4, transcript } from '../files.js';
import { ZoomError, invalidToken, json, noContent, parseBody, validationFailed } from '../http.js';
import { LIST_300, paginate } from '../paging.js';
import { api, open, type Route, type SandboxContext } from '../router.js';
import { recordingJson } from '../shapes.js';
import { operatorFields } from '../events.js';
import {
  requireUser,
  zoomStyleId,
  zoomTime,
  type RecordingFile,
  type SandboxState,
  type StoredRecording,
} from '../store.js';

const SIGNED_URL_TTL_S = 300;
const noRecording = () => new ZoomError(404, 3301, 'There is no recording for this meeting.');

export interface RecordingInput {
  meetingId: number;
  uuid: string;
  hostId: string;
  topic: string;
  type: number;
  start: Date;
  /** Minutes. */
  duration: number;
  timezone: string;
  password: string;
  lines: Array<[speaker: string, text: string]>;
}

/** Files for one recorded instance: video, audio, transcript and chat, all with real bytes. */
export function createRecording(input: RecordingInput): StoredRecording {
  const start = zoomTime(input.start);
  const end = zoomTime(new Date(input.start.getTime() + input.duration * 60_000));
  const file = (kind: string, f: Omit<RecordingFile, 'id' | 'start' | 'end'>): RecordingFile => ({
    id: zoomStyleId(`file:${input.uuid}:${kind}`),
    start,
    end,
    ...f,
  });
  return {
    meetingId: input.meetingId,
    uuid: input.uuid,
    hostId: input.hostId,
    topic: input.topic,
    type: input.type,
    startTime: start,
    duration: input.duration,
    timezone: input.timezone,
    password: input.password,
    files: [
      file('mp4', { fileType: 'MP4', fileExtension: 'MP4', recordingType: 'shared_screen_with_speaker_view', contentType: 'video/mp4', content: mp4(input.uuid) }),
      file('m4a', { fileType: 'M4A', fileExtension: 'M4A', recordingType: 'audio_only', contentType: 'audio/mp4', content: m4a(input.uuid) }),
      file('vtt', { fileType: 'TRANSCRIPT', fileExtension: 'VTT', recordingType: 'audio_transcript', contentType: 'text/vtt', content: transcript(input.lines) }),
      file('chat', { fileType: 'CHAT', fileExtension: 'TXT', recordingType: 'chat_file', contentType: 'text/plain; charset=utf-8', content: chatLog(input.lines) }),
    ],
  };
}

export const visibleFiles = (recording: StoredRecording): RecordingFile[] =>
  recording.trashedAt ? [] : recording.files.filter((f) => !f.deletedTime);

/** By instance UUID, or the latest recorded instance of a meeting ID; trashed ones are not found. */
function findRecording(state: SandboxState, idOrUuid: string, includeTrash = false): StoredRecording | undefined {
  const candidates = state.recordings
    .filter((r) => r.uuid === idOrUuid || (/^\d+$/.test(idOrUuid) && r.meetingId === Number(idOrUuid)))
    .filter((r) => includeTrash || visibleFiles(r).length > 0)
    .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
  return candidates[0];
}

function emitRecording(ctx: SandboxContext, event: string, recording: StoredRecording, files: RecordingFile[]): void {
  const operator = event === 'recording.trashed' ? {} : operatorFields(ctx);
  ctx.webhooks.send({ event, payload: { ...operator, object: recordingJson(ctx, recording, files, 'number') } });
}

const DeleteAction = z.enum(['trash', 'delete']);
const RecoverBody = z.object({ action: z.literal('recover') });

function signature(secret: string, fileId: string, expires: string): string {
  return createHmac('sha256', secret).update(`${fileId}:${expires}`).digest('base64url');
}

function fileById(state: SandboxState, fileId: string): { recording: StoredRecording; file: RecordingFile } | undefined {
  for (const recording of state.recordings) {
    const file = recording.files.find((f) => f.id === fileId);
    if (file) return { recording, file };
  }
  return undefined;
}

interface FileAnswer {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  bytes: Buffer;
}

/** The bytes to send for a `Range: bytes=a-b` (one range; suffix and open ranges too), as Zoom's storage does. */
export function rangeOf(file: RecordingFile, filename: string, rangeHeader: string | undefined): FileAnswer {
  const total = file.content.length;
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'accept-ranges': 'bytes',
    'content-disposition': `attachment; filename="${filename}"`,
  };
  const range = rangeHeader ? /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim()) : undefined;
  if (!range) return { status: 200, headers, bytes: file.content };
  const [, first = '', last = ''] = range;
  // "bytes=-500" is the last 500 bytes; "bytes=100-" everything from byte 100.
  const start = first !== '' ? Number(first) : last !== '' ? Math.max(0, total - Number(last)) : total;
  const end = first !== '' && last !== '' ? Math.min(Number(last), total - 1) : total - 1;
  if (start >= total || start > end) {
    return { status: 416, headers: { ...headers, 'content-range': `bytes */${total}` }, bytes: Buffer.alloc(0) };
  }
  return {
    status: 206,
    headers: { ...headers, 'content-range': `bytes ${start}-${end}/${total}` },
    bytes: file.content.subarray(start, end + 1),
  };
}

export const recordingRoutes: Route[] = [
  api('GET', '/users/:userId/recordings', 'medium', (ctx, { params, query }) => {
    const user = requireUser(ctx.state, params.userId ?? '');
    const inTrash = query.trash === 'true';
    const mine = ctx.state.recordings.filter((r) => r.hostId === user.id);
    let listed: Array<{ recording: StoredRecording; files: RecordingFile[] }>;
    let range: Window | undefined;
    if (inTrash) {
      // The trash cannot be filtered by date (Zoom's rule).
      listed = mine
        .map((recording) => ({ recording, files: recording.trashedAt ? recording.files : recording.files.filter((f) => f.deletedTime) }))
        .filter(({ files }) => files.length > 0);
    } else {
      // Without dates Zoom lists today's recordings only (from today to tomorrow, UTC).
      const today = DateTime.fromJSDate(ctx.now(), { zone: 'UTC' }).startOf('day');
      const window = (range = monthWindow(query, { from: today, to: today.plus({ days: 1 }) }));
      listed = mine
        .filter((r) => Date.parse(r.startTime) >= window.fromMs && Date.parse(r.startTime) <= window.toMs)
        .map((recording) => ({ recording, files: visibleFiles(recording) }))
        .filter(({ files }) => files.length > 0);
    }
    if (query.meeting_id) listed = listed.filter(({ recording }) => String(recording.meetingId) === query.meeting_id);
    listed.sort((a, b) => Date.parse(b.recording.startTime) - Date.parse(a.recording.startTime));
    const page = paginate(listed, query, LIST_300, `/users/${user.id}/recordings`);
    return json({
      ...(range ? { from: range.from.toISODate(), to: range.to.toISODate() } : {}),
      ...page.fields,
      meetings: page.items.map(({ recording, files }) => recordingJson(ctx, recording, files)),
    });
  }),
  api('GET', '/meetings/:meetingId/recordings', 'light', (ctx, { params, query }) => {
    const recording = findRecording(ctx.state, params.meetingId ?? '');
    if (!recording) throw noRecording();
    const body = recordingJson(ctx, recording, visibleFiles(recording));
    if ((query.include_fields ?? '').split(',').includes('download_access_token')) {
      const ttl = Math.min(Math.max(Number(query.ttl ?? 86_400) || 86_400, 0), 604_800);
      body.download_access_token = ctx.tokens.issue(ttl);
    }
    return json(body);
  }),
  api('DELETE', '/meetings/:meetingId/recordings', 'light', (ctx, { params, query }) => {
    const action = DeleteAction.safeParse(query.action ?? 'trash');
    if (!action.success) throw validationFailed('action', 'must be trash or delete');
    const recording = findRecording(ctx.state, params.meetingId ?? '', action.data === 'delete');
    if (!recording) throw noRecording();
    const files = action.data === 'delete' ? recording.files : visibleFiles(recording);
    if (action.data === 'trash') {
      recording.trashedAt = zoomTime(ctx.now());
      emitRecording(ctx, 'recording.trashed', recording, files);
    } else {
      ctx.state.recordings.splice(ctx.state.recordings.indexOf(recording), 1);
      emitRecording(ctx, 'recording.deleted', recording, files);
    }
    return noContent();
  }),
  api('DELETE', '/meetings/:meetingId/recordings/:recordingId', 'light', (ctx, { params, query }) => {
    const action = DeleteAction.safeParse(query.action ?? 'trash');
    if (!action.success) throw validationFailed('action', 'must be trash or delete');
    const recording = findRecording(ctx.state, params.meetingId ?? '', true);
    const file = recording?.files.find((f) => f.id === params.recordingId);
    if (!recording || !file) throw noRecording();
    if (action.data === 'trash') {
      file.deletedTime = zoomTime(ctx.now());
      emitRecording(ctx, 'recording.trashed', recording, [file]);
    } else {
      recording.files.splice(recording.files.indexOf(file), 1);
      emitRecording(ctx, 'recording.deleted', recording, [file]);
    }
    return noContent();
  }),
  // Zoom's spec answers 200 (no body) here, not 204.
  api('PUT', '/meetings/:meetingId/recordings/status', 'light', (ctx, { params, body }) => {
    parseBody(body, RecoverBody);
    const recording = findRecording(ctx.state, params.meetingId ?? '', true);
    if (!recording) throw noRecording();
    recording.trashedAt = undefined;
    for (const file of recording.files) file.deletedTime = undefined;
    emitRecording(ctx, 'recording.recovered', recording, recording.files);
    return { status: 200 };
  }),
  open('GET', '/rec/download/:fileId', (ctx, { params, query, req }) => {
    const token = bearerOf(req) ?? query.access_token;
    if (!ctx.tokens.isValid(token)) throw invalidToken();
    const found = fileById(ctx.state, params.fileId ?? '');
    if (!found || found.recording.trashedAt || found.file.deletedTime) throw noRecording();
    const expires = String(Math.floor(Date.now() / 1000) + SIGNED_URL_TTL_S);
    const fileId = found.file.id;
    const location = `${ctx.baseUrl()}/rec/storage/${fileId}?Expires=${expires}&Signature=${signature(ctx.fileSecret, fileId, expires)}`;
    return { status: 302, headers: { location } };
  }),
  open('GET', '/rec/storage/:fileId', (ctx, { params, query, req, res }) => {
    const fileId = params.fileId ?? '';
    const expected = Buffer.from(signature(ctx.fileSecret, fileId, query.Expires ?? ''));
    const given = Buffer.from(query.Signature ?? '');
    const fresh = Number(query.Expires) * 1000 > Date.now();
    if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Request has expired or the signature is invalid</Message></Error>');
      return undefined;
    }
    const found = fileById(ctx.state, fileId);
    if (!found) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return undefined;
    }
    const filename = `${found.recording.topic.replace(/[^\w.-]+/g, '_')}.${found.file.fileExtension.toLowerCase()}`;
    const answer = rangeOf(found.file, filename, req.headers.range);
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.bytes.length) });
    res.end(answer.bytes);
    return undefined;
  }),
];
