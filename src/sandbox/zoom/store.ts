// The sandbox's in-memory Zoom account: users, meetings and webinars, registrants, panelists, recordings, phone calls,
// Team Chat and sign-in activity, plus the lookups every API area shares (by ID, email or instance UUID).
import { createHash } from 'node:crypto';
import { ZoomError, userNotFound } from './http.js';

export type SessionKind = 'meeting' | 'webinar';

export interface PhoneLine {
  extensionId: string;
  extensionNumber: number;
  phoneNumber: string;
}

export interface SandboxUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** 1 basic, 2 licensed. */
  type: 1 | 2;
  status: 'active' | 'inactive' | 'pending';
  roleId: string;
  roleName: string;
  dept: string;
  timezone: string;
  createdAt: string;
  lastLoginTime: string;
  pmi: number;
  /** Has the Webinar add-on: without it Zoom refuses every webinar call for this host. */
  webinar: boolean;
  phone?: PhoneLine;
}

export interface Recurrence {
  /** 1 daily, 2 weekly, 3 monthly. */
  type: 1 | 2 | 3;
  repeat_interval: number;
  weekly_days?: string;
  monthly_day?: number;
  end_times?: number;
  end_date_time?: string;
}

export interface SessionSettings {
  /** 0 automatic, 1 manual, 2 no registration. */
  approval_type: 0 | 1 | 2;
  registration_type?: 1 | 2 | 3;
  host_video: boolean;
  participant_video: boolean;
  join_before_host: boolean;
  waiting_room: boolean;
  mute_upon_entry: boolean;
  auto_recording: 'local' | 'cloud' | 'none';
  alternative_hosts: string;
}

export interface Session {
  kind: SessionKind;
  id: number;
  /** The current instance; a new one is minted when an instance ends. */
  uuid: string;
  hostId: string;
  topic: string;
  /** Meetings: 1 instant, 2 scheduled, 3 recurring no fixed time, 8 recurring fixed time; webinars: 5, 6, 9. */
  type: number;
  /** `yyyy-MM-ddTHH:mm:ssZ`; none for recurring sessions without a fixed time. */
  startTime?: string;
  duration: number;
  timezone: string;
  agenda: string;
  password: string;
  createdAt: string;
  settings: SessionSettings;
  recurrence?: Recurrence;
  /** Occurrence IDs (epoch ms strings) deleted one by one. */
  deletedOccurrences: string[];
  status: 'waiting' | 'started';
  /** When the last instance ended; a scheduled meeting that has ended is a "previous" meeting. */
  endedAt?: string;
}

export type RegistrantStatus = 'approved' | 'pending' | 'denied';

export interface StoredRegistrant {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  status: RegistrantStatus;
  createTime: string;
  pinCode: number;
}

export interface StoredPanelist {
  id: string;
  email: string;
  name: string;
}

export interface RecordingFile {
  id: string;
  fileType: 'MP4' | 'M4A' | 'TRANSCRIPT' | 'CHAT';
  fileExtension: 'MP4' | 'M4A' | 'VTT' | 'TXT';
  recordingType: string;
  start: string;
  end: string;
  contentType: string;
  content: Buffer;
  /** Set while the file is in the trash. */
  deletedTime?: string;
}

/** The cloud recording of one meeting instance. */
export interface StoredRecording {
  meetingId: number;
  uuid: string;
  hostId: string;
  topic: string;
  type: number;
  startTime: string;
  duration: number;
  timezone: string;
  password: string;
  files: RecordingFile[];
  /** Set while the whole recording is in the trash. */
  trashedAt?: string;
}

export interface CallRecord {
  /** `call_history_uuid`. */
  uuid: string;
  callId: string;
  direction: 'inbound' | 'outbound';
  connectType: 'internal' | 'external';
  startTime: string;
  answerTime?: string;
  endTime: string;
  /** Seconds. */
  duration: number;
  result: 'answered' | 'voicemail' | 'hang_up' | 'canceled';
  caller: CallParty;
  callee: CallParty;
  recorded: boolean;
}

export interface CallParty {
  /** The Zoom user on an extension; absent for outside numbers. */
  userId?: string;
  name: string;
  phoneNumber: string;
  extensionNumber?: number;
  extensionId?: string;
  email?: string;
}

export interface ChatChannel {
  id: string;
  jid: string;
  name: string;
  /** 1 private, 2 private with external members, 3 public, 4 group chat, 5 announcement. */
  type: number;
  memberIds: string[];
}

export interface ChatMessage {
  id: string;
  senderId: string;
  channelId?: string;
  toContact?: string;
  message: string;
  dateTime: string;
}

export interface SignInActivity {
  email: string;
  time: string;
  type: 'Sign in' | 'Sign out';
  clientType: string;
  version: string;
  ipAddress: string;
}

export interface WebhookDelivery {
  event: string;
  at: string;
  /** HTTP status from the bot, or the reason nothing was delivered. */
  outcome: string;
}

