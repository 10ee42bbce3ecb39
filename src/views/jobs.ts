// Block Kit for jobs: the progress message a job keeps updated in the admin's DM, and `/zoom jobs` answers.
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { RegistrantFailure, RegistrantKey } from '../zoom/registrant-changes.js';
import { chunkLines, context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatDateTime, formatSize, progressBar, truncate } from './format.js';

export interface RegistrantJobView {
  jobId: string;
  description: string;
  state: 'queued' | 'planning' | 'running' | 'finished' | 'cancelled';
  done?: number;
  total?: number;
  failed?: number;
  changed?: number;
  /** Already changed before a restart, found so in Zoom and not sent again. */
  skipped?: number;
  unchanged?: Array<{ registrant: RegistrantKey; status: string }>;
  missing?: string[];
  failures?: RegistrantFailure[];
  cancelledBy?: string;
  /** The slash command, for the cancel hint. */
  command: string;
}

/** Registrants named one by one in a summary; past this the full list goes along as a CSV file. */
export const FAILURES_LISTED = 50;
const NAMES_PER_LIST = 20;
const REASON_GROUPS = 5;
// Slack refuses a message whose blocks hold more than about 12,000 characters of text (msg_blocks_too_long).
const GROUP_TEXT_MAX = 1_500;

export function registrantJobMessage(view: RegistrantJobView): SlackMessage {
  const head = `*${escapeMrkdwn(view.description)}* · job \`${view.jobId}\``;
  const total = view.total ?? 0;
  const done = view.done ?? 0;
  const failed = view.failed ?? view.failures?.length ?? 0;
  const counts = `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} done${failed ? ` · ${failed} failed` : ''}`;
  switch (view.state) {
    case 'queued':
      return message(`${escapeMrkdwn(view.description)}: queued (job ${view.jobId})`, [section(`:hourglass_flowing_sand: ${head}\nQueued; starts as soon as a worker is free.`)]);
    case 'planning':
      return message(`${escapeMrkdwn(view.description)}: looking up registrants`, [section(`:mag: ${head}\nLooking up the registrants in Zoom…`)]);
    case 'running':
      return message(`${escapeMrkdwn(view.description)}: ${counts}`, [
        section(`:arrows_counterclockwise: ${head}\n\`${progressBar(done, total)}\`\n${counts}`),
        context(`Cancel with \`${view.command} jobs cancel ${view.jobId}\`.`),
      ]);
    default:
      return summary(view, head, counts);
  }
}

function summary(view: RegistrantJobView, head: string, counts: string): SlackMessage {
  const cancelled = view.state === 'cancelled';
  const failures = view.failures ?? [];
  const icon = cancelled ? ':no_entry_sign:' : failures.length > 0 ? ':warning:' : ':white_check_mark:';
  const lines = [
    `${icon} ${head}`,
    cancelled ? `Cancelled by <@${view.cancelledBy}> after ${counts}.` : `Finished: ${counts}.`,
    `Changed: ${(view.changed ?? 0).toLocaleString('en-US')}.`,
  ];
  if (view.skipped) lines.push(`Already done before a restart (checked in Zoom, not sent again): ${view.skipped}.`);
  if (view.unchanged?.length) {
    lines.push(`Already in that status, not sent: ${someOf(view.unchanged.map((u) => `${u.registrant.email} (${u.status})`))}.`);
  }
  if (view.missing?.length) lines.push(`:warning: Not registered: ${someOf(view.missing)}.`);
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  // One line per reason: three thousand registrants refused for one daily quota read as one sentence.
  const byReason = new Map<string, string[]>();
  for (const f of failures) byReason.set(f.reason, [...(byReason.get(f.reason) ?? []), f.registrant.email]);
  const groups = [...byReason].sort((a, b) => b[1].length - a[1].length);
  for (const [reason, emails] of groups.slice(0, REASON_GROUPS)) {
    blocks.push(section(truncate(`:x: ${emails.length} failed: ${escapeMrkdwn(reason)}\n${someOf(emails)}`, GROUP_TEXT_MAX)));
  }
  if (groups.length > REASON_GROUPS) blocks.push(context(`…and ${groups.length - REASON_GROUPS} other reasons.`));
  if (failures.length > FAILURES_LISTED) {
    blocks.push(context(`Every failed registrant and the reason are in \`${view.jobId}-failures.csv\`, sent with this message.`));
  }
  return message(`${escapeMrkdwn(view.description)}: ${cancelled ? 'cancelled' : 'finished'}, ${counts}`, blocks);
}

/** `a@x, b@y … and 120 more`, escaped. */
function someOf(items: readonly string[]): string {
  const shown = items.slice(0, NAMES_PER_LIST).map(escapeMrkdwn).join(', ');
  return items.length > NAMES_PER_LIST ? `${shown} … and ${(items.length - NAMES_PER_LIST).toLocaleString('en-US')} more` : shown;
}

function message(text: string, blocks: KnownBlock[]): SlackMessage {
  return { text, blocks };
}

