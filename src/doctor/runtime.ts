// The runtime half of the doctor: Redis keeps accepted work, jobs are not stuck, recordings have room, Node is supported.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { QUEUE_NAMES } from '../jobs/queues.js';
import { shardOfQueueName, type EventQueueName } from '../jobs/event-shards.js';
import { freeBytes } from '../jobs/downloads/space.js';
import { silentLogger } from '../log.js';
import { checkDurability } from '../redis.js';
import type { DoctorDeps } from './deps.js';
import { bad, good, reason, type DoctorLine } from './line.js';

/** Below this much free space a single long recording may not fit. */
const MIN_FREE_BYTES = 5 * 1024 ** 3;
/** A job waiting longer than this means no worker takes jobs from its queue. */
const STUCK_AFTER_MINUTES = 15;
/** Node majors with support; 20 reached end of life on 2026-04-30. */
const SUPPORTED_NODE = [22, 24];

export async function runtimeChecks(deps: DoctorDeps, nodeVersion = process.versions.node): Promise<DoctorLine[]> {
  return [await redisLine(deps), ...(await queueLines(deps)), await recordingsLine(deps), nodeLine(nodeVersion)];
}

async function redisLine(deps: DoctorDeps): Promise<DoctorLine> {
  try {
    const problems = await checkDurability(deps.redis, silentLogger);
    if (problems.length === 0) return good('Runtime', 'Redis keeps accepted work (noeviction and AOF, or settings it does not show).');
    return bad('Runtime', `Redis could lose accepted work: ${problems.join('; ')}.`, 'Set `maxmemory-policy noeviction` and `appendonly yes` in the Redis configuration.');
  } catch (error) {
    return bad('Runtime', `Redis does not answer: ${reason(error)}.`, 'Check REDIS_URL and that Redis is running.');
  }
}

async function queueLines(deps: DoctorDeps): Promise<DoctorLine[]> {
  const now = deps.now();
  const lines: DoctorLine[] = [];
  // Each shard of the events queue on its own line: a shard no worker takes from is stuck on its own.
  for (const queue of QUEUE_NAMES.flatMap((name) => deps.jobs.shardsOf(name))) {
    const name = queue.name;
    const counts = await queue.getJobCounts('failed', 'wait');
    const [oldestJob] = await queue.getJobs(['wait'], 0, 0, true);
    // A shard's events wait in its express lane first (jobs/event-lane.ts); a lane no worker reads is as stuck.
    const lane = name.startsWith('events') ? await deps.jobs.laneBacklog(shardOfQueueName(name as EventQueueName)) : { count: 0 };
    const oldestAt = Math.min(oldestJob?.timestamp ?? Infinity, lane.oldestAt ?? Infinity);
    const waited = Number.isFinite(oldestAt) ? now.diff(DateTime.fromMillis(oldestAt)).as('minutes') : 0;
    const waiting = `${(counts.wait ?? 0) + lane.count} waiting${Number.isFinite(oldestAt) ? `, the oldest for ${Math.max(0, Math.round(waited))} min` : ''}`;
    if ((counts.failed ?? 0) > 0) {
      lines.push(bad('Runtime', `Queue \`${name}\`: ${counts.failed} failed jobs, ${waiting}.`, `Read them with \`${deps.config.slack.command} jobs failed\` and retry or cancel each.`));
    } else if (waited > STUCK_AFTER_MINUTES) {
      lines.push(bad('Runtime', `Queue \`${name}\`: ${waiting}.`, 'Start a worker process (ZOOMOPS_ROLE=worker or all) on this Redis.'));
    } else {
      lines.push(good('Runtime', `Queue \`${name}\`: no failed jobs, ${waiting}.`));
    }
  }
  return lines;
}

async function recordingsLine(deps: DoctorDeps): Promise<DoctorLine> {
  const dir = deps.config.recordings.dir;
  const fix = `Make ZOOMOPS_RECORDINGS_DIR (${dir}) a writable folder with at least ${MIN_FREE_BYTES / 1024 ** 3} GB free.`;
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const free = await freeBytes(dir);
    const gb = (free / 1024 ** 3).toFixed(1);
    if (free < MIN_FREE_BYTES) return bad('Runtime', `The recordings folder has only ${gb} GB free.`, fix);
    return good('Runtime', `The recordings folder is writable, ${gb} GB free.`);
  } catch (error) {
    return bad('Runtime', `The recordings folder is not writable: ${reason(error)}.`, fix);
  }
}

export function nodeLine(version: string): DoctorLine {
  const major = Number(version.split('.')[0]);
  if (SUPPORTED_NODE.includes(major)) return good('Runtime', `Node ${version} is a supported LTS release.`);
  const status = major === 20 ? 'reached end of life on 2026-04-30' : 'is not a release ZoomOps supports';
  return bad('Runtime', `Node ${version} ${status}.`, 'Run ZoomOps on Node 22 or 24 (LTS).');
}