export interface SandboxState {
  accountId: string;
  users: SandboxUser[];
  sessions: Map<number, Session>;
  /** Meetings and webinars deleted through the API, kept for `PUT …/status {action:'recover'}`. */
  deletedSessions: Map<number, Session>;
  registrants: Map<number, StoredRegistrant[]>;
  panelists: Map<number, StoredPanelist[]>;
  recordings: StoredRecording[];
  calls: CallRecord[];
  channels: ChatChannel[];
  messages: ChatMessage[];
  activities: SignInActivity[];
  /** The last deliveries, newest last, for the console panel. */
  webhookLog: WebhookDelivery[];
  /** Makes every generated ID unique and deterministic. */
  sequence: number;
}

export function emptyState(accountId: string): SandboxState {
  return {
    accountId,
    users: [],
    sessions: new Map(),
    deletedSessions: new Map(),
    registrants: new Map(),
    panelists: new Map(),
    recordings: [],
    calls: [],
    channels: [],
    messages: [],
    activities: [],
    webhookLog: [],
    sequence: 0,
  };
}

// Deterministic IDs shaped like Zoom's: the same seed and the same calls always give the same account.
function digest(label: string): Buffer {
  return createHash('sha256').update(label).digest();
}

/** 22 URL-safe characters, like Zoom user, registrant and panelist IDs. */
export function zoomStyleId(label: string): string {
  return digest(label).subarray(0, 16).toString('base64url').slice(0, 22);
}

/** A meeting instance UUID: base64 of 16 bytes, so it may contain "/" and "+" and ends with "==". */
export function instanceUuid(label: string): string {
  return digest(`uuid:${label}`).subarray(0, 16).toString('base64');
}

/** An 11-digit meeting or webinar ID. */
export function sessionNumber(label: string): number {
  return 81_000_000_000 + (digest(`id:${label}`).readUInt32BE(0) % 9_000_000_000);
}

export function nextLabel(state: SandboxState, kind: string): string {
  state.sequence += 1;
  return `${kind}:${state.sequence}`;
}

/** `yyyy-MM-ddTHH:mm:ssZ`, the form Zoom answers with (no milliseconds). */
export function zoomTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A user by ID or email (any case), as `/users/{userId}` takes it. */
export function findUser(state: SandboxState, idOrEmail: string): SandboxUser | undefined {
  // Zoom reads `me` as the token's owner; a Server-to-Server app's is the account owner who made it.
  if (idOrEmail === 'me') return state.users.find((u) => u.roleName === 'Owner') ?? state.users[0];
  const wanted = idOrEmail.toLowerCase();
  return state.users.find((u) => u.id === idOrEmail || u.email.toLowerCase() === wanted);
}

/** A user by ID, email or `me`, else Zoom's 404 code 1001. */
export function requireUser(state: SandboxState, idOrEmail: string): SandboxUser {
  const user = findUser(state, idOrEmail);
  if (!user) throw userNotFound(idOrEmail);
  return user;
}

const KIND_NAME: Record<SessionKind, string> = { meeting: 'Meeting', webinar: 'Webinar' };

/** A meeting or webinar by numeric ID or by the UUID of its current instance. */
export function findSession(state: SandboxState, kind: SessionKind, idOrUuid: string): Session | undefined {
  const byId = /^\d+$/.test(idOrUuid) ? state.sessions.get(Number(idOrUuid)) : undefined;
  const session = byId ?? [...state.sessions.values()].find((s) => s.uuid === idOrUuid);
  return session?.kind === kind ? session : undefined;
}

/** As findSession, else Zoom's 404 code 3001 "Meeting does not exist: {id}." */
export function requireSession(state: SandboxState, kind: SessionKind, idOrUuid: string): Session {
  const session = findSession(state, kind, idOrUuid);
  if (!session) throw new ZoomError(404, 3001, `${KIND_NAME[kind]} does not exist: ${idOrUuid}.`);
  return session;
}

export function hostOf(state: SandboxState, session: Session): SandboxUser {
  const host = state.users.find((u) => u.id === session.hostId);
  if (!host) throw new Error(`sandbox seed error: session ${session.id} has no host ${session.hostId}`);
  return host;
}

/** Zoom's refusal for a host without the Webinar add-on (400, code 200). */
export function requireWebinarLicence(user: SandboxUser): void {
  if (!user.webinar) {
    throw new ZoomError(
      400,
      200,
      'Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this user in order to perform this action.',
    );
  }
}

export function registrantsOf(state: SandboxState, session: Session): StoredRegistrant[] {
  let list = state.registrants.get(session.id);
  if (!list) state.registrants.set(session.id, (list = []));
  return list;
}

export function panelistsOf(state: SandboxState, session: Session): StoredPanelist[] {
  let list = state.panelists.get(session.id);
  if (!list) state.panelists.set(session.id, (list = []));
  return list;
}

/** Keeps the console's webhook log short. */
export function logDelivery(state: SandboxState, delivery: WebhookDelivery): void {
  state.webhookLog.push(delivery);
  if (state.webhookLog.length > 50) state.webhookLog.splice(0, state.webhookLog.length - 50);
}

/** Who Zoom names as `operator` of a change made through a Server-to-Server app: the account owner. */
export function accountOwner(state: SandboxState): SandboxUser {
  const owner = state.users.find((u) => u.roleId === '0') ?? state.users[0];
  if (!owner) throw new Error('sandbox seed error: the account has no users');
  return owner;
}
