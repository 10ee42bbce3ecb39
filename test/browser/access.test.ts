// Switching to the member (not a Slack workspace admin, not in ZOOMOPS_ADMINS) gets a refusal, and nothing else.
import { describe, expect, it } from 'vitest';
import { botMessage, messages, send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('access');

describe('access in the sandbox console', () => {
  it('refuses a non-admin', async () => {
    const page = fixture.page();
    await page.getByLabel('Acting as').selectOption({ label: 'Morgan Member (member)' });
    await visible(page.getByText('member@sandbox.zoomops.test · not an admin'));
    await send(page, '/zoom meeting list');
    const refusal = await visible(botMessage(page, /not allowed/));
    expect(await refusal.innerText()).toContain('Only visible to you');
    expect(await messages(page).filter({ hasText: 'Upcoming meetings' }).count()).toBe(0);

    // The admin never saw the member's command or its answer: both were ephemeral.
    await page.getByLabel('Acting as').selectOption({ label: 'Alex Admin (workspace admin)' });
    await visible(page.getByText('admin@sandbox.zoomops.test · Slack workspace admin'));
    expect(await messages(page).filter({ hasText: /not allowed/ }).count()).toBe(0);
  });
});
