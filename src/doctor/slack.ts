// The Slack half of the doctor: the token and its scopes, the command, and every channel and person the bot is
// configured to reach.
import type { Principals } from '../config.js';
import { WatchStore } from '../slack/watches.js';
import type { DoctorDeps } from './deps.js';
import { bad, good, reason, type DoctorLine } from './line.js';

/** The bot scopes manifest.yml asks for (a unit test keeps the two the same). */
export const MANIFEST_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'users:read.email',
  'usergroups:read',
  'files:write',
  'channels:read',
  'groups:read',
  'im:write',
] as const;

export async function slackChecks(deps: DoctorDeps): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [];
  let scopes: string[] | undefined;
  try {
    const auth = await deps.slack.auth.test();
    scopes = auth.response_metadata?.scopes;
    lines.push(good('Slack', `The bot token works (workspace ${auth.team ?? auth.team_id ?? 'unknown'}).`));
  } catch (error) {
    lines.push(bad('Slack', `The bot token does not work: ${reason(error)}.`, "Copy the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & Permissions page to SLACK_BOT_TOKEN."));
    return lines;
  }
  lines.push(scopeLine(scopes));
  lines.push(good('Slack', `The slash command is \`${deps.config.slack.command}\`; the manifest's slash command must have the same name.`));
  if (deps.config.auditChannel) lines.push(await auditChannelLine(deps, deps.config.auditChannel));
  const store = new WatchStore(deps.redis, deps.keyPrefix);
  for (const channel of await store.channels()) {
    const topics = (await store.ofChannel(channel)).map((w) => w.topic);
    lines.push(await watchedChannelLine(deps, channel, topics));
  }
  lines.push(...(await principalLines(deps, 'ZOOMOPS_ADMINS', deps.config.access.admins)));
  lines.push(...(await principalLines(deps, 'ZOOMOPS_VIEWERS', deps.config.access.viewers)));
  return lines;
}

function scopeLine(scopes: string[] | undefined): DoctorLine {
  if (scopes === undefined) {
    return bad('Slack', 'Slack did not say which scopes the bot token has.', 'Reinstall the app from manifest.yml so the token carries its scopes.');
  }
  const missing = MANIFEST_BOT_SCOPES.filter((s) => !scopes.includes(s));
  if (missing.length === 0) return good('Slack', "The bot token has every scope of the manifest.");
  const names = missing.map((s) => `\`${s}\``).join(', ');
  return bad('Slack', `The bot token lacks ${names}.`, `Add ${names} under OAuth & Permissions → Bot Token Scopes (or paste manifest.yml again), then reinstall the app.`);
}

interface ChannelState {
  ok: boolean;
  name: string;
  private: boolean;
  member: boolean;
  archived: boolean;
  error?: string;
}

async function channelState(deps: DoctorDeps, channel: string): Promise<ChannelState> {
  try {
    const info = await deps.slack.conversations.info({ channel });
    const c = info.channel ?? {};
    return { ok: true, name: c.name ? `#${c.name}` : channel, private: Boolean(c.is_private), member: Boolean(c.is_member), archived: Boolean(c.is_archived) };
  } catch (error) {
    return { ok: false, name: channel, private: false, member: false, archived: false, error: reason(error) };
  }
}

async function auditChannelLine(deps: DoctorDeps, channel: string): Promise<DoctorLine> {
  const state = await channelState(deps, channel);
  if (!state.ok) return bad('Slack', `The audit channel ${channel} cannot be read: ${state.error}.`, 'Invite the bot to the channel, or correct ZOOMOPS_AUDIT_CHANNEL (a channel ID, C…).');
  if (state.archived) return bad('Slack', `The audit channel ${state.name} is archived.`, 'Unarchive it, or set ZOOMOPS_AUDIT_CHANNEL to another channel.');
  if (!state.member) return bad('Slack', `The bot is not a member of the audit channel ${state.name}.`, `Invite the bot to ${state.name} (\`/invite @zoomops\`).`);
  return good('Slack', `The audit channel ${state.name} is reachable.`);
}

async function watchedChannelLine(deps: DoctorDeps, channel: string, topics: readonly string[]): Promise<DoctorLine> {
  const state = await channelState(deps, channel);
  // Typed from any channel: the watching one may be archived or closed to the bot.
  const commands = topics.map((t) => `\`${deps.config.slack.command} unwatch ${t} ${state.name}\``).join(', ');
  const unwatch = `stop its watches from another channel with ${commands}`;
  const fix = `Invite the bot to ${state.name}, or ${unwatch}.`;
  if (!state.ok) return bad('Slack', `The watching channel ${channel} cannot be read: ${state.error}.`, fix);
  if (state.archived) return bad('Slack', `The watching channel ${state.name} is archived.`, `Unarchive ${state.name}, or ${unwatch}.`);
  // chat:write.public posts into public channels without joining; a private one needs the bot inside.
  if (state.private && !state.member) return bad('Slack', `The bot is not in the private watching channel ${state.name}.`, fix);
  return good('Slack', `The watching channel ${state.name} can be posted to.`);
}

async function principalLines(deps: DoctorDeps, variable: string, principals: Principals | undefined): Promise<DoctorLine[]> {
  if (!principals) return [];
  const unknown: string[] = [];
  for (const user of principals.users) {
    try {
      await deps.slack.users.info({ user });
    } catch {
      unknown.push(user);
    }
  }
  for (const usergroup of principals.groups) {
    try {
      await deps.slack.usergroups.users.list({ usergroup });
    } catch {
      unknown.push(usergroup);
    }
  }
  if (unknown.length === 0) return [good('Slack', `Every ID in ${variable} is a Slack user or user group.`)];
  return [bad('Slack', `${variable} names IDs Slack does not know: ${unknown.join(', ')}.`, `Correct or remove them in ${variable} (Slack shows a member's ID under Profile → ⋮ → Copy member ID).`)];
}
