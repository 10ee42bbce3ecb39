// The `/zoom` argument grammar: positionals, `--flags` and free text, read from one command's arguments
// against that command's ArgSpec. Pure; value meanings (times, users …) are left to values/.

import { UsageError, quoted } from './errors.js';
import { closest } from './suggest.js';
import { readToken, stripEnclosingQuotes, type Token } from './tokenize.js';
import { parseEnum } from './values/enums.js';
import { takeMeetingId } from './values/meeting-ids.js';

/** `meetingId` reads a meeting or webinar ID typed in digit groups (`--webinar 812 3456 7890`) and keeps it joined. */
export type FlagType = 'string' | 'boolean' | 'number' | 'meetingId';

export interface FlagSpec {
  type: FlagType;
  /** Another name for the flag: one letter is typed `-x`, a longer one `--name`. */
  alias?: string;
  /** The values a string flag allows (any case; the listed spelling is returned). */
  choices?: readonly string[];
  /** A value that works, shown when the value is missing or wrong: `"tomorrow 9:30"`. */
  example?: string;
}

export type PositionalType = 'string' | 'meetingId';

export interface PositionalSpec {
  /** Shown as `<name>` in errors. */
  name: string;
  /** `meetingId` joins digit groups typed as Zoom prints them (`812 3456 7890`). Default `string`. */
  type?: PositionalType;
  /** meetingId: also accept a meeting UUID (where past instances are meant). */
  allowUuid?: boolean;
  /** meetingId: `meeting` (default) or `webinar`, for the error sentence. */
  noun?: string;
  optional?: boolean;
  /** Takes every remaining word; only the last positional may be variadic. */
  variadic?: boolean;
  choices?: readonly string[];
  /** A value that works, shown when it is missing. */
  example?: string;
}

/** Free text after the positionals: `chat send`'s message, `api`'s JSON body. */
export interface RestSpec {
  name: string;
  /** Remove one pair of quotes around the whole text (`chat send`); `api` bodies stay verbatim. */
  unquote?: boolean;
  optional?: boolean;
}

/** What one command accepts after its command words. */
export interface ArgSpec {
  positionals?: readonly PositionalSpec[];
  flags?: Readonly<Record<string, FlagSpec>>;
  rest?: RestSpec;
}

/** Names the command in errors; its usage line rides on every UsageError thrown while parsing. */
export interface CommandInfo {
  command?: string;
  usage?: string;
}

export interface ParsedArgs {
  /** Positional values in order; a meeting ID typed in groups is one joined value. */
  positionals: string[];
  /** The same values by positional name; a variadic one is an array. */
  named: Record<string, string | string[]>;
  /** By the flag's main name (never an alias). Number flags are checked and kept as typed. */
  flags: Record<string, string | boolean>;
  /** Free text, verbatim from the original text. */
  rest?: string;
}

// Slack and macOS turn a typed `--` into an en or em dash; those are read as `--`.
const LONG_FLAG = /^(?:--|[\u2013\u2014])([A-Za-z][\w-]*)(?:=([\s\S]*))?$/;
const SHORT_FLAG = /^-([A-Za-z][\w-]*)(?:=([\s\S]*))?$/;
const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  '1': true,
  false: false,
  no: false,
  off: false,
  '0': false,
};
// Digit groups beyond this cannot belong to a 12-digit ID; it bounds the lookahead.
const MAX_ID_WORDS = 12;

interface FlagWord {
  /** The flag as typed, for errors: `--strat`. */
  typed: string;
  name: string;
  inline?: string;
}

function flagWord(token: Token): FlagWord | undefined {
  if (token.quoted) return undefined;
  const long = LONG_FLAG.exec(token.value);
  if (long) return { typed: `--${long[1]}`, name: long[1]!.toLowerCase(), inline: long[2] };
  const short = SHORT_FLAG.exec(token.value);
  if (short) return { typed: `-${short[1]}`, name: short[1]!.toLowerCase(), inline: short[2] };
  return undefined;
}

