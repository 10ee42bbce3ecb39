// Alerts of watched Zoom events: one Block Kit message per event type, written for people (who, what, when in
// the channel readers' zone, links), a readable message for event types it does not know, and the digest a
// burst is folded into.
import type { Button, KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { ZoomEvent } from '../zoom/events.js';
import {
  EventCall,
  EventChatChannel,
  EventChatMessage,
  EventRecording,
  EventRegistrant,
  EventSession,
  EventUser,
  EventVoicemail,
} from '../zoom/event-objects.js';
import { actions, button, context, MESSAGE_TEXT_MAX, SECTION_TEXT_MAX, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatDateTime, formatDuration, formatMeetingId, formatSize, formatTime, truncate } from './format.js';
import { joinUrl, mailtoTarget, urlTarget } from './links.js';
import { downloadButtonValue, FORMER_RECORDING_ACTIONS, RECORDING_ACTIONS } from './recordings.js';
import { REGISTRANT_ACTIONS, type RegistrantRef } from './registrants.js';

/**
 * Action IDs of buttons that only open a link: Slack opens the URL itself, yet still sends block_actions, which
 * must be acked and nothing else (commands/register.ts). The former ID stays for alerts already posted.
 */
export const LINK_ONLY_ACTIONS: readonly string[] = [RECORDING_ACTIONS.open, FORMER_RECORDING_ACTIONS.open];

interface Alert {
  /** One line: the notification text, and the event's line in a digest. */
  summary: string;
  details?: string[];
  buttons?: Button[];
}

/** What a watch chose for its channel. */
export interface AlertOptions {
  /** `--with-passcode`: join links keep their `pwd=`; by default it is removed before the link reaches a channel. */
  withPasscode?: boolean;
}

type Renderer = (event: ZoomEvent, zone: string, opts: AlertOptions) => Alert | undefined;

export function alertMessage(event: ZoomEvent, zone: string, opts: AlertOptions = {}): SlackMessage {
  const alert = renderAlert(event, zone, opts);
  const blocks: KnownBlock[] = [section([alert.summary, ...(alert.details ?? [])].join('\n'))];
  if (alert.buttons?.length) blocks.push(actions(`alert_${event.event}`.slice(0, 255), alert.buttons));
  blocks.push(context(`Zoom \`${event.event}\`${event.event_ts ? ` · ${formatDateTime(DateTime.fromMillis(event.event_ts), zone)}` : ''}`));
  return { text: truncate(plain(alert.summary), MESSAGE_TEXT_MAX), blocks };
}

/** The one line an event gets in a digest. */
export function alertSummary(event: ZoomEvent, zone: string): string {
  return renderAlert(event, zone, {}).summary;
}

function renderAlert(event: ZoomEvent, zone: string, opts: AlertOptions): Alert {
  const family = event.event.slice(0, event.event.lastIndexOf('.'));
  const renderer = FAMILY_RENDERERS[family];
  return (renderer && safely(() => renderer(event, zone, opts))) ?? generic(event, zone);
}

/** Buttons of a digest: every line, as an ephemeral list; the registrants of a session who wait for approval. */
export const DIGEST_ACTIONS = {
  showAll: 'digest.show_all',
  reviewPending: 'digest.review_pending',
  approvePending: 'digest.approve_pending',
  approveOne: 'digest.approve',
  denyOne: 'digest.deny',
} as const;
/** The lines a digest message shows (ten keep the section within Slack's 3,000 characters); Show all has the rest. */
export const DIGEST_LINES_SHOWN = 10;
/** Sessions with registrants waiting get their buttons in the digest, this many (a block each; 50 a message). */
const DIGEST_PENDING_SESSIONS = 5;
/**
 * The latest registrants waiting for approval get Approve and Deny in the digest itself, this many (two blocks each:
 * with the rest at most 1 + 8 × 2 + 9 blocks, well within Slack's 50); the others are a click away in the card.
 */
export const DIGEST_WAITING_SHOWN = 8;

/** A waiting registrant the digest offers a decision on: the alert's registrant and its line. */
interface DigestWaitingLine {
  k: RegistrantRef['k'];
  s: string;
  r: string;
  e?: string;
  l: string;
}

/** The value of a digest's Approve/Deny: which digest (to redraw it) and which registrant. */
export interface DigestDecisionRef {
  d: string;
  k: RegistrantRef['k'];
  s: string;
  r: string;
  e?: string;
}

/**
 * A digest of a burst: how many of each kind, the latest lines, a button for every line, and for each session whose
 * registrants wait for approval (their alerts' Approve/Deny folded in) "Approve all pending" and the registrant card
 * with a button per person.
 */
export function digestMessage(input: {
  counts: Record<string, number>;
  lines: string[];
  since?: number;
  zone: string;
  /** Registrations waiting for approval, by session (`<meeting|webinar>:<id>`), less those decided from the digest. */
  pending?: Record<string, number>;
  /** The Show all button's value (names the digest); no button without it. */
  showAll?: string;
  /** The latest registrants waiting for approval (oldest first): each gets Approve and Deny, or the decision made. */
  waiting?: DigestWaitingLine[];
  /** Decisions made from the digest, by registrant ID. */
  decided?: Record<string, { action: 'approve' | 'deny'; by: string }>;
}): SlackMessage {
  const total = Object.values(input.counts).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(input.counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${n} × \`${name}\``)
    .join(', ');
  const since = input.since ? ` since ${formatDateTime(DateTime.fromMillis(input.since), input.zone)}` : '';
  const head = `:package: *${total} Zoom event${total === 1 ? '' : 's'}${since}*, gathered here so the channel is not flooded: ${kinds}`;
  const shown = input.lines.slice(-DIGEST_LINES_SHOWN);
  const blocks: KnownBlock[] = [section(head)];
  if (shown.length > 0) blocks.push(section(shown.map((l) => `• ${l}`).join('\n')));
  if (total > shown.length) blocks.push(context(`Showing the latest ${shown.length} of ${total}.`));
  if (input.showAll && total > shown.length) blocks.push(actions('digest_all', [button(`Show all ${total}`, DIGEST_ACTIONS.showAll, input.showAll)]));
  // One block per session: an action ID appears once in a block.
  Object.entries(input.pending ?? {})
    .slice(0, DIGEST_PENDING_SESSIONS)
    .forEach(([session, n], i) => {
      const [k, s] = session.split(':') as [RegistrantRef['k'], string];
      const ref = JSON.stringify({ k, s } satisfies RegistrantRef);
      const which = `${k} ${formatMeetingId(s)}`;
      // Every registration of the session this digest gathered was decided from its buttons: nothing to review here.
      if (n <= 0) {
        blocks.push(context(`:white_check_mark: Nothing waiting for approval · ${which}`));
        return;
      }
      blocks.push(
        actions(`digest_pending_${i}`, [
          button(`Approve all pending · ${which}`, DIGEST_ACTIONS.approvePending, ref, { style: 'primary' }),
          button(`Review ${n} waiting · ${which}`, DIGEST_ACTIONS.reviewPending, ref),
        ]),
      );
    });
  if (input.showAll) blocks.push(...waitingBlocks(input.showAll, input.waiting ?? [], input.decided ?? {}, Object.values(input.pending ?? {}).reduce((a, b) => a + b, 0)));
  return { text: `${total} Zoom events${since}`, blocks };
}

/** Each of the latest waiting registrants: its line, then Approve and Deny, or once decided who did what. */
function waitingBlocks(digest: string, waiting: DigestWaitingLine[], decided: Record<string, { action: 'approve' | 'deny'; by: string }>, pending: number): KnownBlock[] {
  const shown = waiting.slice(-DIGEST_WAITING_SHOWN);
  if (shown.length === 0) return [];
  const head = pending <= 0 ? ':white_check_mark: *Nothing waiting for approval*: each was decided' : `:hourglass_flowing_sand: *Waiting for approval*${pending > shown.length ? `: the latest ${shown.length} of ${pending}` : ''}`;
  const blocks: KnownBlock[] = [section(head)];
  shown.forEach((w, i) => {
    blocks.push(section(truncate(w.l, SECTION_TEXT_MAX)));
    const decision = decided[w.r];
    if (decision) {
      // Distinct at a glance: a check for approved, a cross for denied.
      blocks.push(context(decision.action === 'approve' ? `✓ approved by <@${decision.by}>` : `✗ denied by <@${decision.by}>`));
      return;
    }
    const value = JSON.stringify({ d: digest, k: w.k, s: w.s, r: w.r, ...(w.e ? { e: w.e } : {}) } satisfies DigestDecisionRef);
    blocks.push(
      actions(`digest_waiting_${i}`, [
        button('Approve', DIGEST_ACTIONS.approveOne, value, { style: 'primary' }),
        button('Deny', DIGEST_ACTIONS.denyOne, value),
      ]),
    );
  });
  return blocks;
}

/** A message holds 50 blocks: the list takes all but the last, which says what did not fit. */
const LIST_BLOCKS = 49;

/** Every line of a digest (Show all), oldest first, in as many sections as it needs. */
export function digestListMessage(lines: string[]): SlackMessage {
  const sections: string[] = [];
  let current = '';
  let listed = 0;
  for (const line of lines) {
    const item = `• ${line}`;
    if (current && current.length + 1 + item.length > SECTION_TEXT_MAX) {
      if (sections.length === LIST_BLOCKS - 1) break;
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${item}` : item;
    listed++;
  }
  if (current) sections.push(current);
  const blocks: KnownBlock[] = sections.map((text) => section(text));
  if (listed < lines.length) blocks.push(context(`The first ${listed} of ${lines.length}: a Slack message holds no more.`));
  return { text: `All ${lines.length} Zoom events of this digest`, blocks };
}

// ---- meetings and webinars --------------------------------------------------------------------------------

const SESSION_VERBS: Record<string, [emoji: string, verb: string]> = {
  created: [':calendar:', 'scheduled'],
  updated: [':pencil2:', 'updated'],
  deleted: [':wastebasket:', 'deleted'],
  started: [':large_green_circle:', 'started'],
  ended: [':checkered_flag:', 'ended'],
};

function sessionAlert(event: ZoomEvent, zone: string, opts: AlertOptions): Alert | undefined {
  const [kind, action] = event.event.split('.') as [string, string];
  const verb = SESSION_VERBS[action];
  if (!verb) return undefined;
  const s = EventSession.parse(event.payload.object);
  const noun = kind === 'webinar' ? 'Webinar' : 'Meeting';
  const by = operator(event);
  const details: string[] = [];
  let when = '';
  if (action === 'created' || action === 'updated') {
    if (s.start_time) when = ` for ${formatTime(s.start_time, zone)}${s.duration ? ` (${formatDuration(s.duration)})` : ''}`;
    const target = s.join_url ? urlTarget(joinUrl(s.join_url, opts)) : undefined;
    if (target) details.push(`<${target}|Join link>`);
  }
  if (action === 'started' && s.start_time) when = ` at ${formatTime(s.start_time, zone)}`;
  if (action === 'ended') {
    const lasted = minutesBetween(s.start_time, s.end_time);
    when = lasted !== undefined ? ` after ${formatDuration(lasted)}` : '';
    if (s.start_time && s.end_time) details.push(`${formatTime(s.start_time, zone)} – ${formatTime(s.end_time, zone)}`);
  }
  if (action === 'deleted' && s.occurrences?.length) {
    details.push(`Occurrence${s.occurrences.length > 1 ? 's' : ''}: ${s.occurrences.map((o) => (o.start_time ? formatTime(o.start_time, zone) : o.occurrence_id)).join(', ')}`);
  }
  if (action === 'updated') {
    const object = (event.payload.object ?? {}) as { old_object?: Record<string, unknown> };
    const changed = Object.keys(object).filter((k) => !['id', 'uuid', 'host_id', 'occurrences', 'old_object'].includes(k));
    // Zoom's webinar example nests old_object inside object; the meeting one puts it beside it.
    const old = (event.payload as { old_object?: Record<string, unknown> }).old_object ?? object.old_object;
    const fields = old ? Object.keys(old).filter((k) => k !== 'id') : changed;
    if (fields.length) details.push(`Changed: ${fields.map((f) => f.replace(/_/g, ' ')).join(', ')}`);
  }
  return {
    summary: `${verb[0]} *${noun} ${verb[1]}:* ${sessionName(s)}${when}${by}`,
    details,
  };
}

function registrationAlert(event: ZoomEvent, zone: string): Alert | undefined {
  const [kind, rawAction] = event.event.split('.') as [string, string];
  const action = rawAction.replace('registration_', '');
  const o = event.payload.object as Record<string, unknown> | undefined;
  const s = EventSession.parse(o);
  const r = EventRegistrant.parse(o?.registrant);
  const who = `${escapeMrkdwn([r.first_name, r.last_name].filter(Boolean).join(' ') || r.email)} <${mailtoTarget(r.email)}|${escapeMrkdwn(r.email)}>`;
  const noun = kind === 'webinar' ? 'webinar' : 'meeting';
  const pending = action === 'created' && r.status === 'pending';
  const verbs: Record<string, string> = {
    created: pending ? ':hourglass_flowing_sand: *Registration waiting for approval:*' : ':ticket: *New registration:*',
    approved: ':white_check_mark: *Registration approved:*',
    denied: ':no_entry_sign: *Registration denied:*',
    cancelled: ':x: *Registration cancelled:*',
  };
  const verb = verbs[action];
  if (!verb) return undefined;
  const when = s.start_time ? ` (${formatTime(s.start_time, zone)})` : '';
  const alert: Alert = { summary: `${verb} ${who} for ${noun} ${sessionName(s)}${when}${operator(event)}` };
  // The registrant card's own buttons, so the registrants module's handlers act on them.
  const waiting = pendingRegistration(event);
  if (waiting) {
    const ref = JSON.stringify(waiting);
    alert.buttons = [button('Approve', REGISTRANT_ACTIONS.approve, ref, { style: 'primary' }), button('Deny', REGISTRANT_ACTIONS.deny, ref)];
  }
  return alert;
}

/** A registrant waiting for approval as the registrant rules keep it: enough to draw its card again. */
export interface PendingRegistrant {
  k: RegistrantRef['k'];
  s: string;
  r: string;
  e: string;
  /** The registrant's name and the session's topic, when the event had them. */
  name?: string;
  topic?: string;
  /** When the registration came in (epoch ms). */
  at?: number;
}

/**
 * The card of a registration waiting for approval, for one the rules meant to decide but could not (Zoom refused it,
 * or their job gave up): the alert the relay posts for a registration the rules leave pending, drawn from what the
 * rules kept of its event, so the same Approve and Deny act on it.
 */
export function pendingRegistrationCard(reg: PendingRegistrant, zone: string): SlackMessage {
  const registrant = { id: reg.r, email: reg.e, status: 'pending', ...(reg.name ? { first_name: reg.name } : {}) };
  const object = { id: reg.s, ...(reg.topic ? { topic: reg.topic } : {}), registrant };
  return alertMessage({ event: `${reg.k}.registration_created`, ...(reg.at ? { event_ts: reg.at } : {}), payload: { object } }, zone);
}

/** The registrant a `*.registration_created` event says waits for approval (its alert's Approve/Deny act on it). */
export function pendingRegistration(event: ZoomEvent): RegistrantRef | undefined {
  if (!/^(meeting|webinar)\.registration_created$/.test(event.event)) return undefined;
  const o = event.payload.object as Record<string, unknown> | undefined;
  const s = EventSession.parse(o);
  const r = EventRegistrant.parse(o?.registrant);
  if (r.status !== 'pending' || !s.id || !/^\d{9,12}$/.test(s.id)) return undefined;
  return { k: event.event.startsWith('webinar') ? 'webinar' : 'meeting', s: s.id, r: r.id, e: r.email };
}

// ---- recordings -------------------------------------------------------------------------------------------

const RECORDING_VERBS: Record<string, string> = {
  completed: ':film_frames: *Recording ready:*',
  transcript_completed: ':memo: *Transcript ready:*',
  trashed: ':wastebasket: *Recording moved to the trash:*',
  deleted: ':fire: *Recording deleted for good:*',
  recovered: ':recycle: *Recording recovered from the trash:*',
};

function recordingAlert(event: ZoomEvent, zone: string): Alert | undefined {
  const action = event.event.slice('recording.'.length);
  const verb = RECORDING_VERBS[action];
  if (!verb) return undefined;
  const rec = EventRecording.parse(event.payload.object);
  const files = rec.recording_files;
  const size = rec.total_size ?? files.reduce((n, f) => n + (f.file_size ?? 0), 0);
  const when = rec.start_time ? ` (${formatTime(rec.start_time, zone)})` : '';
  const host = rec.host_email ? ` · host ${escapeMrkdwn(rec.host_email)}` : '';
  const alert: Alert = {
    summary: `${verb} ${sessionName(rec)}${when} — ${files.length} file${files.length === 1 ? '' : 's'}, ${formatSize(size)}${host}${operator(event)}`,
    details: files.slice(0, 10).map((f) => `• ${escapeMrkdwn([f.file_type ?? 'file', f.recording_type?.replace(/_/g, ' ')].filter(Boolean).join(', '))}: ${formatSize(f.file_size ?? 0)}`),
  };
  const meetingId = rec.uuid ?? rec.id;
  const buttons: Button[] = [];
  if ((action === 'completed' || action === 'transcript_completed' || action === 'recovered') && meetingId) {
    // A transcript alert asks for the transcript only, as the watch's automatic download of that event does: a click
    // joins that job (same files, one BullMQ dedupe key) rather than fetching every file again.
    const only = action === 'transcript_completed' ? { type: 'transcript' } : {};
    buttons.push(button('Download', RECORDING_ACTIONS.download, downloadButtonValue(meetingId, only, { number: rec.id, topic: rec.topic }), { style: 'primary' }));
  }
  if (rec.share_url && action !== 'deleted') buttons.push(button('Open in Zoom', RECORDING_ACTIONS.open, 'open', { url: rec.share_url }));
  if (buttons.length) alert.buttons = buttons;
  return alert;
}

// ---- phone ------------------------------------------------------------------------------------------------

function callAlert(event: ZoomEvent, zone: string): Alert | undefined {
  if (event.event === 'phone.voicemail_received') {
    const v = EventVoicemail.parse(event.payload.object);
    const from = party(v.caller_name, v.caller_did_number ?? v.caller_number);
    const to = party(v.callee_name, v.callee_number);
    const at = v.date_time ? ` at ${formatTime(v.date_time, zone)}` : '';
    return { summary: `:mailbox_with_mail: *Voicemail* from ${from} for ${to}${v.duration ? ` (${seconds(v.duration)})` : ''}${at}` };
  }
  const c = EventCall.parse(event.payload.object);
  const from = party(c.caller?.name, c.caller?.phone_number ?? c.caller?.extension_number);
  const to = party(c.callee?.name, c.callee?.extension_number ? `ext ${c.callee.extension_number}` : c.callee?.phone_number);
  const at = c.ringing_start_time ? ` at ${formatTime(c.ringing_start_time, zone)}` : '';
  if (event.event === 'phone.callee_missed') {
    const rang = secondsBetween(c.ringing_start_time, c.call_end_time);
    return { summary: `:no_entry: *Missed call* from ${from} to ${to}${at}${rang !== undefined ? `, rang ${seconds(rang)}` : ''}` };
  }
  if (event.event !== 'phone.caller_ended' && event.event !== 'phone.callee_ended') return undefined;
  const talked = secondsBetween(c.answer_start_time, c.call_end_time);
  const result = c.handup_result ?? (c.answer_start_time ? 'answered' : 'not answered');
  return {
    summary: `:telephone_receiver: *Call ended:* ${from} → ${to}${at} · ${talked !== undefined ? `talked ${seconds(talked)}` : 'no conversation'} · ${escapeMrkdwn(result)}`,
  };
}

// ---- Team Chat --------------------------------------------------------------------------------------------

const CHANNEL_VERBS: Record<string, string> = {
  'chat_channel.created': 'created',
  'chat_channel.updated': 'updated',
  'chat_channel.deleted': 'deleted',
  'chat_channel.member_invited': 'members invited',
  'chat_channel.member_joined': 'someone joined',
  'chat_channel.member_left': 'someone left',
  'chat_channel.member_removed': 'members removed',
  'team_chat.channel_archived': 'archived',
  'team_chat.channel_unarchived': 'unarchived',
};

function chatChannelAlert(event: ZoomEvent): Alert | undefined {
  const verb = CHANNEL_VERBS[event.event];
  if (!verb) return undefined;
  const ch = EventChatChannel.parse(event.payload.object);
  const members = ch.members?.map((m) => escapeMrkdwn(m.display_name ?? m.id ?? '')).filter(Boolean) ?? [];
  const list = members.length ? ` (${members.join(', ')})` : '';
  return { summary: `:speech_balloon: *Team Chat channel ${verb}:* ${escapeMrkdwn(ch.name ?? ch.channel_name ?? ch.id ?? 'a channel')}${list}${operator(event)}` };
}

const MESSAGE_VERBS: Record<string, string> = {
  sent: 'posted',
  posted: 'posted',
  replied: 'replied',
  updated: 'edited a message',
  deleted: 'deleted a message',
};

function chatMessageAlert(event: ZoomEvent, zone: string): Alert | undefined {
  const action = event.event.replace(/^chat_message\.|^team_chat\.channel_message_/, '');
  const verb = MESSAGE_VERBS[action];
  if (!verb || event.event.startsWith('team_chat.dm_')) return undefined;
  const m = EventChatMessage.parse(event.payload.object);
  const who = operatorName(event) ?? 'Someone';
  const where = m.channel_name ? ` in *${escapeMrkdwn(m.channel_name)}*` : m.contact_email ? ` to ${escapeMrkdwn(m.contact_email)}` : '';
  const at = m.date_time ? ` at ${formatTime(m.date_time, zone)}` : '';
  const quote = m.message && action !== 'deleted' ? [`> ${escapeMrkdwn(truncate(m.message, 500)).replace(/\n/g, '\n> ')}`] : [];
  return { summary: `:speech_balloon: *${escapeMrkdwn(who)}* ${verb}${where}${at}`, details: quote };
}

// ---- users ------------------------------------------------------------------------------------------------

const USER_VERBS: Record<string, string> = {
  signed_in: ':arrow_right: signed in',
  signed_out: ':arrow_left: signed out',
  created: ':bust_in_silhouette: was added to the account',
  activated: ':white_check_mark: was activated',
  deactivated: ':no_entry: was deactivated',
  deleted: ':wastebasket: was deleted',
};

function userAlert(event: ZoomEvent, zone: string): Alert | undefined {
  const action = event.event.slice('user.'.length);
  const verb = USER_VERBS[action];
  if (!verb) return undefined;
  const u = EventUser.parse(event.payload.object);
  const name = u.display_name ?? ([u.first_name, u.last_name].filter(Boolean).join(' ') || undefined);
  const who = name && u.email ? `${escapeMrkdwn(name)} (${escapeMrkdwn(u.email)})` : escapeMrkdwn(name ?? u.email ?? u.id ?? 'A user');
  const [emoji, ...words] = verb.split(' ');
  const client = u.client_type ? ` on ${escapeMrkdwn(u.client_type)}${u.version ? ` ${escapeMrkdwn(u.version)}` : ''}` : '';
  const at = u.date_time ? ` at ${formatTime(u.date_time, zone)}` : '';
  return { summary: `${emoji} *${who}* ${words.join(' ')}${client}${at}${operator(event)}` };
}

// ---- anything else ----------------------------------------------------------------------------------------

function generic(event: ZoomEvent, zone: string): Alert {
  const o = (event.payload.object ?? {}) as Record<string, unknown>;
  const scalars = Object.entries(o)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => `• ${k.replace(/_/g, ' ')}: ${escapeMrkdwn(typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? formatTime(v, zone) : truncate(String(v), 200))}`);
  const name = event.event.replace(/[._]/g, ' ');
  return { summary: `:bell: *Zoom: ${escapeMrkdwn(name)}*${operator(event)}`, details: scalars };
}

const FAMILY_RENDERERS: Record<string, Renderer> = {
  meeting: (e, z, o) => (e.event.includes('.registration_') ? registrationAlert(e, z) : sessionAlert(e, z, o)),
  webinar: (e, z, o) => (e.event.includes('.registration_') ? registrationAlert(e, z) : sessionAlert(e, z, o)),
  recording: recordingAlert,
  phone: callAlert,
  chat_channel: (e) => chatChannelAlert(e),
  chat_message: chatMessageAlert,
  team_chat: (e, z) => (e.event.startsWith('team_chat.channel_message_') ? chatMessageAlert(e, z) : chatChannelAlert(e)),
  user: userAlert,
};

// ---- small pieces -----------------------------------------------------------------------------------------

function safely<T>(render: () => T): T | undefined {
  try {
    return render();
  } catch {
    // A payload that breaks its event's schema still gets the generic alert, never none.
    return undefined;
  }
}

function sessionName(s: z.infer<typeof EventSession>): string {
  const id = s.id ? ` (${formatMeetingId(s.id)})` : '';
  return `${escapeMrkdwn(s.topic ?? 'Untitled')}${id}`;
}

function operatorName(event: ZoomEvent): string | undefined {
  const p = event.payload as { operator?: unknown };
  return typeof p.operator === 'string' && p.operator !== '' ? p.operator : undefined;
}

function operator(event: ZoomEvent): string {
  const name = operatorName(event);
  return name ? ` — by ${escapeMrkdwn(name)}` : '';
}

function party(name: string | undefined, number: string | undefined): string {
  if (name && number) return `${escapeMrkdwn(name)} (${escapeMrkdwn(number)})`;
  return escapeMrkdwn(name ?? number ?? 'unknown');
}

function secondsBetween(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  const ms = DateTime.fromISO(to).toMillis() - DateTime.fromISO(from).toMillis();
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined;
}

function minutesBetween(from?: string, to?: string): number | undefined {
  const s = secondsBetween(from, to);
  return s === undefined ? undefined : Math.round(s / 60);
}

function seconds(total: number): string {
  if (total < 60) return `${total} s`;
  const m = Math.floor(total / 60);
  const s = total % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** The notification text: the summary without mrkdwn emphasis. */
function plain(text: string): string {
  return text.replace(/\*/g, '');
}
