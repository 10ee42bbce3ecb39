// Block Kit for jobs: the progress message a job keeps updated in the admin's DM, and `/zoom jobs` answers.
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { RegistrantFailure, RegistrantKey } from '../zoom/registrant-changes.js';
import { context, section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatDateTime } from './format.js';

const BAR_WIDTH = 20;

/** `▓▓▓▓▓░░░░░ 50 %`: readable in a notification, a screen reader reads the percentage. */
export function progressBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${Math.floor(ratio * 100)} %`;
}

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
}

// A section holds 3,000 characters; the full list of failures goes into as many sections as it needs,
// up to what a message holds, and the rest is counted.
const MAX_DETAIL_BLOCKS = 40;

export function registrantJobMessage(view: RegistrantJobView): SlackMessage {
  const head = `*${escapeMrkdwn(view.description)}* · job \`${view.jobId}\``;
  const total = view.total ?? 0;
  const done = view.done ?? 0;
  const failed = view.failed ?? view.failures?.length ?? 0;
  const counts = `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} done${failed ? ` · ${failed} failed` : ''}`;
  switch (view.state) {
    case 'queued':
      return message(`${view.description}: queued (job ${view.jobId})`, [section(`:hourglass_flowing_sand: ${head}\nQueued; starts as soon as a worker is free.`)]);
    case 'planning':
      return message(`${view.description}: looking up registrants`, [section(`:mag: ${head}\nLooking up the registrants in Zoom…`)]);
    case 'running':
      return message(`${view.description}: ${counts}`, [
        section(`:arrows_counterclockwise: ${head}\n\`${progressBar(done, total)}\`\n${counts}`),
        context(`Cancel with \`/zoom jobs cancel ${view.jobId}\`.`),
      ]);
    default:
      return summary(view, head, counts);
  }
}

function summary(view: RegistrantJobView, head: string, counts: string): SlackMessage {
  const cancelled = view.state === 'cancelled';
  const icon = cancelled ? ':no_entry_sign:' : (view.failures?.length ?? 0) > 0 ? ':warning:' : ':white_check_mark:';
  const lines = [
    `${icon} ${head}`,
    cancelled ? `Cancelled by <@${view.cancelledBy}> after ${counts}.` : `Finished: ${counts}.`,
    `Changed: ${(view.changed ?? 0).toLocaleString('en-US')}.`,
  ];
  if (view.skipped) lines.push(`Already done before a restart (checked in Zoom, not sent again): ${view.skipped}.`);
  if (view.unchanged?.length) {
    lines.push(`Already in that status, not sent: ${view.unchanged.map((u) => `${escapeMrkdwn(u.registrant.email)} (${u.status})`).join(', ')}.`);
  }
  if (view.missing?.length) lines.push(`:warning: Not registered: ${view.missing.map(escapeMrkdwn).join(', ')}.`);
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  const failures = (view.failures ?? []).map((f) => `:x: ${escapeMrkdwn(f.registrant.email)}: ${escapeMrkdwn(f.reason)}`);
  for (const chunk of chunkLines(failures, 2_900)) {
    if (blocks.length >= MAX_DETAIL_BLOCKS) {
      blocks.push(context(`…and more failures than a message holds; \`/zoom jobs status ${view.jobId}\` counts them.`));
      break;
    }
    blocks.push(section(chunk));
  }
  return message(`${view.description}: ${cancelled ? 'cancelled' : 'finished'}, ${counts}`, blocks);
}

function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

function message(text: string, blocks: KnownBlock[]): SlackMessage {
  return { text, blocks };
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
}

export function jobStatusMessage(job: JobInfo, zone: string): SlackMessage {
  const lines = [`*${escapeMrkdwn(job.description)}* · job \`${job.id}\``, `State: *${job.state}*`];
  if (job.userId) lines.push(`Started by <@${job.userId}> at ${formatDateTime(DateTime.fromMillis(job.createdAt), zone)}`);
  if (job.progress) {
    const p = job.progress;
    lines.push(`\`${progressBar(p.done, p.total)}\` ${describeProgress(p)}`);
    if (p.detail) lines.push(escapeMrkdwn(p.detail));
  }
  if (job.failedReason) lines.push(`Failed${job.attempts ? ` after ${job.attempts} attempt(s)` : ''}: ${escapeMrkdwn(job.failedReason)}`);
  if (job.finishedAt) lines.push(`Finished at ${formatDateTime(DateTime.fromMillis(job.finishedAt), zone)}`);
  return { text: `Job ${job.id}: ${job.state}`, blocks: [section(lines.join('\n'))] };
}

function describeProgress(p: NonNullable<JobInfo['progress']>): string {
  const unit = p.unit ?? '';
  const amount = (n: number) => (unit === 'bytes' ? `${(n / 1024 / 1024).toFixed(1)} MB` : n.toLocaleString('en-US'));
  const of = `${amount(p.done)} of ${amount(p.total)}${unit && unit !== 'bytes' ? ` ${unit}` : ''}`;
  return `${of}${p.failed ? ` · ${p.failed} failed` : ''}`;
}

export function jobListMessage(title: string, jobs: JobInfo[], empty: string): SlackMessage {
  if (jobs.length === 0) return { text: empty, blocks: [section(empty)] };
  const lines = jobs.map((j) => {
    const progress = j.progress ? ` · ${describeProgress(j.progress)}` : '';
    const reason = j.failedReason ? ` · ${escapeMrkdwn(j.failedReason)}` : '';
    return `\`${j.id}\` *${j.state}* · ${escapeMrkdwn(j.description)}${progress}${reason}`;
  });
  const blocks: KnownBlock[] = [section(`*${title}*`), ...chunkLines(lines, 2_900).slice(0, 45).map((c) => section(c))];
  return { text: title, blocks };
}
