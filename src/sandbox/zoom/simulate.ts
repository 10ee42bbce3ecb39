// What only Zoom can cause, on demand: a meeting starts or ends, someone registers, a recording completes, a phone
// call ends or is missed, a chat message is sent, a user signs in. Each changes the state and sends the webhook
// Zoom would send. Used by the console panel (POST /sandbox/simulate) and by tests (sandbox.simulate()).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { postMessage } from './api/chat.js';
import { DOWNLOAD_TOKEN_LIFETIME_S } from './auth.js';
import { createRecording, visibleFiles } from './api/recordings.js';
import { register } from './api/registrants.js';
import { endSession, startSession } from './api/meetings-webinars.js';
import type { SandboxContext } from './router.js';
import { recordingJson } from './shapes.js';
import { ADMIN_EMAIL, MEMBER_EMAIL } from './seed.js';
import {
  findUser,
  instanceUuid,
  nextLabel,
  zoomStyleId,
  zoomTime,
  type CallParty,
  type SandboxUser,
  type Session,
} from './store.js';

const Id = z.union([z.string().trim().min(1), z.number().int().positive()]).transform(String);
const Who = z.string().trim().min(1).optional();

export const SimulateAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('meeting.started'), meetingId: Id }),
  z.object({ type: z.literal('meeting.ended'), meetingId: Id }),
  /** A meeting's or a webinar's ID; pending when the session approves registrations manually. */
  z.object({
    type: z.literal('registration.created'),
    meetingId: Id,
    email: z.string().trim().email().optional(),
    name: z.string().trim().min(1).max(128).optional(),
  }),
  z.object({ type: z.literal('recording.completed'), meetingId: Id }),
  z.object({
    type: z.literal('phone.call'),
    outcome: z.enum(['ended', 'missed']),
    /** The Zoom Phone user (ID or email); the admin by default. */
    user: Who,
    /** The outside number; a made-up one by default. */
    otherNumber: z.string().trim().regex(/^\+\d{6,15}$/, 'otherNumber must look like +15551234567').optional(),
  }),
  z.object({
    type: z.literal('chat.message'),
    /** A channel ID or name; General by default. */
    channel: z.string().trim().min(1).optional(),
    /** The sender (ID or email); the member by default. */
    user: Who,
    message: z.string().trim().min(1).max(4096),
  }),
  z.object({ type: z.literal('user.signed_in'), user: Who }),
]);
export type SimulateAction = z.input<typeof SimulateAction>;

export interface SimulateResult {
  /** One sentence for the console, e.g. "Meeting 812… (Weekly team sync) started." */
  summary: string;
  /** The webhook events sent, in order. */
  events: string[];
  /** What was created, when something was (registrant, recording, call, message). */
  details?: Record<string, unknown>;
}

/** A simulation that cannot run as asked; its message says why and what to give instead. */
export class SimulateError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
  }
}

/** Validates an untrusted action (the console's JSON) with a message naming the first problem. */
export function parseSimulateAction(input: unknown): z.output<typeof SimulateAction> {
  const parsed = SimulateAction.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  const types = SimulateAction.options.map((o) => o.shape.type.value).join(', ');
  const hint = issue?.path[0] === 'type' || !issue?.path.length ? ` (type is one of ${types})` : '';
  throw new SimulateError(`Invalid simulate action: ${where}${issue?.message ?? 'not an object'}${hint}.`);
}

function session(ctx: SandboxContext, id: string): Session {
  const found = /^\d+$/.test(id) ? ctx.state.sessions.get(Number(id)) : [...ctx.state.sessions.values()].find((s) => s.uuid === id);
  if (!found) throw new SimulateError(`No meeting or webinar ${id} in the sandbox; GET /sandbox/state lists them.`, 404);
  return found;
}

function user(ctx: SandboxContext, who: string | undefined, fallback: string): SandboxUser {
  const found = findUser(ctx.state, who ?? fallback);
  if (!found) throw new SimulateError(`No user ${who} in the sandbox; give a user ID or email from GET /sandbox/state.`, 404);
  return found;
}

function describe(s: Session): string {
  return `${s.kind === 'meeting' ? 'Meeting' : 'Webinar'} ${s.id} (${s.topic})`;
}

