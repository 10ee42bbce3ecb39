// Block Kit for the people registered to a meeting or webinar: counts, the pending ones with Approve/Deny,
// and the outcome of a status change.
import type { KnownBlock } from '@slack/types';
import type { RegistrantKey } from '../zoom/registrant-changes.js';
import type { Registrant } from '../zoom/registrants.js';
import type { SessionKind } from '../zoom/meetings-webinars.js';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatMeetingId, formatTime } from './format.js';
import { mailtoTarget } from './links.js';

export const REGISTRANT_ACTIONS = {
  approve: 'registrant.approve',
  deny: 'registrant.deny',
  approveAll: 'registrant.approve_all',
  confirm: 'registrant.confirm',
  nextPage: 'registrant.next',
} as const;

/** What an Approve/Deny button carries: the session and the one registrant it is about. */
export interface RegistrantRef {
  k: SessionKind;
  s: string;
  r?: string;
  e?: string;
}

// Two blocks per registrant with buttons; a message holds 50.
export const REGISTRANTS_WITH_BUTTONS = 20;

export function registrantListMessage(input: {
  kind: SessionKind;
  sessionId: string;
  /** The session's topic, when Zoom gave one: the header names it before the number. */
  topic?: string;
  status: string;
  registrants: Registrant[];
  counts?: Record<string, number | undefined>;
  zone: string;
  /** A line above the list: what a click just did. */
  notice?: string;
  /** How many of this status came before this page. */
  offset?: number;
  /** The Next page button's value; absent on the last page. */
  next?: string;
}): SlackMessage {
  const noun = input.kind === 'meeting' ? 'Meeting' : 'Webinar';
  const named = input.topic ? `${noun} "${escapeMrkdwn(input.topic)}" (${formatMeetingId(input.sessionId)})` : `${noun} ${formatMeetingId(input.sessionId)}`;
  const title = `${named}: ${input.status} registrants`;
  const blocks: KnownBlock[] = [];
  if (input.notice) blocks.push(context(input.notice));
  const counts = input.counts
    ? ` — ${Object.entries(input.counts)
        .map(([status, n]) => `${n ?? '?'} ${status}`)
        .join(', ')}`
    : '';
  blocks.push(section(`*${title}*${counts}`));
  if (input.registrants.length === 0) {
    blocks.push(section(`No ${input.status} registrants.`));
    return { text: `${title}: none`, blocks };
  }
  const pending = input.status === 'pending';
  const shown = input.registrants.slice(0, pending ? REGISTRANTS_WITH_BUTTONS : 40);
  if (pending) {
    blocks.push(
      actions('registrants_all', [
        button(`Approve all pending (${input.counts?.pending ?? input.registrants.length})`, REGISTRANT_ACTIONS.approveAll, JSON.stringify({ k: input.kind, s: input.sessionId }), { style: 'primary' }),
      ]),
    );
  }
  for (const r of shown) {
    blocks.push(section(registrantLine(r, input.zone)));
    if (pending) {
      const ref = JSON.stringify({ k: input.kind, s: input.sessionId, r: r.id, e: r.email } satisfies RegistrantRef);
      blocks.push(
        actions(`registrant_${r.id}`.slice(0, 255), [
          button('Approve', REGISTRANT_ACTIONS.approve, ref, { style: 'primary' }),
          button('Deny', REGISTRANT_ACTIONS.deny, ref),
        ]),
      );
    }
  }
  const offset = input.offset ?? 0;
  const total = input.counts?.[input.status] ?? offset + input.registrants.length;
  if (total > shown.length) {
    const more = pending ? ' "Approve all pending" covers every one of them.' : '';
    blocks.push(context(`Showing ${offset + 1}–${offset + shown.length} of ${total} ${input.status} registrants.${more}`));
  }
  if (input.next) blocks.push(actions('registrants_pages', [button('Next page', REGISTRANT_ACTIONS.nextPage, input.next)]));
  return { text: title, blocks };
}

function registrantLine(r: Registrant, zone: string): string {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  const when = r.create_time ? ` · registered ${formatTime(r.create_time, zone)}` : '';
  return `${escapeMrkdwn(name || r.email)} <${mailtoTarget(r.email)}|${escapeMrkdwn(r.email)}>${when}`;
}

/** The outcome of a status change: who was changed, who was already there, who is not registered, what failed. */
/** How a change is marked: a denial is no success to tick off in green. */
export const CHANGE_ICONS = { approve: ':white_check_mark:', deny: ':no_entry_sign:', cancel: ':heavy_minus_sign:' } as const;

export function statusChangeSummary(input: {
  action: keyof typeof CHANGE_ICONS;
  verb: string;
  changed: RegistrantKey[];
  unchanged: Array<{ registrant: RegistrantKey; status: string }>;
  missing: string[];
  failed: Array<{ registrant: RegistrantKey; reason: string }>;
}): string {
  const lines: string[] = [];
  const list = (rs: RegistrantKey[]) => rs.map((r) => escapeMrkdwn(r.email)).join(', ');
  if (input.changed.length > 0) lines.push(`${CHANGE_ICONS[input.action]} ${input.verb} ${input.changed.length}: ${list(input.changed)}`);
  for (const { registrant, status } of input.unchanged) {
    lines.push(`• ${escapeMrkdwn(registrant.email)} is already ${status}; nothing changed.`);
  }
  if (input.missing.length > 0) {
    lines.push(`:warning: Not registered: ${input.missing.map(escapeMrkdwn).join(', ')}`);
  }
  for (const { registrant, reason } of input.failed) {
    lines.push(`:x: ${escapeMrkdwn(registrant.email)}: ${escapeMrkdwn(reason)}`);
  }
  return lines.join('\n') || 'Nobody to change.';
}
