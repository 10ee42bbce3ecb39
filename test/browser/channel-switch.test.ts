// Switching channels while the page is still fetching what it showed before: the answer for the old channel arrives
// after the click and must not take the page back there (the recording alert "never arrived" in
// recording-download.test.ts because the page had gone back to #general under the reader's click).
import { describe, it } from 'vitest';
import { send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('channel-switch');

describe('switching channels', () => {
  it('stays in the channel clicked even when a redraw of the previous one answers after the click', async () => {
    const page = fixture.page();
    await visible(page.getByRole('heading', { name: '#general' }));
    let hold: (() => void) | undefined;
    const held = new Promise<void>((seen) => {
      void page.route(
        (url) => url.pathname === '/console/state' && url.searchParams.get('channel') === 'C0SBGENERAL',
        async (route) => {
          if (hold) return route.continue();
          const released = new Promise<void>((release) => (hold = release));
          seen();
          await released;
          await route.continue();
        },
      );
    });
    // Something changes in #general (here: a message sent there), so the page redraws it; that answer is held back.
    await send(page, 'Lunch at noon?');
    await held;
    await page.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: '# zoom-alerts' }).click();
    hold!();
    await visible(page.getByRole('heading', { name: '#zoom-alerts' }));
  });
});
