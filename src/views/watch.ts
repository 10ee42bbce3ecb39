// Answers of `/zoom watch`, `/zoom unwatch` and `/zoom watches`: what a channel relays, in words.
import type { KnownBlock } from '@slack/types';
import type { AuditPart } from '../slack/audit.js';
import type { Watch } from '../slack/watches.js';
import { context, section, type SlackMessage } from './blocks.js';

const channelRef = (id: string) => `<#${id}>`;

export function watchStarted(channel: string, watch: Watch, replaced: boolean, command: string): SlackMessage {
  const text = `:eyes: ${channelRef(channel)} now gets an alert for ${describeWatch(watch)}${downloads(watch)}${replaced ? ' (this replaces its earlier watch of that topic)' : ''}.`;
  const jobs = watch.download
    ? ` Each download is a job owned by you: its progress and where the files land go into the thread of the alert, and \`${command} jobs cancel <jobId>\` stops one.`
    : '';
  const passcode = watch.withPasscode
    ? ' Join links keep their passcode (pwd=): anyone who reads the channel can join.'
    : ' Join links are posted without their passcode (pwd=).';
  // The channel by ID: the command may have been typed elsewhere, and a plain `unwatch` stops the watch of the channel
  // it is typed in. (A `<#C…>` mention would show as raw text inside the backticks.)
  const stop = `${command} unwatch ${watch.topic} ${channel}`;
  return { text, blocks: [section(text), context(`Times are shown in ${watch.zone}.${jobs}${passcode} Stop with \`${stop}\`.`)] };
}

export function watchStopped(channel: string, watch: Watch): SlackMessage {
  const text = `${channelRef(channel)} no longer gets alerts for ${describeWatch(watch)}${watch.download ? ', nor downloads its recordings' : ''}.`;
  return { text, blocks: [section(text)] };
}

export function watchList(input: { channels: Array<{ channel: string; watches: Watch[] }>; command: string }): SlackMessage {
  const shown = input.channels.filter((c) => c.watches.length > 0);
  if (shown.length === 0) {
    const text = `No watches here. Start one with \`${input.command} watch meetings #channel\`.`;
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [];
  for (const { channel, watches } of shown.slice(0, 45)) {
    const lines = watches
      .sort((a, b) => a.topic.localeCompare(b.topic))
      .map((w) => `• ${describeWatch(w)}${downloads(w)} — by <@${w.createdBy}>`);
    blocks.push(section(`*${channelRef(channel)}*\n${lines.join('\n')}`));
  }
  const total = shown.reduce((n, c) => n + c.watches.length, 0);
  return { text: `${total} watch${total === 1 ? '' : 'es'} in ${shown.length} channel${shown.length === 1 ? '' : 's'}`, blocks };
}

/** `meetings (meeting.created, …)` or `meetings: only meeting.started`. */
export function describeWatch(watch: Watch): string {
  if (watch.topic === 'events') return `the Zoom events ${watch.events.map((e) => `\`${e}\``).join(', ')}`;
  if (watch.narrowed) return `*${watch.topic}*, only ${watch.events.map((e) => `\`${e}\``).join(', ')}`;
  return `*${watch.topic}* (${watch.events.map((e) => `\`${e}\``).join(', ')})`;
}

/** What a watch does beyond its alerts (`--download`), said after them. */
function downloads(watch: Watch): string {
  return watch.download ? ', and each finished recording is downloaded to the bot’s storage' : '';
}

/** A watch in an audit line: `recordings in <#C…>`, then the events when narrowed, and `--download` when set. */
export function auditedWatch(channel: string, watch: Watch): AuditPart[] {
  const options = `${watch.download ? ', with --download' : ''}${watch.withPasscode ? ', with --with-passcode' : ''}`;
  if (watch.topic === 'events') return [`the Zoom events ${watch.events.join(', ')} in `, { channel }, options];
  return [`${watch.topic} in `, { channel }, `${watch.narrowed ? `, only ${watch.events.join(', ')}` : ''}${options}`];
}

// Slack's word for why a channel is gone (its error code, or the event that said so), as the audit line says it.
const GONE_BECAUSE: Record<string, string> = {
  is_archived: 'the channel is archived',
  channel_deleted: 'the channel was deleted',
  channel_not_found: 'Slack no longer finds the channel',
  not_in_channel: 'ZoomOps is no longer in the channel',
};

/** The audit line of ZoomOps removing the watches of a channel that is gone: which topics, and why. */
export function goneChannelAudit(channel: string, topics: readonly string[], reason: string): AuditPart[] {
  const listed = topics.length > 0 ? ` (${[...topics].sort().join(', ')})` : '';
  return ['removed the watches of ', { channel }, `${listed}: ${GONE_BECAUSE[reason] ?? `Slack says ${reason}`}`];
}
