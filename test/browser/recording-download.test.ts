// A recording alert's Download button: the download job reports in the admin's DM, Share to Slack asks where and posts
// the saved file in the alert's thread, and the browser downloads that attachment with the same bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { botMessage, messages, send, useSandboxPage, visible } from './sandbox-page.js';

const fixture = useSandboxPage('recording-download');

describe('recording download from an alert', () => {
  it('downloads with the button, shares the transcript in the alert’s thread after asking where, and the browser saves it', async () => {
    const page = fixture.page();
    const channels = page.getByRole('navigation', { name: 'Channels' });
    await send(page, '/zoom watch recordings #zoom-alerts');
    await visible(botMessage(page, /zoom-alerts/));
    const panel = page.getByRole('region', { name: 'Simulate in Zoom' });
    await panel.getByLabel('What happens in Zoom').selectOption({ label: 'A cloud recording completes' });
    await panel.getByRole('button', { name: 'Simulate' }).click();
    await visible(panel.getByRole('status').filter({ hasText: 'recording.completed' }));

    await channels.getByRole('button', { name: '# zoom-alerts' }).click();
    const alert = await visible(messages(page).filter({ hasText: 'Recording ready' }).last());
    await alert.getByRole('button', { name: 'Download' }).click();
    await visible(botMessage(page, /Started job dl-/));

    // The job's progress message in the DM ends as a summary of saved files, each with Share to Slack.
    await channels.getByRole('button', { name: 'ZoomOps' }).click();
    const summary = await visible(messages(page).filter({ hasText: /files saved/ }).last());
    const savedAt = /Saved (.+\.vtt) ·/.exec(await summary.innerText())?.[1];
    expect(savedAt, 'the summary names where the transcript was saved').toBeDefined();
    const row = summary.locator('.block-section').filter({ hasText: '.vtt' });
    await row.getByRole('button', { name: 'Share to Slack' }).click();
    // It asks where, with the alert's channel picked and its thread ticked; the file saved is what gets shared.
    const dialog = await visible(page.getByRole('dialog', { name: /Share to Slack/ }));
    await expect.poll(() => dialog.getByLabel('Channel').inputValue()).not.toBe('');
    expect(await dialog.getByRole('checkbox', { name: /In the thread of the alert/ }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Share' }).click();
    await visible(messages(page).filter({ hasText: /Shared .*\.vtt/ }).last());

    await channels.getByRole('button', { name: '# zoom-alerts' }).click();
    // In the alert's thread, folded under its replies as Slack shows them.
    await (await visible(alert.getByText(/^\d+ repl(y|ies)$/))).click();
    const attachment = await visible(alert.getByRole('link', { name: /^Download .*/ }).last());
    const [download] = await Promise.all([page.waitForEvent('download'), attachment.click()]);
    expect(download.suggestedFilename()).toMatch(/\.vtt$/);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.equals(readFileSync(savedAt!))).toBe(true);
    expect(bytes.toString('utf8')).toContain('WEBVTT');
  });
});
