// `npm run screenshots [scene …]`: the README's pictures, taken from the sandbox as a person sees it. Starts the sandbox
// (as `npm run sandbox` does, on free ports and under its own Redis key prefix), opens its console page in headless
// Chromium (Debian's package, or CHROMIUM_PATH; playwright-core never downloads one), plays each scene and saves the
// bot's answer, cropped to it, under docs/images/. A scene is a name, a file and what to type; adding one is a few
// lines in SCENES.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { silentLogger } from '../src/log.js';
import { runSandbox, type RunningSandbox } from '../src/sandbox/index.js';
import { toPalettePng } from './png-palette.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** README images stay small: a picture past this is a sign the crop went wrong. */
const MAX_BYTES = 200 * 1024;

interface Scene {
  name: string;
  /** Relative to the repository root. */
  file: string;
  /** Plays the scene; resolves with what to capture, or a sentence saying why this build cannot show it. */
  play(page: Page, sandbox: RunningSandbox): Promise<Locator | string>;
}

const SCENES: Scene[] = [
  { name: 'doctor', file: 'docs/images/doctor.png', play: (page) => answerTo(page, '/zoom doctor', 'ZoomOps doctor') },
  { name: 'rules', file: 'docs/images/rules.png', play: rulesScene },
];

/** `/zoom rules`: a webinar's rule set, new and so in shadow mode, as the list shows it. */
async function rulesScene(page: Page): Promise<Locator> {
  await answerTo(page, '/zoom rules set --webinar 845 6789 0123 --approve example.com,acme.com --deny mailinator.com --cap 200 --channel #registrations', 'shadow mode');
  return answerTo(page, '/zoom rules', 'mailinator.com');
}

/** Types a line in the composer, as a person would, and waits for the bot's newest message that contains `text`. */
async function answerTo(page: Page, line: string, text: string): Promise<Locator> {
  const answers = page.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'ZoomOps' }).filter({ hasText: text });
  const before = await answers.count();
  const box = page.getByRole('textbox', { name: /^Message / });
  await box.fill(line);
  await box.press('Enter');
  const answer = answers.nth(before);
  await answer.waitFor({ state: 'visible', timeout: 20_000 });
  return answer;
}

async function main(wanted: string[]): Promise<number> {
  const unknown = wanted.filter((name) => !SCENES.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`No scene ${unknown.join(', ')}; the scenes are ${SCENES.map((s) => s.name).join(', ')}.`);
    return 2;
  }
  const scenes = wanted.length > 0 ? SCENES.filter((s) => wanted.includes(s.name)) : SCENES;
  const dataDir = mkdtempSync(join(tmpdir(), 'zoomops-screenshots-'));
  const sandbox = await runSandbox({ port: 0, log: silentLogger, dataDir, keyPrefix: 'zoomops-screenshots', announce: () => undefined });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-lcd-text'] });
  let failed = 0;
  try {
    // Tall enough that a long answer fits the message list without scrolling; one CSS pixel per pixel keeps files small.
    const page = await browser.newPage({ viewport: { width: 1100, height: 2600 }, deviceScaleFactor: 1 });
    await page.goto(sandbox.url);
    await page.getByRole('textbox', { name: /^Message / }).waitFor({ state: 'visible', timeout: 20_000 });
    for (const scene of scenes) {
      const shown = await scene.play(page, sandbox);
      if (typeof shown === 'string') {
        console.log(`${scene.name}: skipped (${shown}).`);
        continue;
      }
      const path = resolve(scene.file);
      mkdirSync(dirname(path), { recursive: true });
      const png = toPalettePng(await shown.screenshot({ animations: 'disabled' }));
      writeFileSync(path, png);
      const bytes = png.length;
      console.log(`${scene.name}: ${scene.file} (${Math.round(bytes / 1024)} KB)`);
      if (bytes > MAX_BYTES) {
        console.error(`${scene.name}: ${scene.file} is over ${MAX_BYTES / 1024} KB; crop it to less.`);
        failed += 1;
      }
    }
  } finally {
    await browser.close();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
