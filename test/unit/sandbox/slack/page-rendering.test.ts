// The console page renders what Slack renders: every emoji code the bot writes becomes the emoji (a code missing from
// the page's table would show as text), and the tab icon exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackConsole, type SlackConsole } from '../../../../src/sandbox/slack/index.js';

const SRC = new URL('../../../../src/', import.meta.url).pathname;
// The page's own module (plain browser JS without DOM use at import), loaded by path so TypeScript does not type it.
const MRKDWN_JS = new URL('../../../../src/sandbox/slack/public/mrkdwn.js', import.meta.url).href;

/** `:name:` in the bot's string literals (after a quote, space or bracket, before a space, quote or `*`). */
function emojiCodesInSources(): Map<string, string> {
  const found = new Map<string, string>();
  const code = /(?:^|(?<=['"`\s([]))(:[a-z0-9_+-]+:)(?=[\s'"`*])/g;
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.startsWith('sandbox')) continue;
    for (const match of readFileSync(join(SRC, file), 'utf8').matchAll(code)) found.set(match[1]!, file);
  }
  return found;
}

describe('emoji in the console', () => {
  it('has every emoji code the bot writes', async () => {
    const { EMOJI } = (await import(MRKDWN_JS)) as { EMOJI: Record<string, string> };
    const codes = emojiCodesInSources();
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter(([c]) => !(c.slice(1, -1) in EMOJI)).map(([c, file]) => `${c} (${file})`);
    expect(missing).toEqual([]);
  });

  it('renders a missed call\'s arrow as the emoji, in text and in mrkdwn', async () => {
    const { mrkdwn, textObject } = (await import(MRKDWN_JS)) as { mrkdwn: (t: string) => string; textObject: (o: unknown) => string };
    expect(mrkdwn(':arrow_lower_left: *Missed* call')).toBe('↙️ <b>Missed</b> call');
    expect(textObject({ type: 'plain_text', text: ':stop_button: End' })).toBe('⏹️ End');
  });
});

describe('/favicon.ico', () => {
  let slack: SlackConsole;
  beforeAll(async () => {
    slack = await startSlackConsole({ port: 0, botToken: 'xoxb-t', signingSecret: 's' });
  });
  afterAll(async () => {
    await slack.stop();
  });

  it('is a 16×16 icon', async () => {
    const res = await fetch(`${slack.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0, 0, 1, 0, 1, 0, 16, 16]);
    expect(bytes.readUInt32LE(14)).toBe(bytes.length - 22);
  });
});
