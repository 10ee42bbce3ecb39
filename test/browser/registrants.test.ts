// A pending registrant approved with the card's button: the card is redrawn with who approved, and Zoom has it.
import { describe, expect, it } from 'vitest';
import { botMessage, send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('registrants');

describe('registrants in the sandbox console', () => {
  it('approves a pending registrant with the button and the card changes', async () => {
    const page = fixture.page();
    const { state } = fixture.sandbox().zoom;
    const session = [...state.sessions.values()].find((s) => s.kind === 'meeting' && (state.registrants.get(s.id) ?? []).some((r) => r.status === 'pending'));
    expect(session, 'the seeded account has a meeting with pending registrants').toBeDefined();
    const pending = state.registrants.get(session!.id)!.filter((r) => r.status === 'pending');

    await send(page, `/zoom meeting registrants ${session!.id}`);
    const card = await visible(botMessage(page, /pending registrants/));
    expect(await card.innerText()).toContain(`${pending.length} pending`);
    const first = pending[0]!;
    expect(await card.innerText()).toContain(first.email);

    await card.getByRole('button', { name: 'Approve', exact: true }).first().click();
    // The same message is redrawn in place (replace_original): one fewer pending, and who approved whom.
    await expect.poll(async () => (await botMessage(page, /pending registrants/).innerText()), { timeout: 15_000 }).toContain(`${pending.length - 1} pending`);
    const redrawn = await botMessage(page, /pending registrants/).innerText();
    expect(redrawn).toContain('Alex Admin');
    expect(redrawn).not.toContain(first.email + ' ·');
    expect(state.registrants.get(session!.id)!.find((r) => r.id === first.id)?.status).toBe('approved');
  });
});
