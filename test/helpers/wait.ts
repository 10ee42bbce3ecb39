// Waiting in tests for something that happens asynchronously. A wait that runs out throws, naming what never came,
// so a test cannot pass without reaching the scenario it describes.
import { setTimeout as delay } from 'node:timers/promises';

/** The first truthy value `check` returns, polling every `everyMs`; throws once `timeoutMs` passed without one. */
export async function until<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}

/** A promise the test settles by hand: a fake server holds its answer on `opened` until the test calls `open()`. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
