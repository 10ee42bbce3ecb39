// Zoom event notifications as the bot reads them: the envelope, the watch topics that group event names,
// the identity an event is deduplicated on, and the meeting instance its alerts are threaded under.
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Envelope shared by webhooks and the WebSocket (`event`, `event_ts`, `payload`); everything else kept. */
export const ZoomEvent = z.looseObject({
  event: z.string().min(1),
  event_ts: z.coerce.number().optional(),
  payload: z.looseObject({
    account_id: z.string().optional(),
    object: z.looseObject({}).optional(),
  }),
});
export type ZoomEvent = z.infer<typeof ZoomEvent>;

/** The first frame's event name of a URL validation; answered at the door, never queued. */
export const URL_VALIDATION = 'endpoint.url_validation';
export const UrlValidation = z.object({
  event: z.literal(URL_VALIDATION),
  payload: z.object({ plainToken: z.string().min(1) }),
});

// ---- topics (docs/command-grammar.md) ---------------------------------------------------------------------------------

const session = (kind: string) => ['created', 'updated', 'deleted', 'started', 'ended'].map((e) => `${kind}.${e}`);
const registrations = (kind: string) =>
  ['created', 'approved', 'denied', 'cancelled'].map((e) => `${kind}.registration_${e}`);

export const EVENT_TOPICS = {
  meetings: session('meeting'),
  webinars: session('webinar'),
  registrations: [...registrations('meeting'), ...registrations('webinar')],
  recordings: ['recording.completed', 'recording.transcript_completed', 'recording.trashed', 'recording.deleted', 'recording.recovered'],
  phone: ['phone.caller_ended', 'phone.callee_ended', 'phone.callee_missed', 'phone.voicemail_received'],
  'chat-channels': [
    ...['created', 'updated', 'deleted', 'member_invited', 'member_joined', 'member_left', 'member_removed'].map((e) => `chat_channel.${e}`),
    'team_chat.channel_archived',
    'team_chat.channel_unarchived',
  ],
  'chat-messages': [
    ...['sent', 'updated', 'deleted', 'replied'].map((e) => `chat_message.${e}`),
    ...['posted', 'updated', 'deleted'].map((e) => `team_chat.channel_message_${e}`),
  ],
  'user-activity': ['signed_in', 'signed_out', 'created', 'activated', 'deactivated', 'deleted'].map((e) => `user.${e}`),
  /** Any Zoom events, named with `--events`. */
  events: [],
} as const satisfies Record<string, readonly string[]>;

export type WatchTopic = keyof typeof EVENT_TOPICS;
export const WATCH_TOPICS = Object.keys(EVENT_TOPICS) as WatchTopic[];

/** Zoom event names look like `meeting.started`, `team_chat.channel_message_posted`. */
export const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

// ---- identity ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

// Events that legitimately happen again for the same object: their time is part of their identity.
const REPEATS = /(\.|_)updated$|\.(activated|deactivated|trashed|recovered|signed_in|signed_out)$|\.member_|\.channel_(un)?archived$/;

// Both Team Chat families report one posted message; they share an identity so a channel gets one alert.
const SAME_AS: Record<string, string> = {
  'team_chat.channel_message_posted': 'chat_message.sent',
  'team_chat.channel_message_updated': 'chat_message.updated',
  'team_chat.channel_message_deleted': 'chat_message.deleted',
};

/**
 * What makes an event this event (docs/platform-facts.md, webhooks): its name and the identity of its object — meeting UUID,
 * registrant ID, file IDs, call ID, message ID — plus `event_ts` only where the same object legitimately
 * repeats. Never the body: Zoom's duplicates differ in their download URLs.
 */
export function eventIdentity(event: ZoomEvent): string {
  const name = SAME_AS[event.event] ?? event.event;
  const payload = obj(event.payload);
  const o = obj(payload.object);
  const family = name.split('.')[0]!;
  const parts: Array<string | undefined> = [];
  switch (family) {
    case 'meeting':
    case 'webinar':
      parts.push(str(o.uuid) ?? str(o.id), str(obj(o.registrant).id), str(obj(o.participant).participant_uuid));
      // A deleted occurrence is not the deleted series.
      parts.push(list(o.occurrences).map((x) => str(x.occurrence_id)).filter(Boolean).join(','));
      break;
    case 'recording': {
      const files = [...list(o.recording_files), ...list(o.participant_audio_files)].map((f) => str(f.id)).filter(Boolean);
      parts.push(str(o.uuid) ?? str(o.id), [...new Set(files)].sort().join(','));
      break;
    }
    case 'phone':
      parts.push(str(o.call_id), str(o.id), str(o.call_log_id));
      break;
    case 'chat_message':
    case 'team_chat':
      parts.push(str(o.message_id) ?? str(o.id), str(o.channel_id), str(o.name));
      break;
    case 'chat_channel':
      parts.push(str(o.id) ?? str(o.name), str(o.timestamp), list(o.members).map((m) => str(m.id)).join(','));
      break;
    case 'user':
      parts.push(str(o.id) ?? str(o.email), str(o.date_time));
      break;
    default:
      parts.push(str(o.uuid) ?? str(o.id) ?? str(o.call_id) ?? str(o.message_id));
  }
  const known = parts.some((p) => p !== undefined && p !== '');
  if (REPEATS.test(name) || !known) parts.push(`ts=${event.event_ts ?? ''}`);
  if (!known) parts.push(digest(JSON.stringify(o)));
  const identity = parts.map((p) => p ?? '').join('|');
  // BullMQ keeps the key in Redis: bound its size whatever Zoom sends.
  return `${name}:${identity.length > 160 ? digest(identity) : identity}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}

/**
 * The meeting or webinar instance an event belongs to (its UUID), so later alerts about it reply in the thread
 * of the first one; undefined for events that belong to none.
 */
export function meetingInstanceOf(event: ZoomEvent): string | undefined {
  const family = event.event.split('.')[0];
  if (family !== 'meeting' && family !== 'webinar' && family !== 'recording') return undefined;
  return str(obj(event.payload.object).uuid);
}
