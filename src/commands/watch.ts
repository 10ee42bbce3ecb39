// `/zoom watch`, `/zoom unwatch`, `/zoom watches`: which Slack channel relays which Zoom events (docs/command-grammar.md), and
// `--download`, this version's extension of `watch recordings`: each finished recording is downloaded as well.
// The subscriptions live in Redis (slack/watches.ts); the relay worker reads them for every event.
import type { CommandDef } from './command.js';
import type { CommandInvocation, ParsedCommand } from './context.js';
import { stringFlag } from './args.js';
import { audited } from './audited.js';
import { UsageError, quoted } from './errors.js';
import { parseChannel } from './values/people-channels.js';
import { WatchStore, eventsOfTopic, type Watch } from '../slack/watches.js';
import { auditedWatch, watchList, watchStarted, watchStopped } from '../views/watch.js';
import { AUTO_DOWNLOAD_EVENTS } from '../jobs/auto-download.js';
import { EVENT_NAME, EVENT_TOPICS, WATCH_TOPICS, type WatchTopic } from '../zoom/events.js';
import type { Config } from '../config.js';

const topic = { name: 'topic', type: 'string', choices: WATCH_TOPICS, example: 'meetings' } as const;
const channel = { name: 'channel', type: 'string', optional: true } as const;

export const watchCommands: CommandDef[] = [
  {
    path: ['watch'],
    usage: 'watch <topic> [#channel] [--events <name,…>] [--download] [--with-passcode]',
    summary:
      `Relay Zoom events to a channel as they happen. Topics: ${WATCH_TOPICS.join(', ')}. ` +
      'With recordings, --download also saves each finished recording (and later its transcript) as `recordings download` does, progress in the alert’s thread. ' +
      'Join links are posted without their passcode (pwd=), so reading the channel is not enough to join; --with-passcode keeps it.',
    example: 'watch recordings #zoom-alerts --download',
    access: 'write',
    args: {
      positionals: [topic, channel],
      flags: {
        events: { type: 'string', example: '--events meeting.started,meeting.ended' },
        download: { type: 'boolean' },
        'with-passcode': { type: 'boolean' },
      },
    },
    run: watch,
  },
  {
    path: ['unwatch'],
    usage: 'unwatch <topic> [#channel]',
    summary: 'Stop relaying a topic to a channel.',
    example: 'unwatch recordings #zoom-alerts',
    access: 'write',
    args: { positionals: [topic, channel] },
    run: unwatch,
  },
  {
    path: ['watches'],
    usage: 'watches [#channel] [--all]',
    summary: 'What a channel relays (this one unless named); --all lists every channel.',
    example: 'watches --all',
    access: 'read',
    args: { positionals: [channel], flags: { all: { type: 'boolean' } } },
    run: watches,
  },
];

const store = (inv: CommandInvocation) => new WatchStore(inv.services.redis, inv.services.keyPrefix);
const targetChannel = (inv: CommandInvocation, typed: string | undefined) => (typed ? parseChannel(typed) : inv.channelId);

async function watch(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const { config } = inv.services;
  const command = config.slack.command;
  if (!eventsConfigured(config)) {
    throw new UsageError(
      'Zoom events are not configured, so nothing would arrive. Set ZOOM_WEBHOOK_SECRET_TOKEN (and point the Zoom app’s ' +
        'event subscription at https://<this host>/zoom/webhooks) or ZOOM_WS_SUBSCRIPTION_ID (WebSocket, no inbound port), ' +
        'then restart ZoomOps; the README’s "Zoom events" section has the steps.',
    );
  }
  const name = args.positionals[0] as WatchTopic;
  const events = requestedEvents(name, stringFlag(args, 'events'), command);
  const watched = eventsOfTopic(name, events);
  const download = args.flags.download === true;
  if (download) checkDownloadable(name, watched, command);
  const channelId = targetChannel(inv, args.positionals[1]);
  await checkPostable(inv, channelId);
  const watchRecord: Watch = {
    topic: name,
    events: watched,
    narrowed: name !== 'events' && events !== undefined,
    ...(download ? { download } : {}),
    ...(args.flags['with-passcode'] === true ? { withPasscode: true } : {}),
    createdBy: inv.person.id,
    zone: inv.person.tz,
    createdAt: inv.services.now().toISO() ?? new Date().toISOString(),
  };
  const line = ['set up a watch of ', ...auditedWatch(channelId, watchRecord)];
  const replaced = await audited(inv, line, () => store(inv).add(channelId, watchRecord), (earlier) =>
    earlier ? [...line, ' (replacing the earlier one)'] : line,
  );
  await inv.reply(watchStarted(channelId, watchRecord, replaced !== undefined, inv.services.config.slack.command));
}

