// The console renders the bot's blocks as Slack does: emoji codes as emoji, long unbroken strings wrapped inside the
// channel, thread replies folded under "N replies", primary buttons filled green and danger ones filled red; the
// "Simulate in Zoom" panel keeps its choices between runs. SCREENSHOT_DIR=… saves what the page looked like.
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { messages, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('look');
/** What the page's window offers here (the tests are type-checked without the DOM library). */
type BrowserWindow = { getComputedStyle(node: unknown): { backgroundColor: string } };
const GENERAL = 'C0SBGENERAL';
const LONG = `https://example.com/${'a1b2c3d4'.repeat(40)}`;

async function shot(name: string): Promise<void> {
  if (process.env.SCREENSHOT_DIR) await fixture.page().screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png` });
}

/** Posts as the bot does, through the console's Web API with the bot's token. */
function botClient(): WebClient {
  const sandbox = fixture.sandbox();
  return new WebClient(sandbox.config.slack.botToken, { slackApiUrl: sandbox.slack.apiUrl, retryConfig: { retries: 0 } });
}

describe('the console looks like Slack', () => {
  it('renders emoji, wraps long strings, fills primary and danger buttons, folds replies', async () => {
    const page = fixture.page();
    const client = botClient();
    const parent = await client.chat.postMessage({
      channel: GENERAL,
      text: 'Missed call',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `:arrow_lower_left: *Missed call* from ${LONG}` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: LONG }] },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'keep', style: 'primary', text: { type: 'plain_text', text: 'Keep it' } },
            { type: 'button', action_id: 'drop', style: 'danger', text: { type: 'plain_text', text: 'Delete it' } },
          ],
        },
      ],
    });
    for (const n of [1, 2]) await client.chat.postMessage({ channel: GENERAL, thread_ts: parent.ts!, text: `Reply number ${n}` });

    const message = await visible(messages(page).filter({ hasText: 'Missed call' }).last());
    expect(await message.innerText()).toContain('↙️ Missed call');
    expect(await message.innerText()).not.toContain(':arrow_lower_left:');

    // Nothing runs off the right edge of the channel.
    const log = page.getByRole('log', { name: 'Messages' });
    const overflow = await log.evaluate((node) => node.scrollWidth - node.clientWidth);
    expect(overflow).toBe(0);

    const background = (name: string) => message.getByRole('button', { name }).evaluate((b) => (globalThis as unknown as BrowserWindow).getComputedStyle(b).backgroundColor);
    expect(await background('Keep it')).toBe('rgb(0, 122, 90)');
    expect(await background('Delete it')).toBe('rgb(224, 30, 90)');

    // The replies are under "2 replies", hidden until opened, and not in the channel themselves.
    const toggle = message.getByText('2 replies');
    await visible(toggle);
    expect(await page.getByText('Reply number 1').isVisible()).toBe(false);
    await shot('look-collapsed');
    await toggle.click();
    await visible(message.getByText('Reply number 2'));
    await shot('look-thread-open');
    // A redraw (a new message) keeps the thread open.
    await client.chat.postMessage({ channel: GENERAL, text: 'Another message' });
    await visible(messages(page).filter({ hasText: 'Another message' }).first());
    expect(await message.getByText('Reply number 1').isVisible()).toBe(true);
  });

  it('keeps the simulate panel\'s meeting and email after a run', async () => {
    const page = fixture.page();
    const panel = page.getByRole('region', { name: 'Simulate in Zoom' });
    await panel.getByLabel('What happens in Zoom').selectOption({ label: 'Someone registers' });
    const session = panel.getByLabel('Meeting or webinar');
    const choices = await session.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(choices.length).toBeGreaterThan(1);
    const target = choices.at(-1)!;
    await session.selectOption(target);
    await panel.getByLabel('Registrant email (optional)').fill('casey@example.com');
    await panel.getByRole('button', { name: 'Simulate' }).click();
    await visible(panel.getByRole('status').filter({ hasText: 'registration' }));
    await shot('simulate-after-run');

    expect(await panel.getByLabel('What happens in Zoom').inputValue()).toBe('registration.created');
    expect(await panel.getByLabel('Meeting or webinar').inputValue()).toBe(target);
    expect(await panel.getByLabel('Registrant email (optional)').inputValue()).toBe('casey@example.com');
  });

  it('has a tab icon', async () => {
    const res = await fixture.page().request.get(new URL('/favicon.ico', fixture.sandbox().url).href);
    expect(res.status()).toBe(200);
  });
});
