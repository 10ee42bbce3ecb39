// The browser suite's fixture: the sandbox as `npm run sandbox` starts it (runSandbox, on free ports, its own Redis
// key prefix and data dir), and headless Chromium (Debian's package, driven by playwright-core) on its page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/log.js';
import { runSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { clearPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { CHROMIUM } from '../setup/chromium.js';


export interface SandboxPage {
  page: () => Page;
  sandbox: () => RunningSandbox;
}

export function useSandboxPage(name: string): SandboxPage {
  const prefix = uniquePrefix(`browser-${name}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'zoomops-browser-'));
  let sandbox: RunningSandbox;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    sandbox = await runSandbox({
      port: 0,
      env: { REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'error' },
      log: silentLogger,
      dataDir,
      keyPrefix: prefix,
      announce: () => undefined,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.goto(sandbox.url);
    await visible(composer(page));
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await clearPrefix(redis, prefix);
    await clearPrefix(redis, `{${prefix}`);
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { page: () => page, sandbox: () => sandbox };
}

/** The labelled message box, whichever channel is open. */
export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: /^Message / });
}

/** Types a line in the composer and sends it with Enter, as a person would. */
export async function send(page: Page, text: string): Promise<void> {
  const box = composer(page);
  await box.fill(text);
  await box.press('Enter');
}

/** The channel's messages, newest last. */
export function messages(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' }).getByRole('listitem');
}

/** The newest message from the bot that contains the text. */
export function botMessage(page: Page, text: string | RegExp): Locator {
  return messages(page).filter({ hasText: 'ZoomOps' }).filter({ hasText: text }).last();
}

/** Waits (up to 15 s) for the locator to be on screen; playwright-core has no expect of its own. */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
  return locator;
}

/** Waits for the locator to match nothing. */
export async function gone(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'detached', timeout: 15_000 });
}
