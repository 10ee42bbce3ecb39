// The long-lived services of one process, built once in app.ts and shared by command handlers and job workers.
import type { WebClient } from '@slack/web-api';
import type { RedisClient } from './redis.js';
import type { DateTime } from 'luxon';
import type { Config } from './config.js';
import type { InFlight } from './inflight.js';
import type { JobQueues } from './jobs/queues.js';
import type { Logger } from './log.js';
import type { RuleStore } from './rules/store.js';
import type { ThrottledLog } from './log-throttle.js';
import type { AuditLog } from './slack/audit.js';
import type { SlackDirectory } from './slack/directory.js';
import type { SlackPacing } from './slack/pacing.js';
import type { ZoomClient } from './zoom/client.js';

export interface Services {
  config: Config;
  /** Namespace of every key this deployment writes (tests use their own). */
  keyPrefix: string;
  zoom: ZoomClient;
  slack: WebClient;
  redis: RedisClient;
  directory: SlackDirectory;
  audit: AuditLog;
  log: Logger;
  /** Where repeating Redis and queue errors are logged: one line per cause per minute. */
  redisErrors: ThrottledLog;
  now: () => DateTime;
  /** Work still running after Slack was answered; shutdown waits for it. */
  inflight: InFlight;
  /** BullMQ queues: where slow work is enqueued and found again by its job ID. */
  jobs: JobQueues;
  /** Shared Slack budgets: chat.update per workspace, posts per channel. */
  pacing: SlackPacing;
  /** Registrant rules (`/zoom rules`): the sets, their shadow tallies. */
  rules: RuleStore;
}
