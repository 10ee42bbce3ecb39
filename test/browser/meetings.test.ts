// A meeting created through the modal (with Slack's inline errors on the way) shows up in /zoom meeting list.
import { describe, expect, it } from 'vitest';
import { botMessage, gone, send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('meetings');

/** Tomorrow in the browser's own calendar, as yyyy-mm-dd for the date picker. */
function tomorrow(): string {
  const d = new Date(Date.now() + 24 * 3600_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('meetings in the sandbox console', () => {
  it('creates a meeting through the modal and lists it', async () => {
    const page = fixture.page();
    await send(page, '/zoom meeting create');
    const dialog = await visible(page.getByRole('dialog', { name: /New Zoom meeting/ }));

    // Submitting without a topic keeps the form open with the bot's error under the field.
    await dialog.getByLabel('Date').fill(tomorrow());
    await dialog.getByLabel('Start time').fill('10:30');
    await dialog.getByLabel('Duration (minutes)').fill('45');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await visible(dialog.getByRole('alert').filter({ hasText: 'Give the meeting a topic.' }));
    expect(await dialog.getByLabel('Topic').getAttribute('aria-invalid')).toBe('true');

    await dialog.getByLabel('Topic').fill('Browser suite planning');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await visible(page.getByRole('dialog').getByText(/Created/));
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
    await gone(page.getByRole('dialog'));
    const card = await visible(botMessage(page, 'Browser suite planning'));
    expect(await card.innerText()).toContain('Only visible to you');

    // The meeting is in Zoom (the sandbox) and in the list the bot shows.
    const created = [...fixture.sandbox().zoom.state.sessions.values()].find((s) => s.topic === 'Browser suite planning');
    expect(created?.kind).toBe('meeting');
    await send(page, '/zoom meeting list');
    const list = await visible(botMessage(page, /Upcoming meetings/));
    expect(await list.innerText()).toContain('Browser suite planning');
  });
});
