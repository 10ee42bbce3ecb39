// UsageError: the admin typed a command wrong. Its message is one sentence naming the wrong argument;
// the usage line and an example travel with it so views/ can render the fix beside the sentence.

import { CodedError } from '../errors.js';

export interface UsageErrorOptions {
  /** The usage line of the command, e.g. `/zoom meeting get <meetingId>`. */
  usage?: string;
  /** One example that would have worked, e.g. `--start "tomorrow 9:30"`. */
  example?: string;
  cause?: unknown;
}

export class UsageError extends CodedError<'zoomops_usage'> {
  readonly usage?: string;
  readonly example?: string;

  constructor(message: string, options: UsageErrorOptions = {}) {
    super('zoomops_usage', message, { expected: true, cause: options.cause });
    if (options.usage !== undefined) this.usage = options.usage;
    if (options.example !== undefined) this.example = options.example;
  }

  /** Value parsers do not know which command called them; the argument parser adds the usage line. */
  withUsage(usage: string): UsageError {
    const copy = new UsageError(this.message, { usage, example: this.example, cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}

/** How much of a typed value an error quotes: enough to recognise it, short enough that the reason after it is read. */
const EXCERPT_MAX = 40;

/**
 * What was typed, as an error quotes it: whole when short, else its start and "…". A pasted 3,000-character value
 * quoted whole would push the sentence's reason past what Slack shows.
 */
export function excerpt(typed: string): string {
  const chars = Array.from(typed);
  return chars.length <= EXCERPT_MAX ? typed : `${chars.slice(0, EXCERPT_MAX - 1).join('').trimEnd()}…`;
}

/** `"what was typed"`, excerpted. */
export function quoted(typed: string): string {
  return `"${excerpt(typed)}"`;
}

/** A UsageError with one example that works; the sentence gets its full stop. */
export function throwUsage(message: string, example: string): never {
  throw new UsageError(/[.?]$/.test(message) ? message : `${message}.`, { example });
}
