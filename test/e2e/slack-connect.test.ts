// Slack Connect: a shared channel brings people of other organisations into reach of the slash command and the
// alert buttons. Only people of the workspace ZoomOps is installed in (T1 in the fake Slack's auth.test) act,
// whatever their own organisation calls them and whatever ZOOMOPS_ADMINS lists.
import { describe, expect, it } from 'vitest';
import { startTestBot, useBotFixture } from '../helpers/bot.js';
import { slackDriver, textOf } from '../helpers/driver.js';

const OWN_ADMIN = 'UOWNADMIN';
const GUEST_ADMIN = 'UGUESTADMIN';
const LISTED_GUEST = 'UGUESTLISTED';
const fixture = useBotFixture({
  name: 'e2e-slack-connect',
  users: [
    { id: OWN_ADMIN, email: 'own@example.com', isAdmin: true },
    // An admin of their own organisation, met in a shared channel.
    { id: GUEST_ADMIN, email: 'guest@partner.example', isAdmin: true, teamId: 'TPARTNER' },
    { id: LISTED_GUEST, email: 'listed@partner.example', teamId: 'TPARTNER' },
  ],
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
const REFUSAL = 'ZoomOps takes requests only from people of the Slack workspace it is installed in';

describe('a guest from another organisation in a shared channel', () => {
  it('is refused a command even as an admin of their own workspace, and Zoom is not called', async () => {
    const list = fixture.trap().get(/\/users\/.*\/meetings/).reply(200, { meetings: [] });
    const answer = await driver.command('meeting list', GUEST_ADMIN);
    expect(answer.body.text).toContain(REFUSAL);
    expect(list.isDone()).toBe(false);
  });

  it('is refused an alert button (Approve a registrant) and nothing is sent to Zoom', async () => {
    const put = fixture.trap().put('/meetings/81234567890/registrants/status').reply(204);
    const value = JSON.stringify({ k: 'meeting', s: '81234567890', r: 'reg-jane', e: 'jane@example.com' });
    const answer = await driver.click('registrant.approve', value, GUEST_ADMIN);
    expect(answer.body.text).toContain(REFUSAL);
    expect(put.isDone()).toBe(false);
  });

  it('is refused even when ZOOMOPS_ADMINS or ZOOMOPS_VIEWERS lists them', async () => {
    const bot = await startTestBot({
      slackApiUrl: fixture.slack().apiUrl,
      redis: fixture.bot().bot.services.redis,
      keyPrefix: fixture.bot().bot.services.keyPrefix,
      env: { ZOOMOPS_ADMINS: `${LISTED_GUEST},${OWN_ADMIN}`, ZOOMOPS_VIEWERS: GUEST_ADMIN },
    });
    try {
      const local = slackDriver(() => bot.url, () => fixture.slack());
      expect((await local.command('help', LISTED_GUEST)).body.text).toContain(REFUSAL);
      expect((await local.command('help', GUEST_ADMIN)).body.text).toContain(REFUSAL);
      // Precondition: the same list lets the workspace's own admin in.
      expect(textOf(await local.command('help', OWN_ADMIN))).not.toContain(REFUSAL);
    } finally {
      await bot.stop();
    }
  });

  it('does not stop the workspace’s own admin', async () => {
    const answer = await driver.command('help', OWN_ADMIN);
    expect(textOf(answer)).toContain('/zoom meeting list');
  });
});
