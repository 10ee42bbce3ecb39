// `/zoom chat channels` and `/zoom chat send`: find a Team Chat channel, and send a message as a Zoom user (the
// invoking admin by default). The message is taken verbatim; a name that matches several channels asks which, and
// the asker's first pick sends it (once: the send waits in Redis and the pick takes it out).
import { z } from 'zod';
import { OUT_OF_DATE, stringFlag } from './args.js';
import { audited } from './audited.js';
import type { ActionDef, CommandDef } from './command.js';
import type { Invocation, ParsedCommand } from './context.js';
import { UsageError, excerpt } from './errors.js';
import { claimPending, stashPending } from './pending.js';
import { parseWho } from './values/people-channels.js';
import { resolveZoomUser } from './who.js';
import { textMessage } from '../views/blocks.js';
import { CANDIDATES_SHOWN, CHAT_ACTIONS, channelListMessage, messageSentLine, whichChannelMessage } from '../views/chat.js';
import {
  CHAT_MESSAGE_MAX,
  allUserChannels,
  filterChannels,
  matchChannel,
  sendChatMessage,
  type ChatRecipient,
} from '../zoom/chat.js';

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
// Zoom channel IDs are long opaque words (32 hex digits in its examples); a name typed by mistake rarely is one.
const CHANNEL_ID = /^[A-Za-z0-9_-]{20,64}$/;
/** The question outlives this long; the response_url its answer goes through lives 30 minutes. */
const PICK_TTL_SECONDS = 15 * 60;
const PICK_KIND = 'chat-pick';

export const chatCommands: CommandDef[] = [
  {
    path: ['chat', 'channels'],
    usage: 'chat channels [<name filter>] [--user <who>]',
    summary: "The Team Chat channels a user is in (yours by default), with their IDs.",
    example: 'chat channels eng --user jane@example.com',
    access: 'write',
    args: {
      positionals: [{ name: 'filter', optional: true, variadic: true }],
      flags: { user: { type: 'string', example: 'jane@example.com' } },
    },
    run: channelsCommand,
  },
  {
    path: ['chat', 'send'],
    usage: 'chat send [--as <who>] <channel name|channelId|email> <message…>',
    summary: 'Send a Team Chat message as a Zoom user (you by default); everything after the channel is the message.',
    example: 'chat send --as jane@example.com engineering "Deploy starts at 17:00"',
    access: 'write',
    args: {
      positionals: [{ name: 'channel', example: 'engineering' }],
      flags: { as: { type: 'string', example: 'jane@example.com' } },
      rest: { name: 'message', unquote: true },
    },
    run: sendCommand,
  },
];

// ---- channels ---------------------------------------------------------------------------------------------

async function channelsCommand(inv: Invocation, args: ParsedCommand): Promise<void> {
  const user = await resolveZoomUser(inv, parseWho(stringFlag(args, 'user') ?? 'me'));
  const filter = args.positionals.join(' ').trim() || undefined;
  const channels = filterChannels(await allUserChannels(inv.services.zoom, user.id), filter);
  await inv.reply(channelListMessage({ owner: user.email, filter, channels }));
}

// ---- send -------------------------------------------------------------------------------------------------

/** A send waiting in Redis for the admin to pick the channel; each candidate's button names its index. */
const PendingSend = z.object({
  /** Candidates: channel ID and name. */
  channels: z.array(z.object({ c: z.string().min(1), n: z.string() })).min(1),
  /** Sender: Zoom user ID and email. */
  u: z.string().min(1),
  s: z.string(),
  m: z.string().min(1).max(CHAT_MESSAGE_MAX),
});
type PendingSend = z.infer<typeof PendingSend>;
/** A pick button's value: `<candidate index>:<pending value>`. */
const PICK_VALUE = /^(\d{1,2}):(.+)$/;

async function sendCommand(inv: Invocation, args: ParsedCommand): Promise<void> {
  const target = args.positionals[0] ?? '';
  const message = args.rest ?? '';
  if (Array.from(message).length > CHAT_MESSAGE_MAX) {
    throw new UsageError(`The message has ${Array.from(message).length} characters; Zoom takes at most ${CHAT_MESSAGE_MAX}. Shorten it or send it in parts.`);
  }
  const sender = await resolveZoomUser(inv, parseWho(stringFlag(args, 'as') ?? 'me', 'as'));

  if (EMAIL.test(target)) {
    await send(inv, { u: sender.id, s: sender.email }, { toContact: target }, target, message);
    return;
  }
  const channels = await allUserChannels(inv.services.zoom, sender.id);
  const match = matchChannel(target, channels);
  if (match.kind === 'one') {
    await send(inv, { u: sender.id, s: sender.email }, { toChannel: match.channel.id }, channelLabel(match.channel.name), message);
    return;
  }
  if (match.kind === 'several') {
    // One pending send for the whole question: a second click, on any of its buttons, finds nothing to send.
    const shown = match.candidates.slice(0, CANDIDATES_SHOWN);
    const pending: PendingSend = { channels: shown.map((c) => ({ c: c.id, n: c.name })), u: sender.id, s: sender.email, m: message };
    const pendingValue = await stashPending(inv, PICK_KIND, pending, PICK_TTL_SECONDS);
    const candidates = shown.map((channel, index) => ({ channel, value: `${index}:${pendingValue}` }));
    await inv.reply(whichChannelMessage({ typed: target, candidates, more: match.candidates.length - shown.length }));
    return;
  }
  // Not among the sender's channels: an ID is sent as given (Zoom says if the sender is not in it), a name is not.
  if (CHANNEL_ID.test(target)) {
    await send(inv, { u: sender.id, s: sender.email }, { toChannel: target }, `channel ${target}`, message);
    return;
  }
  throw new UsageError(
    `${sender.email} is in no Team Chat channel named “${excerpt(target)}”. \`${inv.services.config.slack.command} chat channels\` lists them; give a name, a channel ID or an email.`,
  );
}

async function send(
  inv: Invocation,
  sender: { u: string; s: string },
  to: ChatRecipient,
  label: string,
  message: string,
  opts: { replaceOriginal?: boolean } = {},
): Promise<void> {
  const messageId = await audited(inv, `sent a Team Chat message as ${sender.s} to ${label}`, () =>
    sendChatMessage(inv.services.zoom, sender.u, to, message),
  );
  await inv.reply(textMessage(messageSentLine({ sender: sender.s, to: label, messageId })), opts);
}

function channelLabel(name: string): string {
  return name ? `#${name}` : 'the channel';
}

export const chatActions: ActionDef[] = [
  {
    actionId: CHAT_ACTIONS.pick,
    access: 'write',
    run: async (inv, value) => {
      const [, index = '', pendingValue = ''] = PICK_VALUE.exec(value) ?? [];
      const pending = await claimPending(inv, PICK_KIND, pendingValue, PendingSend);
      const picked = pending.channels[Number(index)];
      if (!picked) throw new UsageError(OUT_OF_DATE);
      // The question gives way to the answer, so its buttons are gone once the message is sent.
      await send(inv, pending, { toChannel: picked.c }, channelLabel(picked.n), pending.m, { replaceOriginal: true });
    },
  },
];