export function simulate(ctx: SandboxContext, input: unknown): SimulateResult {
  const action = parseSimulateAction(input);
  const mark = ctx.webhooks.mark();
  const result = run(ctx, action);
  return { ...result, events: ctx.webhooks.sentSince(mark) };
}

function run(ctx: SandboxContext, action: z.output<typeof SimulateAction>): Omit<SimulateResult, 'events'> {
  switch (action.type) {
    case 'meeting.started': {
      const s = session(ctx, action.meetingId);
      if (s.status === 'started') throw new SimulateError(`${describe(s)} is already in progress.`);
      startSession(ctx, s);
      return { summary: `${describe(s)} started.` };
    }
    case 'meeting.ended': {
      const s = session(ctx, action.meetingId);
      if (s.status !== 'started') throw new SimulateError(`${describe(s)} is not in progress; start it first.`);
      endSession(ctx, s);
      return { summary: `${describe(s)} ended.` };
    }
    case 'registration.created':
      return registration(ctx, action);
    case 'recording.completed':
      return recordingCompleted(ctx, session(ctx, action.meetingId));
    case 'phone.call':
      return phoneCall(ctx, action);
    case 'chat.message': {
      const sender = user(ctx, action.user, MEMBER_EMAIL);
      const wanted = (action.channel ?? 'General').toLowerCase();
      const channel =
        ctx.state.channels.find((c) => c.id === action.channel) ?? ctx.state.channels.find((c) => c.name.toLowerCase() === wanted);
      if (!channel) throw new SimulateError(`No Team Chat channel ${action.channel}; GET /sandbox/state lists them.`, 404);
      const message = postMessage(ctx, sender, { channel }, action.message);
      return { summary: `${sender.email} wrote in ${channel.name}.`, details: { messageId: message.id, channelId: channel.id } };
    }
    case 'user.signed_in': {
      const who = user(ctx, action.user, MEMBER_EMAIL);
      const time = zoomTime(ctx.now());
      ctx.state.activities.push({ email: who.email, time, type: 'Sign in', clientType: 'Mac', version: '6.2.5.41699', ipAddress: '198.51.100.7' });
      who.lastLoginTime = time;
      ctx.webhooks.send({
        event: 'user.signed_in',
        payload: { object: { id: who.id, client_type: 'mac', date_time: time, email: who.email, version: '6.2.5.41699', login_type: 100 } },
      });
      return { summary: `${who.email} signed in.` };
    }
  }
}

function registration(
  ctx: SandboxContext,
  action: Extract<z.output<typeof SimulateAction>, { type: 'registration.created' }>,
): Omit<SimulateResult, 'events'> {
  const s = session(ctx, action.meetingId);
  if (s.settings.approval_type === 2) {
    throw new SimulateError(`${describe(s)} does not take registrations; pick one with registration enabled.`);
  }
  const n = nextLabel(ctx.state, 'guest').split(':')[1] ?? '0';
  const [first = 'Guest', ...rest] = (action.name ?? `Guest ${n}`).split(/\s+/);
  const registrant = register(ctx, s, {
    email: action.email ?? `guest.${n}@example.com`,
    firstName: first,
    lastName: rest.join(' '),
  });
  return {
    summary: `${registrant.email} registered for ${describe(s)} (${registrant.status}).`,
    details: { registrantId: registrant.id, email: registrant.email, status: registrant.status },
  };
}

