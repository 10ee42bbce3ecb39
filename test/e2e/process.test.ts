// The real entry point (src/main.ts) as an operator starts it: a `.env` in the working directory fills in what the
// environment does not set (the environment wins), and SIGTERM or SIGINT ends the process with exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const MAIN = join(import.meta.dirname, '../../src/main.ts');
const TSX = import.meta.resolve('tsx');

const CREDENTIALS = {
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: 'signing-secret',
  ZOOM_ACCOUNT_ID: 'acct',
  ZOOM_CLIENT_ID: 'client',
  ZOOM_CLIENT_SECRET: 'client-secret',
};

interface Started {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
let dir: string;

/** Runs main.ts in `dir` with only the given variables (and PATH) set, as a fresh shell would. */
function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoomops-process-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.env', () => {
  it('fills in what the environment does not set, and the environment wins where both set a variable', async () => {
    const fromFile = Object.entries({ ...CREDENTIALS, ZOOMOPS_ROLE: 'from-the-file', LOG_LEVEL: 'loud' })
      .map(([name, value]) => `${name}=${value}`)
      .join('\n');
    writeFileSync(join(dir, '.env'), `${fromFile}\n`);
    try {
      // Nothing set but the file: real mode (not the sandbox), and both bad values come from the file.
      const onlyFile = start({});
      expect(await onlyFile.exited).toBe(1);
      expect(onlyFile.out()).toContain('ZOOMOPS_ROLE must be all, web or worker, got "from-the-file"');
      expect(onlyFile.out()).toContain('LOG_LEVEL must be debug, info, warn or error, got "loud"');

      const both = start({ ZOOMOPS_ROLE: 'from-the-environment' });
      expect(await both.exited).toBe(1);
      expect(both.out()).toContain('ZOOMOPS_ROLE must be all, web or worker, got "from-the-environment"');
      expect(both.out()).not.toContain('from-the-file');
    } finally {
      rmSync(join(dir, '.env'));
    }
  }, 30_000);
});

describe('signals', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = new FakeSlack();
    await slack.start();
  });
  afterAll(() => slack.stop());

  // The web role keeps no keys in Redis of its own, so the default key prefix touches nothing on the shared Redis.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} stops the bot and exits 0`, async () => {
      const port = await freePort();
      const bot = start({ ...CREDENTIALS, ZOOMOPS_ROLE: 'web', PORT: String(port), REDIS_URL: TEST_REDIS_URL, SLACK_API_URL: slack.apiUrl });
      await until('the bot to listen', () => bot.out().includes('ZoomOps is listening') || bot.child.exitCode !== null, 20_000, 50);
      expect(bot.child.exitCode, bot.out()).toBeNull();

      bot.child.kill(signal);

      expect(await bot.exited).toBe(0);
      expect(bot.out()).toContain(`"signal":"${signal}"`);
    }, 40_000);
  }
});
