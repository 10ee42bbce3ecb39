// The suites' global set-up on a fresh machine: a Redis that is installed but not running is started for the run
// (and stopped after), and a missing Redis or Chromium stops the run with one sentence naming what to install.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answersPing } from '../../src/sandbox/local-redis.js';
import { HAS_REDIS_SERVER } from '../helpers/redis.js';
import setupRedis from '../setup/redis.js';
import { missingChromium } from '../setup/chromium.js';

const UNREACHABLE = 'redis://127.0.0.1:1';
const saved = { REDIS_URL: process.env.REDIS_URL, PATH: process.env.PATH };

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the Redis global set-up', () => {
  it('keeps a REDIS_URL that answers', async () => {
    const teardown = await setupRedis();
    expect(process.env.REDIS_URL).toBe(saved.REDIS_URL || 'redis://127.0.0.1:6379');
    await teardown();
    expect(await answersPing(process.env.REDIS_URL!)).toBe(true);
  });

  it.skipIf(!HAS_REDIS_SERVER)('starts a private redis-server when REDIS_URL does not answer, hands its URL to the workers, and stops it', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.REDIS_URL = UNREACHABLE;
    const teardown = await setupRedis();
    const privateUrl = process.env.REDIS_URL;
    expect(privateUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(privateUrl).not.toBe(UNREACHABLE);
    expect(await answersPing(privateUrl)).toBe(true);
    await teardown();
    expect(await answersPing(privateUrl)).toBe(false);
  });

  it('stops the run with one sentence naming the package when there is no Redis at all', async () => {
    process.env.REDIS_URL = UNREACHABLE;
    process.env.PATH = '/nonexistent';
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    await expect(setupRedis()).rejects.toThrow('exit 1');
    expect(said.mock.calls).toEqual([
      [`npm test needs Redis: nothing answers on ${UNREACHABLE} and redis-server is not on the PATH; install it (apt-get install redis-server, or brew install redis) or set REDIS_URL.`],
    ]);
  });
});

describe('the Chromium global set-up', () => {
  it('names Debian\'s package when the browser is missing', () => {
    expect(missingChromium('/nonexistent/chromium')).toBe(
      "The browser suite needs Chromium at /nonexistent/chromium: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  });

  it('accepts an executable', () => {
    expect(missingChromium(process.execPath)).toBeUndefined();
  });
});