/** A job that gave up after its last attempt: its progress message says so instead of staying at "running". */
export function jobFailedMessage(input: { jobId: string; description: string; reason: string; attempts: number; command: string }): SlackMessage {
  // A reason can be a whole validation report; the message must stay within what Slack accepts.
  const reason = escapeMrkdwn(truncate(input.reason, 1_000));
  const text = `:x: *${escapeMrkdwn(input.description)}* · job \`${input.jobId}\`\nFailed after ${input.attempts} attempt(s): ${reason}`;
  return {
    text: `${escapeMrkdwn(input.description)}: failed`,
    blocks: [section(text), context(`\`${input.command} jobs retry ${input.jobId}\` runs it again.`)],
  };
}

/** What `/zoom jobs` knows of one job, whatever its queue. */
export interface JobInfo {
  id: string;
  state: string;
  description: string;
  userId?: string;
  progress?: { done: number; total: number; failed?: number; unit?: string; detail?: string };
  failedReason?: string;
  attempts?: number;
  createdAt: number;
  finishedAt?: number;
  /** What a finished job returned, as far as it says what happened. */
  result?: { changed?: number; failed?: number; saved?: number; rows?: number; channels?: number; cancelledBy?: string };
}

export function jobStatusMessage(job: JobInfo, zone: string): SlackMessage {
  const lines = [`*${escapeMrkdwn(job.description)}* · job \`${job.id}\``, `State: *${job.state}*`];
  if (job.userId) lines.push(`Started by <@${job.userId}> at ${formatDateTime(DateTime.fromMillis(job.createdAt), zone)}`);
  if (job.progress) {
    const p = job.progress;
    lines.push(`\`${progressBar(p.done, p.total)}\` ${describeProgress(p)}`);
    if (p.detail) lines.push(escapeMrkdwn(p.detail));
  } else if (job.result) {
    // A job that keeps no progress (a Zoom event's relay) says what it did by its result.
    lines.push(describeResult(job.result));
  }
  if (job.failedReason) lines.push(`Failed${job.attempts ? ` after ${job.attempts} attempt(s)` : ''}: ${escapeMrkdwn(job.failedReason)}`);
  if (job.finishedAt) lines.push(`Finished at ${formatDateTime(DateTime.fromMillis(job.finishedAt), zone)}`);
  return { text: `Job ${job.id}: ${job.state}`, blocks: [section(lines.join('\n'))] };
}

function describeProgress(p: NonNullable<JobInfo['progress']>): string {
  const unit = p.unit ?? '';
  const amount = (n: number) => (unit === 'bytes' ? formatSize(n) : n.toLocaleString('en-US'));
  const of = `${amount(p.done)} of ${amount(p.total)}${unit && unit !== 'bytes' ? ` ${unit}` : ''}`;
  return `${of}${p.failed ? ` · ${p.failed} failed` : ''}`;
}

export function jobListMessage(
  title: string,
  jobs: JobInfo[],
  empty: string,
  recent?: { finished: JobInfo[]; zone: string },
): SlackMessage {
  const finished = recent?.finished ?? [];
  if (jobs.length === 0 && finished.length === 0) {
    const text = recent ? `${empty.replace(/\.$/, '')}, and none finished in the last 24 hours.` : empty;
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [section(`*${title}*`)];
  if (jobs.length === 0) blocks.push(section(empty));
  blocks.push(...chunkLines(jobs.map((j) => jobLine(j)), 2_900).slice(0, 20).map((c) => section(c)));
  if (finished.length > 0) {
    blocks.push(section('*Finished in the last 24 hours*'));
    blocks.push(...chunkLines(finished.map((j) => jobLine(j, recent!.zone)), 2_900).slice(0, 20).map((c) => section(c)));
  }
  return { text: title, blocks };
}

function jobLine(j: JobInfo, zone?: string): string {
  const progress = j.progress && !j.result ? ` · ${describeProgress(j.progress)}` : '';
  const reason = j.failedReason ? ` · ${escapeMrkdwn(j.failedReason)}` : '';
  const result = j.result ? ` · ${describeResult(j.result)}` : '';
  const when = zone && j.finishedAt ? ` · finished ${formatDateTime(DateTime.fromMillis(j.finishedAt), zone)}` : '';
  return `\`${j.id}\` *${j.state}* · ${escapeMrkdwn(j.description)}${progress}${reason}${result}${when}`;
}

/** `120 changed, 2 failed`, `3 files saved`, `40 rows`, `alerted 2 channels`, `cancelled by @ada`. */
function describeResult(r: NonNullable<JobInfo['result']>): string {
  const parts = [
    r.changed === undefined ? undefined : `${r.changed.toLocaleString('en-US')} changed`,
    r.saved === undefined ? undefined : `${r.saved.toLocaleString('en-US')} ${r.saved === 1 ? 'file' : 'files'} saved`,
    r.rows === undefined ? undefined : `${r.rows.toLocaleString('en-US')} ${r.rows === 1 ? 'row' : 'rows'}`,
    r.channels === undefined ? undefined : `alerted ${r.channels.toLocaleString('en-US')} ${r.channels === 1 ? 'channel' : 'channels'}`,
    r.failed ? `${r.failed.toLocaleString('en-US')} failed` : undefined,
    r.cancelledBy ? `cancelled by <@${r.cancelledBy}>` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}
