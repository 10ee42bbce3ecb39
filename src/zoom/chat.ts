// Zoom Team Chat: a user's channels (to find one by name) and sending a message as a user.
import { z } from 'zod';
import { clampPageSize, type ZoomClient, type ZoomListRequest } from './client.js';
import { zoomPath } from './ids.js';

/** Zoom's limit on one message's text (its spec: maxLength 1024). */
export const CHAT_MESSAGE_MAX = 1024;
/** Zoom's maximum page size for a user's channels. */
export const USER_CHANNELS_PAGE_MAX = 1000;

export const ChatChannel = z.looseObject({
  id: z.string(),
  name: z.string().nullish().transform((v) => v ?? ''),
  /** 1 private, 2 private within the account, 3 public, 4 instant meeting chat, 5 public across accounts. */
  type: z.number().optional(),
});
export type ChatChannel = z.infer<typeof ChatChannel>;

const SentMessage = z.looseObject({ id: z.string() });

/** `GET /chat/users/{userId}/channels` (Medium), for zoom.page or zoom.paginate. */
export function userChannelsRequest(userId: string, pageSize = USER_CHANNELS_PAGE_MAX): ZoomListRequest<ChatChannel> {
  return {
    method: 'GET',
    path: zoomPath`/chat/users/${userId}/channels`,
    query: { page_size: clampPageSize(pageSize, USER_CHANNELS_PAGE_MAX) },
    label: 'medium',
    itemsKey: 'channels',
    item: ChatChannel,
  };
}

/** Every channel the user is in: a message can only be sent to one of these. */
export async function allUserChannels(zoom: ZoomClient, userId: string): Promise<ChatChannel[]> {
  const channels: ChatChannel[] = [];
  for await (const page of zoom.paginate(userChannelsRequest(userId))) channels.push(...page.items);
  return channels;
}

export type ChatRecipient = { toChannel: string } | { toContact: string };

/** `POST /chat/users/{userId}/messages` (Medium): sends `message` as that user; returns Zoom's message ID. */
export async function sendChatMessage(
  zoom: ZoomClient,
  userId: string,
  recipient: ChatRecipient,
  message: string,
): Promise<string> {
  const to = 'toChannel' in recipient ? { to_channel: recipient.toChannel } : { to_contact: recipient.toContact };
  const sent = await zoom.request({
    method: 'POST',
    path: zoomPath`/chat/users/${userId}/messages`,
    body: { message, ...to },
    label: 'medium',
    schema: SentMessage,
  });
  return sent.id;
}

export type ChannelMatch =
  | { kind: 'one'; channel: ChatChannel }
  | { kind: 'several'; candidates: ChatChannel[] }
  | { kind: 'none' };

/**
 * Finds the channel an admin named: its ID, else its exact name (as typed, then ignoring case), else the names that
 * contain what was typed. Only several partial matches are ambiguous; a leading `#` is ignored.
 */
export function matchChannel(typed: string, channels: readonly ChatChannel[]): ChannelMatch {
  const wanted = typed.trim().replace(/^#/, '');
  const lower = wanted.toLowerCase();
  const exact =
    channels.find((c) => c.id === wanted) ??
    channels.find((c) => c.name === wanted) ??
    onlyOne(channels.filter((c) => c.name.toLowerCase() === lower));
  if (exact) return { kind: 'one', channel: exact };
  // Only an exact name sends at once: a message posted to the wrong channel cannot be unsent, so even a single
  // partial match is asked about (one button) rather than guessed.
  const partial = lower === '' ? [] : channels.filter((c) => c.name.toLowerCase().includes(lower));
  return partial.length > 0 ? { kind: 'several', candidates: partial } : { kind: 'none' };
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** Channels whose name contains `filter` (any case); all of them without one. */
export function filterChannels(channels: readonly ChatChannel[], filter?: string): ChatChannel[] {
  const lower = filter?.trim().replace(/^#/, '').toLowerCase() ?? '';
  return channels.filter((c) => lower === '' || c.name.toLowerCase().includes(lower));
}
