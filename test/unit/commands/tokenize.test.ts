// Slack unescaping and quote-aware splitting of the `/zoom` command line.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/commands/errors.js';
import {
  readToken,
  splitHead,
  stripEnclosingQuotes,
  unescapeSlack,
  type Token,
} from '../../../src/commands/tokenize.js';

/** Every word of `text`, read one after the other as the grammar reads them. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (let token = readToken(text); token !== undefined; token = readToken(text, token.end)) tokens.push(token);
  return tokens;
}

const values = (text: string) => tokenize(text).map((t) => t.value);

describe('unescapeSlack', () => {
  it('unwraps an email link to the address', () => {
    expect(unescapeSlack('register 812 <mailto:jane@x.com|jane@x.com>')).toBe('register 812 jane@x.com');
  });

  it('keeps user mentions without their label', () => {
    expect(unescapeSlack('--user <@U123ABC|jane>')).toBe('--user <@U123ABC>');
    expect(unescapeSlack('--user <@W0ENTERPRISE>')).toBe('--user <@W0ENTERPRISE>');
  });

  it('keeps channel mentions without their label, also the empty label of private channels', () => {
    expect(unescapeSlack('watch meetings <#C0123|zoom-alerts>')).toBe('watch meetings <#C0123>');
    expect(unescapeSlack('<#G0456|>')).toBe('<#G0456>');
  });

  it('unwraps links to their target', () => {
    expect(unescapeSlack('see <https://x.y/a?b=1&amp;c=2|x.y/a>')).toBe('see https://x.y/a?b=1&c=2');
    expect(unescapeSlack('<https://zoom.us/j/81234567890>')).toBe('https://zoom.us/j/81234567890');
  });

  it('keeps special mentions without their label', () => {
    expect(unescapeSlack('<!subteam^S123|@admins> <!here>')).toBe('<!subteam^S123> <!here>');
  });

  it('decodes exactly the three entities, last and in one pass', () => {
    expect(unescapeSlack('a &lt;b&gt; &amp; c')).toBe('a <b> & c');
    // A typed `&lt;` arrives as `&amp;lt;` and must stay `&lt;`.
    expect(unescapeSlack('&amp;lt; &quot; &#39;')).toBe('&lt; &quot; &#39;');
    expect(unescapeSlack('{&quot;a&quot;: 1}')).toBe('{&quot;a&quot;: 1}');
  });

  it('does not read a typed angle bracket as a Slack escape', () => {
    expect(unescapeSlack('&lt;mailto:x|y&gt;')).toBe('<mailto:x|y>');
  });

  it('turns non-breaking spaces into spaces', () => {
    expect(unescapeSlack('meeting\u00A0get 812\u00A0\u00A03456')).toBe('meeting get 812  3456');
  });
});

describe('tokenize', () => {
  it('splits on any whitespace', () => {
    expect(values('  meeting   get\t812\n3456 ')).toEqual(['meeting', 'get', '812', '3456']);
  });

  it('groups words in straight and curly quotes, also mixed pairs', () => {
    expect(values('create "Weekly sync" \'Board call\'')).toEqual(['create', 'Weekly sync', 'Board call']);
    expect(values('\u201CWeekly sync\u201D \u2018Board call\u2019')).toEqual(['Weekly sync', 'Board call']);
    expect(values('\u201CWeekly sync" \'Board call\u2019')).toEqual(['Weekly sync', 'Board call']);
  });

  it('keeps apostrophes inside words', () => {
    expect(values("don't stop")).toEqual(["don't", 'stop']);
    expect(values('don\u2019t stop')).toEqual(['don\u2019t', 'stop']);
    expect(values("'don't stop' now")).toEqual(["don't stop", 'now']);
    expect(values('"It\u2019s fine"')).toEqual(['It\u2019s fine']);
  });

  it('groups a quoted flag value after =', () => {
    expect(values('--topic="Weekly sync" --agenda=\'Q4 plan\'')).toEqual(['--topic=Weekly sync', '--agenda=Q4 plan']);
  });

  it('keeps an empty quoted word', () => {
    expect(tokenize('--agenda ""')).toEqual([
      { value: '--agenda', start: 0, end: 8, quoted: false },
      { value: '', start: 9, end: 11, quoted: true },
    ]);
  });

  it('records offsets and whether a word was quoted', () => {
    expect(tokenize('send  "a b" c')).toEqual([
      { value: 'send', start: 0, end: 4, quoted: false },
      { value: 'a b', start: 6, end: 11, quoted: true },
      { value: 'c', start: 12, end: 13, quoted: false },
    ]);
  });

  it('refuses a quote that is never closed', () => {
    expect(() => tokenize('create "Weekly sync --start 9:00')).toThrow(UsageError);
    expect(() => tokenize('create "Weekly sync')).toThrow(/A quote is never closed in "Weekly sync/);
    expect(() => tokenize("create 'Weekly")).toThrow(UsageError);
  });

  it('reads one word at a time without looking further', () => {
    expect(readToken('a "unclosed', 0)).toEqual({ value: 'a', start: 0, end: 1, quoted: false });
    expect(readToken('   ', 0)).toBeUndefined();
  });
});

describe('splitHead', () => {
  it('returns the first words and the rest verbatim, even with unbalanced quotes in it', () => {
    const { head, rest } = splitHead('chat send  ops  "he said "hi', 2);
    expect(head.map((t) => t.value)).toEqual(['chat', 'send']);
    expect(rest).toBe('ops  "he said "hi');
  });
});

describe('stripEnclosingQuotes', () => {
  it('removes one pair around the whole text', () => {
    expect(stripEnclosingQuotes('"Hello team"')).toBe('Hello team');
    expect(stripEnclosingQuotes('\u201CHello team\u201D')).toBe('Hello team');
    expect(stripEnclosingQuotes('"She said "yes" to it"')).toBe('She said "yes" to it');
    expect(stripEnclosingQuotes("'don't stop'")).toBe("don't stop");
  });

  it('leaves text that is not enclosed by one pair', () => {
    expect(stripEnclosingQuotes('"Hi" and "bye"')).toBe('"Hi" and "bye"');
    expect(stripEnclosingQuotes('Hello "team"')).toBe('Hello "team"');
    expect(stripEnclosingQuotes('"unbalanced')).toBe('"unbalanced');
    expect(stripEnclosingQuotes('"')).toBe('"');
  });
});
