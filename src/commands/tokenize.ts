// From the text Slack sends (`should_escape: true`) to words: Slack's escapes unwrapped, then quote-aware
// splitting that keeps each word's offset so free text can be cut from the original verbatim.

import { UsageError } from './errors.js';

/** One word of the command line. */
export interface Token {
  /** The word with its grouping quotes removed. */
  value: string;
  /** Offset of the word's first character (an opening quote included) in the text it was read from. */
  start: number;
  /** Offset just past the word's last character (a closing quote included). */
  end: number;
  /** The word began with a quote: the admin meant it literally, so it is never read as a flag. */
  quoted: boolean;
}

// Slack's own smart quotes arrive as curly quotes, and phones mix them with straight ones,
// so any quote of a family closes a group opened by any quote of the same family.
const DOUBLE_QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E']);
const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A']);
type QuoteFamily = 'double' | 'single';

// Slack clients insert non-breaking spaces when a user types several spaces in a row.
const NBSP = /[\u00A0\u2007\u202F]/g;
const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/**
 * Unwraps Slack's escapes (https://api.slack.com/reference/surfaces/formatting#escaping):
 * `<mailto:a@b.c|a@b.c>` → `a@b.c`, `<https://x.y|label>` → `https://x.y`, `<@U1|name>` → `<@U1>`,
 * `<#C1|general>` → `<#C1>`, `<!subteam^S1|@group>` → `<!subteam^S1>`; then `&lt;` `&gt;` `&amp;`.
 * Mentions stay in the text (without their label) so the parser can tell them from plain words.
 */
export function unescapeSlack(text: string): string {
  // With should_escape, Slack turns every literal `<` `>` `&` into an entity, so each `<…>` left is an escape.
  const unwrapped = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => unwrapEscape(inner));
  // Entities last, in one pass, so `&amp;lt;` (a typed `&lt;`) becomes `&lt;` and not `<`.
  return unwrapped.replace(/&(?:lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity).replace(NBSP, ' ');
}

function unwrapEscape(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@') || target.startsWith('#')) return `<${target}>`;
  if (target.startsWith('!')) {
    // A date's fallback text is what the user saw; other specials (here, subteam) stay as mentions.
    if (target.startsWith('!date^') && label !== undefined) return label;
    return `<${target}>`;
  }
  if (/^mailto:/i.test(target)) return target.slice('mailto:'.length);
  // A phone link's label is the number as typed; its target may have been reformatted.
  if (/^tel:/i.test(target)) return label ?? target.slice('tel:'.length);
  return target;
}

function quoteFamily(ch: string | undefined): QuoteFamily | undefined {
  if (ch === undefined) return undefined;
  if (DOUBLE_QUOTES.has(ch)) return 'double';
  if (SINGLE_QUOTES.has(ch)) return 'single';
  return undefined;
}

function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

// Double quotes group wherever they appear, as in a shell (`--topic="Weekly sync"`). Apostrophes are
// letters in `don't`, so a single quote opens a group only at the start of a word or right after `--flag=`.
function opensGroup(family: QuoteFamily, atWordStart: boolean, valueSoFar: string): boolean {
  if (family === 'double' || atWordStart) return true;
  return /^(?:--|[\u2013\u2014])[^=\s]+=$/.test(valueSoFar);
}

// A single quote between two letters is an apostrophe (`'don't stop'`), not the end of the group.
function closingIndex(text: string, from: number, family: QuoteFamily): number {
  for (let i = from; i < text.length; i++) {
    if (quoteFamily(text[i]) !== family) continue;
    if (family === 'single' && isWordChar(text[i - 1]) && isWordChar(text[i + 1])) continue;
    return i;
  }
  return -1;
}

function unclosedQuote(text: string, at: number): UsageError {
  const quote = text[at] ?? '"';
  const after = text.slice(at + 1).trimEnd();
  const snippet = after.length > 30 ? `${after.slice(0, 30).trimEnd()}…` : after;
  const close = quoteFamily(quote) === 'single' ? "'" : '"';
  return new UsageError(`A quote is never closed in ${quote}${snippet}: add the closing quote.`, {
    example: `${close}${snippet.replace(/…$/, '')}${close}`,
  });
}

/**
 * Reads the word that starts at or after `from` (whitespace skipped), or undefined at the end.
 * Reading one word at a time lets a caller stop before free text, which may hold unbalanced quotes.
 */
export function readToken(text: string, from = 0): Token | undefined {
  let i = from;
  while (i < text.length && isSpace(text[i]!)) i++;
  if (i >= text.length) return undefined;

  const start = i;
  let value = '';
  let quoted = false;
  while (i < text.length && !isSpace(text[i]!)) {
    const ch = text[i]!;
    const family = quoteFamily(ch);
    if (family !== undefined && opensGroup(family, i === start, value)) {
      const close = closingIndex(text, i + 1, family);
      if (close < 0) throw unclosedQuote(text, i);
      if (i === start) quoted = true;
      value += text.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    value += ch;
    i++;
  }
  return { value, start, end: i, quoted };
}

/**
 * The first `count` words and the text after them, verbatim from the start of the next word.
 * The router reads the resource and action this way without tokenizing a message or JSON body.
 */
export function splitHead(text: string, count: number): { head: Token[]; rest: string } {
  const head: Token[] = [];
  let pos = 0;
  while (head.length < count) {
    const token = readToken(text, pos);
    if (token === undefined) break;
    head.push(token);
    pos = token.end;
  }
  return { head, rest: text.slice(pos).trim() };
}

/**
 * Removes one pair of quotes that encloses the whole text (`"Hello "world""` → `Hello "world"`), and
 * nothing else: `"Hi" and "bye"` is not enclosed by one pair, so it stays as typed.
 */
export function stripEnclosingQuotes(text: string): string {
  const first = quoteFamily(text[0]);
  if (first === undefined || text.length < 2 || quoteFamily(text[text.length - 1]) !== first) return text;
  let token: Token | undefined;
  try {
    token = readToken(text, 0);
  } catch {
    return text; // unbalanced quotes inside: the admin's text, verbatim
  }
  return token !== undefined && token.quoted && token.end === text.length ? text.slice(1, -1) : text;
}
