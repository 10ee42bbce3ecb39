// What every command and button handler gets: the services it may use and who is asking, where.
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { DateTime } from 'luxon';
import type { Config } from '../config.js';
import type { InFlight } from '../inflight.js';
import type { Logger } from '../log.js';
import type { AuditLog } from '../slack/audit.js';
import type { Access, AccessRole } from '../slack/authorize.js';
import type { SlackDirectory, SlackPerson } from '../slack/directory.js';
import type { SlackMessage } from '../views/blocks.js';
import type { ZoomClient } from '../zoom/client.js';

/** Long-lived services, built once per process in app.ts. */
export interface Services {
  config: Config;
  zoom: ZoomClient;
  slack: WebClient;
  redis: Redis;
  directory: SlackDirectory;
  audit: AuditLog;
  log: Logger;
  now: () => DateTime;
  /** Work still running after Slack was answered; shutdown waits for it. */
  inflight: InFlight;
}

/** One request from one Slack user: a slash command, a button click or a modal submission. */
export interface Invocation {
  services: Services;
  /** The Slack user acting, with time zone and email. */
  person: SlackPerson;
  role: AccessRole;
  channelId: string;
  /** Answers the user where the command was typed: ephemeral unless `public`. */
  reply(message: SlackMessage, opts?: { public?: boolean; replaceOriginal?: boolean }): Promise<void>;
}

export interface CommandInvocation extends Invocation {
  triggerId: string;
  responseUrl: string;
}

export interface ParsedCommand {
  positionals: string[];
  flags: Record<string, string | boolean>;
  rest?: string;
}

export type { Access };
