// Watching recordings: the admin asks for alerts in #zoom-alerts, a recording completes in Zoom (the simulate
// panel), and the alert arrives in that channel — through the real webhook, queue and relay.
import { describe, expect, it } from 'vitest';
import { botMessage, messages, send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('watch');

describe('watching Zoom events in the sandbox console', () => {
  it('relays a simulated recording.completed to #zoom-alerts', async () => {
    const page = fixture.page();
    await send(page, '/zoom watch recordings #zoom-alerts');
    await visible(botMessage(page, /zoom-alerts/));

    const panel = page.getByRole('region', { name: 'Simulate in Zoom' });
    await panel.getByLabel('What happens in Zoom').selectOption({ label: 'A cloud recording completes' });
    const session = panel.getByLabel('Meeting or webinar');
    const topic = (await session.locator('option:checked').innerText()).replace(/ \(\d+\).*$/, '');
    await panel.getByRole('button', { name: 'Simulate' }).click();
    await visible(panel.getByRole('status').filter({ hasText: 'recording.completed' }));

    await page.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: '# zoom-alerts' }).click();
    await visible(page.getByRole('heading', { name: '#zoom-alerts' }));
    const alert = await visible(messages(page).filter({ hasText: topic }).last());
    const text = await alert.innerText();
    expect(text).toContain('ZoomOps');
    // An alert is for the whole channel, not an ephemeral answer.
    expect(text).not.toContain('Only visible to you');
  });
});