// Reads words one at a time so that free text after the positionals is never tokenized: a message may hold
// an unbalanced quote, and must come back exactly as typed.
class Words {
  private readonly ahead: Token[] = [];
  private pos = 0;

  constructor(private readonly text: string) {}

  peek(k = 0): Token | undefined {
    while (this.ahead.length <= k) {
      const from = this.ahead.at(-1)?.end ?? this.pos;
      const token = readToken(this.text, from);
      if (token === undefined) return undefined;
      this.ahead.push(token);
    }
    return this.ahead[k];
  }

  next(): Token | undefined {
    const token = this.peek();
    if (token !== undefined) {
      this.ahead.shift();
      this.pos = token.end;
    }
    return token;
  }

  /** The text from the next word on, verbatim. */
  rest(): string {
    const from = this.ahead[0]?.start ?? this.pos;
    return this.text.slice(from).trim();
  }

  /** Whether the next word is a flag, judged on the raw text, so unbalanced quotes after it cannot throw. */
  nextLooksLikeFlag(): boolean {
    const from = this.ahead[0]?.start ?? this.pos;
    return /^\s*(?:--|[\u2013\u2014]|-)[A-Za-z]/.test(this.text.slice(from));
  }
}

function validateSpec(spec: ArgSpec): void {
  const positionals = spec.positionals ?? [];
  positionals.forEach((p, i) => {
    if (p.variadic && i !== positionals.length - 1) throw new Error(`ArgSpec: variadic <${p.name}> is not last`);
  });
  if (spec.rest && positionals.some((p) => p.variadic || p.optional)) {
    throw new Error('ArgSpec: free text cannot follow optional or variadic positionals');
  }
}

/**
 * Parses one command's arguments. `text` is what follows the command words, already unescaped
 * (`unescapeSlack`); unescaping twice would turn a typed `&lt;` into `<`.
 *
 * - `--name value`, `--name=value`, `-x value` for a one-letter alias; boolean flags stand alone
 *   (`--public`, or `--public=false`). A value may start with `-` (`--from -7d`), but a word that is itself a
 *   flag (`--start`) is not taken as a value: `--agenda --start …` reports the missing agenda instead of
 *   swallowing the next flag. Quote such a value to pass it (`--agenda "--start"`).
 * - An unknown flag is refused, naming the closest known one. A flag given twice is refused (a second
 *   `--occurrence` silently replacing the first could delete the wrong one); a boolean may repeat.
 * - A quoted word is never a flag; after a bare `--` no word is.
 * - With `rest`, the text after the last positional is returned verbatim (flags after it are part of it).
 */
export function parseArgs(text: string, spec: ArgSpec, info: CommandInfo = {}): ParsedArgs {
  validateSpec(spec);
  try {
    return parse(text, spec, info);
  } catch (error) {
    if (error instanceof UsageError && error.usage === undefined && info.usage !== undefined) {
      throw error.withUsage(info.usage);
    }
    throw error;
  }
}

