// Reading parsed arguments the same way in every command module.
import type { z } from 'zod';
import type { ParsedCommand } from './context.js';
import { UsageError } from './errors.js';

export function stringFlag(args: ParsedCommand, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** The meeting or webinar ID in the first position (the grammar has already joined its digit groups). */
export function requireId(args: ParsedCommand, noun = 'meeting'): string {
  const id = args.positionals[0];
  if (!id) throw new UsageError(`Give the ${noun} ID, e.g. 812 3456 7890.`);
  return id;
}

export const OUT_OF_DATE = 'This button is out of date; run the command again.';

/** A button's value comes back from Slack as text: anything that does not parse is refused, not guessed at. */
export function buttonValue<T>(schema: z.ZodType<T>, value: string): T {
  try {
    return schema.parse(JSON.parse(value));
  } catch {
    throw new UsageError(OUT_OF_DATE);
  }
}
