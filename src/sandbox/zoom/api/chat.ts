// Team Chat in the sandbox: a user's channels (`GET /chat/users/{userId}/channels`, 10 a page by default) and
// sending a message to a channel or a contact (`POST /chat/users/{userId}/messages`, 201 {id}).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ZoomError, json, parseBody, userNotFound, validationFailed } from '../http.js';
import { paginate } from '../paging.js';
import { api, type Route, type SandboxContext } from '../router.js';
import { findUser, requireUser, zoomTime, type ChatChannel, type ChatMessage, type SandboxUser } from '../store.js';

const MessageBody = z.looseObject({
  message: z.string().min(1).max(4096),
  to_channel: z.string().min(1).optional(),
  to_contact: z.string().min(1).optional(),
});

export function channelJson(ctx: SandboxContext, channel: ChatChannel): Record<string, unknown> {
  return {
    id: channel.id,
    jid: channel.jid,
    name: channel.name,
    type: channel.type,
    channel_url: `${ctx.baseUrl()}/launch/chat/${channel.id}`,
    channel_settings: {
      add_member_permissions: 1,
      new_members_can_see_previous_messages_files: true,
      posting_permissions: 1,
      mention_all_permissions: 1,
      allow_to_add_external_users: 0,
    },
  };
}

/** Stores a message and sends Zoom's chat_message.sent webhook (also used by the console's "chat message"). */
export function postMessage(
  ctx: SandboxContext,
  sender: SandboxUser,
  target: { channel?: ChatChannel; contact?: SandboxUser },
  text: string,
): ChatMessage {
  const now = ctx.now();
  const message: ChatMessage = {
    id: randomUUID(),
    senderId: sender.id,
    ...(target.channel ? { channelId: target.channel.id } : {}),
    ...(target.contact ? { toContact: target.contact.email } : {}),
    message: text,
    dateTime: zoomTime(now),
  };
  ctx.state.messages.push(message);
  ctx.webhooks.send({
    event: 'chat_message.sent',
    payload: {
      operator: sender.email,
      operator_id: sender.id,
      object: {
        id: message.id,
        type: target.channel ? 'to_channel' : 'to_contact',
        date_time: message.dateTime,
        timestamp: now.getTime(),
        session_id: target.channel?.id ?? target.contact?.id,
        ...(target.contact ? { contact_email: target.contact.email, contact_id: target.contact.id } : {}),
        ...(target.channel ? { channel_id: target.channel.id, channel_name: target.channel.name } : {}),
        message: text,
      },
    },
  });
  return message;
}

export const chatRoutes: Route[] = [
  api('GET', '/chat/users/:userId/channels', 'medium', (ctx, { params, query }) => {
    const user = requireUser(ctx.state, params.userId ?? '');
    const channels = ctx.state.channels.filter((c) => c.memberIds.includes(user.id));
    const page = paginate(channels, query, { defaultSize: 10, maxSize: 1000 }, `/chat/users/${user.id}/channels`);
    const { page_count: _count, ...fields } = page.fields;
    return json({ channels: page.items.map((c) => channelJson(ctx, c)), ...fields });
  }),
  api('POST', '/chat/users/:userId/messages', 'medium', (ctx, { params, body }) => {
    const sender = requireUser(ctx.state, params.userId ?? '');
    const input = parseBody(body, MessageBody);
    if (!input.to_channel && !input.to_contact) throw validationFailed('to_channel', 'to_channel or to_contact is required');
    if (input.to_channel) {
      const channel = ctx.state.channels.find((c) => c.id === input.to_channel);
      if (!channel) throw new ZoomError(404, 4130, `Channel does not exist: ${input.to_channel}.`);
      return json({ id: postMessage(ctx, sender, { channel }, input.message).id }, 201);
    }
    const contact = findUser(ctx.state, input.to_contact ?? '');
    if (!contact) throw userNotFound(input.to_contact ?? '');
    return json({ id: postMessage(ctx, sender, { contact }, input.message).id }, 201);
  }),
];
