// What the console page shows one person in one channel: the channels they are in, the messages they may see
// (ephemeral ones marked), their open modal, and who everyone is. Plain JSON for the page's renderer.
import { fileUrl } from './web-api.js';
import { BOT_USER_ID, TEAM_NAME, type Workspace } from './workspace.js';
import { SLACKBOT } from './actions.js';

export interface PageStateOptions {
  command: string;
  baseUrl: () => string;
  simulate: boolean;
}

export function pageState(workspace: Workspace, opts: PageStateOptions, userId: string, channelId: string | undefined) {
  const me = workspace.users.get(userId);
  if (!me) return undefined;
  const channels = [...workspace.channels.values()]
    .filter((c) => (c.kind === 'im' ? c.user === userId : c.members.has(userId)))
    .map((c) => ({
      id: c.id,
      name: c.kind === 'im' ? 'ZoomOps' : c.name,
      kind: c.kind,
      botIsMember: c.botIsMember,
      count: workspace.visible(c.id, userId).length,
    }));
  const channel = channels.find((c) => c.id === channelId) ?? channels[0]!;
  const names: Record<string, string> = { [BOT_USER_ID]: 'ZoomOps', [SLACKBOT]: 'Slackbot' };
  for (const u of workspace.users.values()) names[u.id] = u.realName;
  const channelNames: Record<string, string> = {};
  for (const c of workspace.channels.values()) if (c.kind === 'channel') channelNames[c.id] = c.name;
  const top = workspace.topView(userId);
  return {
    sandbox: true,
    team: TEAM_NAME,
    command: opts.command,
    simulate: opts.simulate,
    me: { id: me.id, name: me.realName, email: me.email, isAdmin: me.isAdmin },
    users: [...workspace.users.values()].map((u) => ({ id: u.id, name: u.realName, email: u.email, isAdmin: u.isAdmin })),
    names,
    channelNames,
    channels,
    channel,
    messages: workspace.visible(channel.id, userId).map((m) => ({
      ts: m.ts,
      user: m.user,
      author: names[m.user] ?? m.user,
      isBot: m.user === BOT_USER_ID || m.user === SLACKBOT,
      text: m.text,
      blocks: m.blocks ?? null,
      ephemeral: Boolean(m.visibleTo),
      edited: Boolean(m.edited),
      threadTs: m.threadTs ?? null,
      files: (m.files ?? []).flatMap((id) => {
        const file = workspace.files.get(id);
        return file ? [{ id, name: file.name, title: file.title, size: file.bytes?.length ?? 0, url: fileUrl(opts, file) }] : [];
      }),
    })),
    modal: top ? { id: top.id, hash: top.hash, view: top.view, errors: top.errors ?? {}, problem: top.problem ?? null, depth: workspace.views.get(userId)?.length ?? 1 } : null,
  };
}