function parse(text: string, spec: ArgSpec, info: CommandInfo): ParsedArgs {
  const positionalSpecs = spec.positionals ?? [];
  const flagSpecs = spec.flags ?? {};
  const byName = flagIndex(flagSpecs);
  const who = info.command ?? 'This command';
  const words = new Words(text);

  const result: ParsedArgs = { positionals: [], named: {}, flags: {} };
  let slot = 0;
  let flagsEnded = false;

  for (;;) {
    const filled = slot >= positionalSpecs.length;
    // Free text starts right after the last positional; a command without positionals still takes its
    // flags first.
    if (spec.rest && filled && (positionalSpecs.length > 0 || flagsEnded || !words.nextLooksLikeFlag())) {
      const rest = words.rest();
      if (rest !== '') result.rest = spec.rest.unquote ? stripEnclosingQuotes(rest) : rest;
      else if (!spec.rest.optional) {
        throw new UsageError(`${who} needs <${spec.rest.name}>${lastPositional(positionalSpecs)}.`);
      }
      break;
    }

    const token = words.peek();
    if (token === undefined) break;

    if (!flagsEnded && !token.quoted && token.value === '--') {
      words.next();
      flagsEnded = true;
      continue;
    }

    const flag = flagsEnded ? undefined : flagWord(token);
    if (flag !== undefined) {
      words.next();
      readFlag(flag, words, flagSpecs, byName, result.flags, who);
      continue;
    }

    const positional = positionalSpecs[slot];
    if (positional === undefined) throw unexpected(token.value, who, positionalSpecs, flagSpecs);

    let value: string;
    if (positional.type === 'meetingId') {
      const lookahead = idLookahead(words);
      const taken = takeMeetingId(lookahead, 0, { allowUuid: positional.allowUuid, noun: positional.noun });
      for (let i = 0; i < taken.consumed; i++) words.next();
      value = taken.id;
    } else {
      words.next();
      value = positional.choices ? parseEnum(token.value, positional.choices, `<${positional.name}>`) : token.value;
    }
    result.positionals.push(value);
    if (positional.variadic) {
      const list = result.named[positional.name];
      if (Array.isArray(list)) list.push(value);
      else result.named[positional.name] = [value];
    } else {
      result.named[positional.name] = value;
      slot++;
    }
  }

  const missing = positionalSpecs.find((p) => !p.optional && result.named[p.name] === undefined);
  if (missing !== undefined) {
    const example = missing.example ?? (missing.type === 'meetingId' ? '812 3456 7890' : undefined);
    throw new UsageError(`${who} needs <${missing.name}>${example === undefined ? '' : `, e.g. ${example}`}.`, {
      example,
    });
  }
  return result;
}

function lastPositional(specs: readonly PositionalSpec[]): string {
  const last = specs.at(-1);
  return last === undefined ? '' : ` after <${last.name}>`;
}

// The words an ID may span: the one at the ID's position and the unquoted digit groups after it.
// A word further on may hold an unbalanced quote of a free-text message; the lookahead stops there.
function idLookahead(words: Words): string[] {
  const first = words.peek();
  return first === undefined ? [] : [first.value, ...digitGroupsAhead(words, 1)];
}

/** The unquoted digit groups from the `from`-th word ahead on. */
function digitGroupsAhead(words: Words, from: number): string[] {
  const values: string[] = [];
  for (let k = from; k < MAX_ID_WORDS; k++) {
    let token: Token | undefined;
    try {
      token = words.peek(k);
    } catch {
      break;
    }
    if (token === undefined || token.quoted || !/^[\d-]+$/.test(token.value)) break;
    values.push(token.value);
  }
  return values;
}

function flagIndex(flags: Readonly<Record<string, FlagSpec>>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, flag] of Object.entries(flags)) {
    index.set(name.toLowerCase(), name);
    if (flag.alias !== undefined) index.set(flag.alias.toLowerCase(), name);
  }
  return index;
}

