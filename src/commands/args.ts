// Reading parsed arguments the same way in every command module.
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
