// Vitest global setup of the browser suite: it drives a local Chromium (Debian's package; playwright-core never
// downloads one). Without it the run stops at once with one sentence, instead of every file failing to launch.
import { accessSync, constants } from 'node:fs';
import { stopRun } from './redis.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The sentence the run stops with, or undefined when the binary is there and executable. */
export function missingChromium(path = CHROMIUM): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return `The browser suite needs Chromium at ${path}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.`;
  }
}

export default function setupChromium(): void {
  const missing = missingChromium();
  if (missing) stopRun(missing);
}
