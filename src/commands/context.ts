// What every command and button handler gets: the services it may use and who is asking, where.
import type { KnownBlock } from '@slack/types';
import type { Services } from '../services.js';
import type { Access, AccessRole } from '../slack/authorize.js';
import type { SlackPerson } from '../slack/directory.js';
import type { SlackMessage } from '../views/blocks.js';

export type { Services };

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

/** A button click; `message` is set when the button sat in a channel message (an alert), not an ephemeral answer. */
export interface ActionInvocation extends Invocation {
  message?: { channel: string; ts: string; blocks: KnownBlock[] };
  /** The click's trigger and response URL, for a button that opens a form (a card's Edit). */
  triggerId?: string;
  responseUrl?: string;
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