async function unwatch(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const name = args.positionals[0]!;
  const channelId = targetChannel(inv, args.positionals[1]);
  // Nothing to remove changes nothing: no audit line, only the answer saying so.
  const removed = await audited(inv, [`removed the watch of ${name} in `, { channel: channelId }], () => store(inv).remove(channelId, name), (watch) =>
    watch ? ['removed the watch of ', ...auditedWatch(channelId, watch)] : undefined,
  );
  if (!removed) {
    throw new UsageError(`<#${channelId}> does not watch ${name}. \`${inv.services.config.slack.command} watches\` lists what it watches.`);
  }
  await inv.reply(watchStopped(channelId, removed));
}

async function watches(inv: CommandInvocation, args: ParsedCommand): Promise<void> {
  const watchStore = store(inv);
  const channels = args.flags.all === true ? await watchStore.channels() : [targetChannel(inv, args.positionals[0])];
  const listed = await Promise.all(channels.map(async (c) => ({ channel: c, watches: await watchStore.ofChannel(c) })));
  await inv.reply(watchList({ channels: listed, command: inv.services.config.slack.command }));
}

export function eventsConfigured(config: Config): boolean {
  return config.zoom.webhookSecrets.length > 0 || Boolean(config.zoom.wsSubscriptionId);
}

/** `--events` checked against the topic: the `events` topic needs it and takes any names; others only their own. */
function requestedEvents(name: WatchTopic, flag: string | undefined, command: string): string[] | undefined {
  const names = flag?.split(',').map((s) => s.trim()).filter(Boolean);
  if (name === 'events') {
    if (!names || names.length === 0) {
      throw new UsageError('Name the Zoom events to relay with --events.', { example: `${command} watch events --events meeting.started,user.signed_in` });
    }
    const bad = names.filter((n) => !EVENT_NAME.test(n));
    if (bad.length > 0) {
      throw new UsageError(`${quoted(bad.join(', '))} ${bad.length === 1 ? 'is not a Zoom event name' : 'are not Zoom event names'}; they look like meeting.started.`);
    }
    return names;
  }
  if (!names) return undefined;
  const allowed: readonly string[] = EVENT_TOPICS[name];
  const foreign = names.filter((n) => !allowed.includes(n));
  if (foreign.length > 0) {
    throw new UsageError(
      `The ${name} topic does not relay ${foreign.join(', ')}; it relays ${allowed.join(', ')}. Use \`${command} watch events --events …\` for any other event.`,
    );
  }
  return names;
}

/** `--download` saves recordings: only the recordings topic, and only with an event that starts a download. */
function checkDownloadable(name: WatchTopic, events: readonly string[], command: string): void {
  if (name !== 'recordings') {
    throw new UsageError(
      `--download saves each finished cloud recording, so it goes with the recordings topic only, not ${name}: \`${command} watch recordings #channel --download\`.`,
    );
  }
  const triggers = Object.keys(AUTO_DOWNLOAD_EVENTS);
  if (!events.some((e) => triggers.includes(e))) {
    throw new UsageError(`--download starts on ${triggers.join(' or ')}; add one of them to --events, or leave --events out.`);
  }
}

/**
 * A public channel takes posts without the bot joining (chat:write.public); a private one needs an invitation.
 * Also the check of the channel registrant rules report to (`rules set --channel`).
 */
export async function checkPostable(inv: CommandInvocation, channelId: string): Promise<void> {
  const invite = `invite ZoomOps to <#${channelId}> first (\`/invite @ZoomOps\` in that channel), then run this again.`;
  let info: { is_private?: boolean; is_member?: boolean; is_archived?: boolean; is_im?: boolean } | undefined;
  try {
    info = (await inv.services.slack.conversations.info({ channel: channelId })).channel;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found') throw new UsageError(`ZoomOps cannot see that channel; if it is private, ${invite}`);
    throw error;
  }
  if (info?.is_archived) throw new UsageError(`<#${channelId}> is archived; pick a channel that is in use.`);
  if (info?.is_im) throw new UsageError('Alerts go to channels, not direct messages; name a channel, e.g. #zoom-alerts.');
  if (info?.is_private && !info.is_member) throw new UsageError(`<#${channelId}> is private and ZoomOps is not in it: ${invite}`);
}
