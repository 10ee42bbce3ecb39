// One of a fixed set of words (`--type`, `<method>` …), case-insensitive, with a suggestion for a typo.
import { UsageError, quoted } from '../errors.js';
import { closest } from '../suggest.js';

function listOf(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/**
 * One of `allowed`, ignoring case (the allowed spelling is returned). `name` is the flag (`type` or `--type`)
 * or a positional (`<method>`) the value was given for.
 */
export function parseEnum<T extends string>(text: string, allowed: readonly T[], name: string): T {
  const typed = text.trim();
  const match = allowed.find((a) => a.toLowerCase() === typed.toLowerCase());
  if (match !== undefined) return match;
  const label = /^[A-Za-z]/.test(name) ? `--${name}` : name;
  const suggestion = closest(typed, allowed);
  const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
  const fix = suggestion ?? allowed[0] ?? '';
  throw new UsageError(`${quoted(typed)} is not a valid ${label}: choose ${listOf(allowed)}.${hint}`, {
    example: label.startsWith('--') ? `${label} ${fix}` : fix,
  });
}