function recordingCompleted(ctx: SandboxContext, s: Session): Omit<SimulateResult, 'events'> {
  if (s.kind !== 'meeting') throw new SimulateError(`${describe(s)} is a webinar; recordings are simulated for meetings.`);
  // A recording completes after its meeting instance ends.
  const uuid = s.uuid;
  const wasLive = s.status === 'started';
  if (wasLive) endSession(ctx, s);
  else s.uuid = instanceUuid(nextLabel(ctx.state, `instance-${s.id}`));
  const now = ctx.now();
  // A live meeting's recording runs from its start to now. Any other is a new instance that just ended after the
  // meeting's length: a past meeting's scheduled start (last week) would make it last days, beside the recording
  // its own instance already has.
  const sinceStart = s.startTime ? now.getTime() - Date.parse(s.startTime) : Number.NaN;
  const live = wasLive && sinceStart > 0 && sinceStart <= 24 * 3600_000;
  const startMs = live ? Date.parse(s.startTime!) : now.getTime() - s.duration * 60_000;
  const recording = createRecording({
    meetingId: s.id,
    uuid,
    hostId: s.hostId,
    topic: s.topic,
    type: s.type,
    start: new Date(startMs),
    duration: live ? Math.max(1, Math.round(sinceStart / 60_000)) : s.duration,
    timezone: s.timezone,
    password: s.password,
    lines: [
      ['Alex Admin', `Welcome to ${s.topic}.`],
      ['Morgan Member', 'Thanks, happy to be here.'],
      ['Alex Admin', 'That is all for today.'],
    ],
  });
  ctx.state.recordings.push(recording);
  const downloadToken = ctx.tokens.issue(DOWNLOAD_TOKEN_LIFETIME_S);
  ctx.webhooks.send({
    event: 'recording.completed',
    payload: { object: recordingJson(ctx, recording, visibleFiles(recording), 'number') },
    extra: { download_token: downloadToken },
  });
  return {
    summary: `The recording of ${describe(s)} is ready (${recording.files.length} files).`,
    details: { uuid, files: recording.files.map((f) => ({ id: f.id, file_type: f.fileType, file_size: f.content.length })) },
  };
}

function phoneCall(
  ctx: SandboxContext,
  action: Extract<z.output<typeof SimulateAction>, { type: 'phone.call' }>,
): Omit<SimulateResult, 'events'> {
  const who = user(ctx, action.user, ADMIN_EMAIL);
  if (!who.phone) throw new SimulateError(`${who.email} has no Zoom Phone line; pick a user with one.`);
  const label = nextLabel(ctx.state, 'call');
  const now = DateTime.fromJSDate(ctx.now(), { zone: 'UTC' });
  const ringing = now.minus({ seconds: action.outcome === 'ended' ? 125 : 20 });
  const answered = action.outcome === 'ended' ? ringing.plus({ seconds: 6 }) : undefined;
  const me: CallParty = {
    userId: who.id,
    name: `${who.firstName} ${who.lastName}`,
    phoneNumber: who.phone.phoneNumber,
    extensionNumber: who.phone.extensionNumber,
    extensionId: who.phone.extensionId,
    email: who.email,
  };
  const them: CallParty = { name: 'Outside caller', phoneNumber: action.otherNumber ?? '+12125550199' };
  const callId = String(7_100_000_000_000_000_000n + BigInt(ctx.state.sequence));
  const outbound = action.outcome === 'ended';
  ctx.state.calls.push({
    uuid: `${now.toFormat('yyyyMMdd')}-${zoomStyleId(label).toLowerCase()}`,
    callId,
    direction: outbound ? 'outbound' : 'inbound',
    connectType: 'external',
    startTime: zoomTime(ringing.toJSDate()),
    ...(answered ? { answerTime: zoomTime(answered.toJSDate()) } : {}),
    endTime: zoomTime(now.toJSDate()),
    duration: Math.round(now.diff(ringing, 'seconds').seconds),
    result: outbound ? 'answered' : 'canceled',
    caller: outbound ? me : them,
    callee: outbound ? them : me,
    recorded: false,
  });
  const extension = {
    extension_id: who.phone.extensionId,
    extension_type: 'user',
    extension_number: who.phone.extensionNumber,
    phone_number: who.phone.phoneNumber,
    user_id: who.id,
    timezone: who.timezone,
    device_type: 'MAC_Client(6.2.5.41699)',
    connection_type: 'voip',
  };
  const outside = { phone_number: them.phoneNumber, connection_type: 'pstn_off_net' };
  const times = { ringing_start_time: zoomTime(ringing.toJSDate()), call_end_time: zoomTime(now.toJSDate()) };
  ctx.webhooks.send(
    outbound
      ? { event: 'phone.caller_ended', payload: { object: { call_id: callId, caller: extension, callee: outside, ...times } } }
      : { event: 'phone.callee_missed', payload: { object: { call_id: callId, caller: outside, callee: extension, ...times } } },
  );
  return {
    summary: outbound ? `${who.email} ended a call to ${them.phoneNumber}.` : `${who.email} missed a call from ${them.phoneNumber}.`,
    details: { callId },
  };
}
