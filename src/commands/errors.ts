// UsageError: the admin typed a command wrong. Its message is one sentence naming the wrong argument;
// the usage line and an example travel with it so views/ can render the fix beside the sentence.

export interface UsageErrorOptions {
  /** The usage line of the command, e.g. `/zoom meeting get <meetingId>`. */
  usage?: string;
  /** One example that would have worked, e.g. `--start "tomorrow 9:30"`. */
  example?: string;
  cause?: unknown;
}

export class UsageError extends Error {
  readonly usage?: string;
  readonly example?: string;

  constructor(message: string, options: UsageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
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
