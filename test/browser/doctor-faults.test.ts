// The doctor's ✗ lines clicked through in the sandbox: the admin takes a scope away from the Zoom app and silences the
// webhook in the "Break the install" panel, and `/zoom doctor` names the blocked commands and when the last event came.
import { describe, expect, it } from 'vitest';
import { botMessage, send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('doctor-faults');

describe('breaking the install from the console', () => {
  it('shows the doctor naming a withheld scope and a silent webhook', async () => {
    const page = fixture.page();
    const panel = page.getByRole('region', { name: 'Break the install' });
    await panel.getByLabel('Zoom scopes the app lacks').selectOption(['meeting:update:status:admin']);
    await panel.getByLabel(/Silent webhook/).check();
    await panel.getByRole('button', { name: 'Apply' }).click();
    await visible(panel.getByRole('status').filter({ hasText: 'The Zoom app lacks meeting:update:status:admin. The webhook is silent.' }));

    await send(page, '/zoom doctor');
    const answer = await visible(botMessage(page, 'ZoomOps doctor'));
    const text = await answer.innerText();
    expect(text).toContain('✗ meeting end is blocked: the Zoom app lacks meeting:update:status:admin.');
    expect(text).toMatch(/✗ No Zoom event received in 7 days \(the last, endpoint\.url_validation, came \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    // The panel kept the choices it applied.
    expect(await panel.getByLabel(/Silent webhook/).isChecked()).toBe(true);
  });
});
