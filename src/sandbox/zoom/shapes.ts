// How stored sandbox objects look on the wire, one function per Zoom object (meeting, registrant, recording, user…),
// shared by the REST answers and the webhook payloads so both always agree. Field names follow Zoom's OpenAPI.
import { createHmac } from 'node:crypto';
import type { SandboxContext } from './router.js';
import { occurrencesOf } from './schedule.js';
import {
  hostOf,
  type RecordingFile,
  type SandboxUser,
  type Session,
  type StoredPanelist,
  type StoredRecording,
  type StoredRegistrant,
} from './store.js';

export function displayName(user: SandboxUser): string {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** An item of `GET /users`. */
export function userSummary(user: SandboxUser): Record<string, unknown> {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: displayName(user),
    email: user.email,
    type: user.type,
    pmi: user.pmi,
    timezone: user.timezone,
    verified: 1,
    dept: user.dept,
    created_at: user.createdAt,
    user_created_at: user.createdAt,
    last_login_time: user.lastLoginTime,
    last_client_version: '6.2.5.41699(mac)',
    language: 'en-US',
    status: user.status,
    role_id: user.roleId,
    group_ids: [],
    im_group_ids: [],
  };
}

/** `GET /users/{userId}`. */
export function userDetail(ctx: SandboxContext, user: SandboxUser): Record<string, unknown> {
  return {
    ...userSummary(user),
    account_id: ctx.state.accountId,
    account_number: 10_009_239,
    role_name: user.roleName,
    use_pmi: false,
    personal_meeting_url: `${ctx.baseUrl()}/j/${user.pmi}`,
    jid: `${user.id.toLowerCase()}@xmpp.zoom.us`,
    phone_number: user.phone?.phoneNumber ?? '',
    cluster: 'us05',
    login_types: [100],
  };
}

export function joinUrl(ctx: SandboxContext, session: Session): string {
  return `${ctx.baseUrl()}/${session.kind === 'meeting' ? 'j' : 'w'}/${session.id}?pwd=${session.password}`;
}

/** The fields lists, GETs and webhooks share (Zoom truncates the agenda to 250 characters in lists). */
function sessionCore(session: Session): Record<string, unknown> {
  return {
    uuid: session.uuid,
    id: session.id,
    host_id: session.hostId,
    topic: session.topic,
    type: session.type,
    ...(session.startTime ? { start_time: session.startTime } : {}),
    duration: session.duration,
    timezone: session.timezone,
  };
}

/** An item of `GET /users/{userId}/meetings` or `/webinars`. */
export function sessionSummary(ctx: SandboxContext, session: Session): Record<string, unknown> {
  return {
    ...sessionCore(session),
    agenda: session.agenda.slice(0, 250),
    created_at: session.createdAt,
    join_url: joinUrl(ctx, session),
  };
}

/** `GET /meetings/{meetingId}` or `/webinars/{webinarId}`, also the 201 answer of a create. */
export function sessionDetail(ctx: SandboxContext, session: Session): Record<string, unknown> {
  const host = hostOf(ctx.state, session);
  const occurrences = occurrencesOf(session).filter((o) => o.status === 'available');
  const registration = session.settings.approval_type !== 2;
  const base = ctx.baseUrl();
  return {
    ...sessionCore(session),
    host_email: host.email,
    agenda: session.agenda,
    created_at: session.createdAt,
    ...(session.kind === 'meeting' ? { status: session.status } : {}),
    join_url: joinUrl(ctx, session),
    start_url: `${base}/s/${session.id}?zak=sandbox-host-key`,
    password: session.password,
    h323_password: '482913',
    pstn_password: '482913',
    encrypted_password: createHmac('sha256', 'pwd').update(session.password).digest('base64url').slice(0, 32),
    pre_schedule: false,
    creation_source: 'open_api',
    ...(registration ? { registration_url: `${base}/${session.kind}/register/${session.id}` } : {}),
    ...(occurrences.length > 0 ? { occurrences } : {}),
    ...(session.recurrence ? { recurrence: session.recurrence } : {}),
    settings: { ...session.settings, registration_type: session.settings.registration_type ?? 1 },
  };
}