function readFlag(
  flag: FlagWord,
  words: Words,
  specs: Readonly<Record<string, FlagSpec>>,
  byName: Map<string, string>,
  flags: Record<string, string | boolean>,
  who: string,
): void {
  const name = byName.get(flag.name);
  const spec = name === undefined ? undefined : specs[name];
  if (name === undefined || spec === undefined) throw unknownFlag(flag.typed, specs, who);
  const shown = `--${name}`;

  if (spec.type === 'boolean') {
    let value = true;
    if (flag.inline !== undefined) {
      const parsed = BOOLEAN_WORDS[flag.inline.trim().toLowerCase()];
      if (parsed === undefined) {
        throw new UsageError(`${shown} is a switch and takes no value: write ${shown} alone.`, { example: shown });
      }
      value = parsed;
    }
    flags[name] = value;
    return;
  }

  if (flags[name] !== undefined) {
    throw new UsageError(`${shown} is given twice: give it once.`, { example: exampleOf(name, spec) });
  }

  if (spec.type === 'meetingId') {
    flags[name] = readMeetingIdFlag(flag, words, name);
    return;
  }

  let value = flag.inline;
  if (value === undefined) {
    const next = words.peek();
    // `--from -7d`: a dash starts a value; only a word that is itself a long flag is not one.
    if (next !== undefined && (next.quoted || !LONG_FLAG.test(next.value))) {
      words.next();
      value = next.value;
    }
  }
  if (value === undefined) {
    const example = exampleOf(name, spec);
    const fix = example === undefined ? ' right after it' : `, e.g. ${example}`;
    throw new UsageError(`${shown} needs a value${fix}.`, { example });
  }

  if (spec.type === 'number') {
    if (value.trim() === '' || !Number.isFinite(Number(value))) {
      const example = exampleOf(name, spec) ?? `${shown} 30`;
      throw new UsageError(`${quoted(value)} is not a number for ${shown}: e.g. ${example}.`, { example });
    }
    value = value.trim();
  } else if (spec.choices !== undefined) {
    value = parseEnum(value, spec.choices, shown);
  }
  flags[name] = value;
}

// The ID's digit groups: the inline value (`--webinar=812`) or the next word, and the groups after it.
function readMeetingIdFlag(flag: FlagWord, words: Words, name: string): string {
  const noun = name === 'webinar' ? 'webinar' : 'meeting';
  const next = words.peek();
  const startsHere = flag.inline === undefined && next !== undefined && (next.quoted || !LONG_FLAG.test(next.value));
  const lookahead = flag.inline !== undefined ? [flag.inline, ...digitGroupsAhead(words, 0)] : startsHere ? idLookahead(words) : [];
  if (lookahead.length === 0) {
    throw new UsageError(`--${name} needs a ${noun} ID, e.g. --${name} 812 3456 7890.`, { example: `--${name} 812 3456 7890` });
  }
  const taken = takeMeetingId(lookahead, 0, { noun });
  const fromWords = flag.inline !== undefined ? taken.consumed - 1 : taken.consumed;
  for (let i = 0; i < fromWords; i++) words.next();
  return taken.id;
}

function exampleOf(name: string, spec: FlagSpec): string | undefined {
  const value = spec.example ?? spec.choices?.[0];
  return value === undefined ? undefined : `--${name} ${value}`;
}

function unknownFlag(typed: string, specs: Readonly<Record<string, FlagSpec>>, who: string): UsageError {
  const names = Object.keys(specs);
  const bare = typed.replace(/^-+/, '');
  const candidates = names.concat(Object.values(specs).flatMap((s) => (s.alias === undefined ? [] : [s.alias])));
  let suggestion = closest(bare, candidates);
  // An alias is suggested by its main name, the spelling help shows.
  if (suggestion !== undefined && !names.includes(suggestion)) {
    suggestion = names.find((n) => specs[n]?.alias === suggestion) ?? suggestion;
  }
  if (suggestion !== undefined) {
    return new UsageError(`Unknown flag ${typed}: did you mean --${suggestion}?`, { example: `--${suggestion}` });
  }
  const known = names.length === 0 ? 'takes no flags' : `takes ${names.map((n) => `--${n}`).join(', ')}`;
  return new UsageError(`Unknown flag ${typed}: ${lowerFirst(who)} ${known}.`);
}

function unexpected(
  word: string,
  who: string,
  positionals: readonly PositionalSpec[],
  flags: Readonly<Record<string, FlagSpec>>,
): UsageError {
  const takes = positionals.length === 0
    ? Object.keys(flags).length === 0 ? 'takes nothing more' : 'takes only flags'
    : `takes only ${positionals.map((p) => `<${p.name}>`).join(' ')}`;
  return new UsageError(`Unexpected ${quoted(word)}: ${lowerFirst(who)} ${takes}.`);
}

// `This command` opens a sentence but is the object after a colon.
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
