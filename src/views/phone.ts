// Block Kit for Zoom Phone call history: one line per call (direction, caller → callee, start in the reader's zone,
// duration, result), a Next page button that walks back in time, and the CSV button.
import type { KnownBlock } from '@slack/types';
import type { PhoneCall, PhoneParty } from '../zoom/phone.js';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { csvButton } from './csv.js';
import { escapeMrkdwn, formatTime } from './format.js';

export const PHONE_ACTIONS = {
  nextPage: 'phone.calls.next',
  csv: 'phone.calls.csv',
} as const;

const DIRECTION: Record<string, string> = { inbound: ':arrow_lower_left: In', outbound: ':arrow_upper_right: Out' };

export function phoneCallsMessage(input: {
  /** `Calls of the account`, `Calls of ana@example.com`. */
  title: string;
  /** `1 Nov – 30 Nov 2026`. */
  period: string;
  calls: readonly PhoneCall[];
  zone: string;
  /** The Next page button's value; absent on the last page. */
  next?: string;
  /** The CSV button's value. */
  csv: string;
}): SlackMessage {
  const title = `*${escapeMrkdwn(input.title)}*, ${escapeMrkdwn(input.period)}`;
  const buttons = [...(input.next ? [button('Next page', PHONE_ACTIONS.nextPage, input.next)] : []), csvButton(PHONE_ACTIONS.csv, input.csv)];
  if (input.calls.length === 0) {
    return { text: `${escapeMrkdwn(input.title)}: no calls`, blocks: [section(`${title}: no calls.`)] };
  }
  const blocks: KnownBlock[] = [
    section(title),
    ...input.calls.map((call) => section(callLine(call, input.zone))),
    context('Times are in your time zone. The CSV has every call of the period and comes in a direct message.'),
    actions('phone_calls_pages', buttons),
  ];
  return { text: `${escapeMrkdwn(input.title)}, ${escapeMrkdwn(input.period)}`, blocks };
}

function callLine(call: PhoneCall, zone: string): string {
  const direction = DIRECTION[call.direction ?? ''] ?? escapeMrkdwn(call.direction ?? 'Call');
  const when = call.startTime ? formatTime(call.startTime, zone) : 'start unknown';
  const facts = [when, call.durationSeconds === undefined ? undefined : formatSeconds(call.durationSeconds), call.result?.replace(/_/g, ' ')];
  return `${direction} · ${facts.filter(Boolean).map((f) => escapeMrkdwn(f!)).join(' · ')}\n` +
    `${escapeMrkdwn(partyLabel(call.caller))} → ${escapeMrkdwn(partyLabel(call.callee))}`;
}

/** `Ana Lima (ext 101)`, `+4930123456`, `unknown`. */
export function partyLabel(party: PhoneParty): string {
  const who = party.name ?? party.email;
  const where = party.number ?? (party.extension ? `ext ${party.extension}` : undefined);
  if (who && where) return `${who} (${where})`;
  return who ?? where ?? 'unknown';
}

/** `20 s`, `5 min 30 s`, `1 h 2 min`. */
export function formatSeconds(total: number): string {
  const seconds = Math.max(0, Math.round(total));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}