/** The `object` of meeting.* and webinar.* webhooks. */
export function sessionEventObject(ctx: SandboxContext, session: Session): Record<string, unknown> {
  const occurrences = occurrencesOf(session)
    .filter((o) => o.status === 'available')
    .map(({ occurrence_id, start_time }) => ({ occurrence_id, start_time }));
  return { ...sessionCore(session), ...(occurrences.length > 0 ? { occurrences } : {}), join_url: joinUrl(ctx, session) };
}

export function registrantJoinUrl(ctx: SandboxContext, session: Session, registrant: StoredRegistrant): string {
  return `${joinUrl(ctx, session)}&tk=${registrant.id}`;
}

/** An item of `GET …/registrants`; only approved registrants have a join URL. */
export function registrantJson(ctx: SandboxContext, session: Session, registrant: StoredRegistrant): Record<string, unknown> {
  return {
    id: registrant.id,
    first_name: registrant.firstName,
    last_name: registrant.lastName,
    email: registrant.email,
    address: '',
    city: '',
    country: '',
    zip: '',
    state: '',
    phone: '',
    industry: '',
    org: '',
    job_title: '',
    purchasing_time_frame: '',
    role_in_purchase_process: '',
    no_of_employees: '',
    comments: '',
    custom_questions: [],
    status: registrant.status,
    create_time: registrant.createTime,
    ...(registrant.status === 'approved' ? { join_url: registrantJoinUrl(ctx, session, registrant) } : {}),
    participant_pin_code: registrant.pinCode,
  };
}

export function panelistJson(ctx: SandboxContext, session: Session, panelist: StoredPanelist): Record<string, unknown> {
  return {
    id: panelist.id,
    email: panelist.email,
    name: panelist.name,
    join_url: `${joinUrl(ctx, session)}&tk=${panelist.id}`,
  };
}

export function recordingFileJson(ctx: SandboxContext, recording: StoredRecording, file: RecordingFile): Record<string, unknown> {
  const base = ctx.baseUrl();
  return {
    id: file.id,
    meeting_id: recording.uuid,
    recording_start: file.start,
    recording_end: file.end,
    file_type: file.fileType,
    file_extension: file.fileExtension,
    file_size: file.content.length,
    play_url: `${base}/rec/play/${file.id}`,
    download_url: `${base}/rec/download/${file.id}`,
    status: 'completed',
    recording_type: file.recordingType,
    ...(file.deletedTime ? { deleted_time: file.deletedTime } : {}),
  };
}

/**
 * A recorded meeting as `GET /meetings/{id}/recordings` and the lists show it. `type` is a string there (Zoom's
 * OpenAPI: enum "1".."8") and a number in webhooks; `files` picks which files to show (the trash or the rest).
 */
export function recordingJson(
  ctx: SandboxContext,
  recording: StoredRecording,
  files: RecordingFile[],
  typeAs: 'string' | 'number' = 'string',
): Record<string, unknown> {
  const host = ctx.state.users.find((u) => u.id === recording.hostId);
  return {
    uuid: recording.uuid,
    id: recording.meetingId,
    account_id: ctx.state.accountId,
    host_id: recording.hostId,
    ...(host ? { host_email: host.email } : {}),
    topic: recording.topic,
    type: typeAs === 'string' ? String(recording.type) : recording.type,
    start_time: recording.startTime,
    timezone: recording.timezone,
    duration: recording.duration,
    total_size: files.reduce((sum, f) => sum + f.content.length, 0),
    recording_count: files.length,
    share_url: `${ctx.baseUrl()}/rec/share/${encodeURIComponent(recording.uuid)}`,
    password: recording.password,
    recording_play_passcode: createHmac('sha256', 'play').update(recording.uuid).digest('base64url').slice(0, 32),
    recording_files: files.map((file) => recordingFileJson(ctx, recording, file)),
  };
}
