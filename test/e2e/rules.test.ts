// End to end: `/zoom rules` (list, set, on, off, delete, test) as an admin sees it in Slack, the audit line of each
// change, the refusal of a viewer, and bad input refused with a sentence that changes nothing. The bot answers to
// ZOOMOPS_COMMAND=/zoomops here, so every hint is shown to come from the configuration. The only Zoom call is
// `rules set`'s read of its meeting or webinar (is approval manual?); any other would fail the test (no answer is
// prepared).
import { DateTime } from 'luxon';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { claimApproval } from '../../src/rules/cap.js';
import type { RuleSet } from '../../src/rules/model.js';
import { useBotFixture } from '../helpers/bot.js';
import { textOf } from '../helpers/driver.js';
import type { FakeSlack, SlackCall } from '../helpers/fake-slack.js';
import { clearPrefix, testRedis } from '../helpers/redis.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';

const ADMIN = 'UADMIN';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';
const REGISTRATIONS = 'CREG00001';
const SECRET_ROOM = 'GSECRET01';
const COMMAND = '/zoomops';
const NOW = DateTime.fromISO('2026-12-02T10:00:00Z');
const WEBINAR = '81234567890';

const fixture = useBotFixture({
  name: 'e2e-rules',
  users: [{ id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' }, { id: VIEWER, email: 'v@example.com' }],
  env: { ZOOMOPS_ADMINS: ADMIN, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT, ZOOMOPS_COMMAND: COMMAND },
  now: NOW,
});
let slack: FakeSlack;
let sent = 0;
const redis = testRedis();
afterAll(() => redis.disconnect());
const services = () => fixture.bot().bot.services;
const rules = () => services().rules;

/** `/zoomops <text>` typed by `user` in #general (C1); the first answer on its response_url. */
async function command(text: string, user = ADMIN): Promise<SlackCall> {
  const id = `rules-${++sent}`;
  const res = await postSigned(`${fixture.bot().url}/slack/events`, slashCommandBody({ text, userId: user, command: COMMAND, responseUrl: slack.responseUrl(id) }), 'application/x-www-form-urlencoded');
  expect(res.status).toBe(200);
  return slack.response(id);
}
const auditLines = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT).map((c) => c.body.text as string);
const webinarRules = () => rules().get({ kind: 'webinar', id: WEBINAR });
/** Zoom's answer to the one read `rules set --webinar` makes: the webinar, its registrations approved by hand. */
const webinarFoundWithManualApproval = (approval = 1) =>
  fixture.zoom().get(`/webinars/${WEBINAR}`).reply(200, { id: Number(WEBINAR), topic: 'Launch', type: 5, settings: { approval_type: approval, registration_type: 1 } });

beforeEach(async () => {
  slack = fixture.slack();
  slack.channels.set('C1', { name: 'general', is_private: false, is_member: true });
  slack.channels.set(REGISTRATIONS, { name: 'registrations', is_private: false, is_member: false });
  await clearPrefix(redis, `{${services().keyPrefix}:rules}`);
});

describe('/zoom rules set', () => {
  it('creates a set in shadow mode, normalising the domains, and says what `rules on` does', async () => {
    webinarFoundWithManualApproval();
    const answer = await command(`rules set --webinar 812 3456 7890 --approve Acme.COM,@globex.com,http://eu.acme.com --deny mailinator.com --cap 200 --channel <#${REGISTRATIONS}|registrations>`);
    expect(answer.body.text).toBe(
      `:eyes: The rules of webinar 812 3456 7890 saved in *shadow mode*: for now they only say in <#${REGISTRATIONS}> what they would do with each registration, and change nothing in Zoom.`,
    );
    expect(textOf(answer)).toContain('Approve: acme.com, eu.acme.com, globex.com\\nDeny: mailinator.com\\nCap: 200 automatic approvals per meeting or webinar');
    expect(textOf(answer)).toContain(`When the reports look right, \`${COMMAND} rules on --webinar 812 3456 7890\` makes them approve and deny for real.`);
    expect(await webinarRules()).toEqual<RuleSet>({
      target: { kind: 'webinar', id: WEBINAR },
      approveDomains: ['acme.com', 'eu.acme.com', 'globex.com'],
      denyDomains: ['mailinator.com'],
      cap: 200,
      channel: REGISTRATIONS,
      mode: 'shadow',
      modeSince: NOW.toMillis(),
      updatedBy: ADMIN,
      updatedAt: NOW.toMillis(),
    });
    expect(auditLines()).toEqual([
      `:white_check_mark: <@${ADMIN}> set up the rules of webinar 812 3456 7890: approve acme.com, eu.acme.com, globex.com; deny mailinator.com; cap 200; channel <#${REGISTRATIONS}>; mode shadow`,
    ]);
  });

  it('sets account-wide rules reporting to the channel it was typed in when no target and no channel are given', async () => {
    const answer = await command('rules set --deny mailinator.com');
    expect(answer.body.text).toContain(':eyes: The account-wide rules saved in *shadow mode*: for now they only say in <#C1>');
    expect(await rules().get({ kind: 'account' })).toMatchObject({ approveDomains: [], denyDomains: ['mailinator.com'], channel: 'C1', mode: 'shadow' });
  });

  it('changes only the flags given on an existing set and keeps its mode', async () => {
    webinarFoundWithManualApproval();
    await command('rules set --webinar 81234567890 --approve acme.com --deny mailinator.com --cap 10');
    await command('rules on --webinar 81234567890');
    webinarFoundWithManualApproval();
    const answer = await command('rules set --webinar 81234567890 --cap none --approve acme.com,initech.com');
    expect(answer.body.text).toBe('The rules of webinar 812 3456 7890 changed; they stay on (they decide).');
    const stored = await webinarRules();
    expect(stored).toMatchObject({ approveDomains: ['acme.com', 'initech.com'], denyDomains: ['mailinator.com'], channel: 'C1', mode: 'on' });
    expect(stored?.cap).toBeUndefined();
    expect(auditLines().at(-1)).toBe(`:white_check_mark: <@${ADMIN}> changed the rules of webinar 812 3456 7890: approve acme.com, initech.com; cap none; mode on`);
  });
});

describe('rules on a meeting or webinar whose registrations never wait for approval', () => {
  it.each([
    [0, 'Webinar 812 3456 7890 approves its registrations automatically'],
    [2, 'Webinar 812 3456 7890 takes no registrations'],
  ])('refuses (approval_type %i), naming the switch to manual approval, and stores nothing', async (approval, why) => {
    const asked = webinarFoundWithManualApproval(approval);
    const answer = await command('rules set --webinar 812 3456 7890 --approve acme.com');
    expect(asked.isDone()).toBe(true);
    expect(answer.body.text).toContain(
      `${why}, so no registration waits for approval and rules would never decide one: switch it to manual approval first with \`${COMMAND} webinar update 812 3456 7890 --registration manual\`, then set the rules.`,
    );
    expect(await rules().list()).toEqual([]);
    expect(auditLines()).toEqual([]);
  });

  it('answers with Zoom’s not-found sentence for a meeting Zoom cannot find', async () => {
    fixture.zoom().get('/meetings/81234567899').reply(404, { code: 3001, message: 'Meeting does not exist: 81234567899.' });
    const answer = await command('rules set --meeting 812 3456 7899 --approve acme.com');
    expect(answer.body.text).toContain('Zoom refused: Meeting does not exist: 81234567899 (code 3001).');
    expect(answer.body.text).toContain(`Check the ID with \`${COMMAND} meeting list\`.`);
    expect(await rules().list()).toEqual([]);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['rules set --aprove acme.com', 'Unknown flag --aprove: did you mean --approve?'],
    ['rules set --approve acme', '"acme" is not a domain: give domains such as acme.com, separated by commas.'],
    ['rules set --approve *.acme.com', '"*.acme.com": subdomains match already, so write acme.com (it covers every subdomain).'],
    ['rules set --approve ana@acme.com', '"ana@acme.com" is an email address; rules match the domain after @: write acme.com.'],
    ['rules set --approve acme.com,globex.com --deny globex.com', 'globex.com is on both the approve and the deny list; a domain can be on one only.'],
    ['rules set --approve eu.acme.com --deny acme.com', 'eu.acme.com on the approve list is under acme.com on the deny list, and the deny list is checked first: it would never approve anyone.'],
    ['rules set --approve acme.com --cap 0', '"0" is not a cap: give how many registrations the rules may approve per meeting or webinar, a whole number from 1 to 1,000,000 (e.g. --cap 200), or --cap none to remove it.'],
    ['rules set --approve acme.com --cap 2.5', '"2.5" is not a cap'],
    ['rules set --webinar 812 34 --approve acme.com', '"812 34" is not a webinar ID (it has 5 digits)'],
    ['rules set --meeting 81234567890 --webinar 81234567890 --approve acme.com', 'Give --meeting or --webinar, not both'],
    ['rules set --webinar 81234567890', `Say what the rules do: --approve, --deny, --cap or --channel, e.g. \`${COMMAND} rules set --webinar 812 3456 7890 --approve acme.com --deny mailinator.com\`.`],
    [`rules set --approve acme.com --channel <#${SECRET_ROOM}|secret>`, `ZoomOps cannot see that channel; if it is private, invite ZoomOps to <#${SECRET_ROOM}> first`],
    ['rules sett --approve acme.com', `\`rules sett\` is not a command. Did you mean \`${COMMAND} rules set\`?`],
    ['rules list everything', `\`${COMMAND} rules list\` takes nothing more`],
  ])('`%s`', async (typed, sentence) => {
    const answer = await command(typed);
    expect(answer.body.text).toContain(sentence);
    expect(await rules().list()).toEqual([]);
    expect(auditLines()).toEqual([]);
  });

  it('refuses a change that would put a domain on both lists of an existing set, naming it, and keeps the set', async () => {
    webinarFoundWithManualApproval();
    await command('rules set --webinar 81234567890 --approve acme.com,globex.com');
    const before = await webinarRules();
    webinarFoundWithManualApproval();
    const answer = await command('rules set --webinar 81234567890 --deny globex.com');
    expect(answer.body.text).toContain('globex.com is on both the approve and the deny list');
    expect(await webinarRules()).toEqual(before);
    expect(auditLines()).toHaveLength(1);
  });

  it('refuses a private channel ZoomOps is not in', async () => {
    slack.channels.set(SECRET_ROOM, { is_private: true, is_member: false });
    const answer = await command(`rules set --approve acme.com --channel <#${SECRET_ROOM}|secret>`);
    expect(answer.body.text).toContain(`<#${SECRET_ROOM}> is private and ZoomOps is not in it`);
    expect(await rules().list()).toEqual([]);
  });
});

describe('/zoom rules on, off, delete', () => {
  it('turns shadow rules on, showing what shadow mode saw first, and records it', async () => {
    webinarFoundWithManualApproval();
    await command('rules set --webinar 81234567890 --approve acme.com');
    const target = { kind: 'webinar', id: WEBINAR } as const;
    for (const action of ['approve', 'approve', 'approve', 'deny', 'leave', 'leave'] as const) await rules().recordShadow(target, action);

    const answer = await command('rules on --webinar 812 3456 7890');
    expect(answer.body.text).toBe(
      ':white_check_mark: The rules of webinar 812 3456 7890 are on: from now on they approve and deny new registrations in Zoom, and say so in <#C1> with an Undo button.',
    );
    expect(textOf(answer)).toContain('In shadow mode since Wed 2 Dec 2026, 11:00 CET they would have approved 3, denied 1 and left 2 pending.');
    expect(await webinarRules()).toMatchObject({ mode: 'on' });
    expect(await rules().shadowTally(target)).toEqual({ approve: 0, deny: 0, leave: 0 });
    expect(auditLines().at(-1)).toBe(`:white_check_mark: <@${ADMIN}> turned on the rules of webinar 812 3456 7890 (they were in shadow mode)`);

    expect((await command('rules on --webinar 81234567890')).body.text).toBe('The rules of webinar 812 3456 7890 are already on; nothing changed.');
    expect(auditLines()).toHaveLength(2);

    const off = await command('rules off --webinar 81234567890');
    expect(off.body.text).toBe('The rules of webinar 812 3456 7890 are off: new registrations are left pending and get the usual card; nothing is approved or denied automatically.');
    expect(textOf(off)).not.toContain('In shadow mode');
    expect(await webinarRules()).toMatchObject({ mode: 'off', approveDomains: ['acme.com'] });
  });

  it.each(['on', 'off', 'delete'])('`rules %s` of a webinar without rules says how to set them, and changes nothing', async (verb) => {
    const answer = await command(`rules ${verb} --webinar 812 3456 7890`);
    expect(answer.body.text).toBe(`No rules for webinar 812 3456 7890. Set them with \`${COMMAND} rules set --webinar 812 3456 7890 --approve …\`.`);
    expect(await rules().list()).toEqual([]);
    expect(auditLines()).toEqual([]);
  });

  it('deletes a webinar’s rules, which then follows the account-wide ones', async () => {
    await command('rules set --approve corp.example');
    webinarFoundWithManualApproval();
    await command('rules set --webinar 81234567890 --approve acme.com');
    const answer = await command('rules delete --webinar 81234567890');
    expect(answer.body.text).toBe('The rules of webinar 812 3456 7890 are deleted: its registrations now follow the account-wide rules.');
    expect(await webinarRules()).toBeUndefined();
    expect((await rules().governing('webinar', WEBINAR))?.target).toEqual({ kind: 'account' });
    expect(auditLines().at(-1)).toBe(`:white_check_mark: <@${ADMIN}> deleted the rules of webinar 812 3456 7890`);
  });
});

describe('/zoom rules test and the list', () => {
  it('says what would happen to an address and why, which set decides, and when the cap is reached', async () => {
    await command('rules set --approve acme.com --deny mailinator.com --cap 2');
    const byAccount = await command('rules test <mailto:ana@eu.acme.com|ana@eu.acme.com> --webinar 812 3456 7890');
    expect(textOf(byAccount)).toContain(
      '*ana@eu.acme.com* would be *approved*: eu.acme.com is under acme.com, which is on the approve list.\\n0 of the cap\'s 2 automatic approvals are taken for webinar 812 3456 7890.\\nDecided by the account-wide rules (webinar 812 3456 7890 has none of its own).\\nThey are in shadow mode: today they would only say so in <#C1> and change nothing.',
    );

    const slot = { kind: 'webinar', id: WEBINAR } as const;
    await claimApproval(services().redis, services().keyPrefix, slot, 2);
    await claimApproval(services().redis, services().keyPrefix, slot, 2);
    const capped = await command('rules test ana@acme.com --webinar 81234567890');
    expect(capped.body.text).toBe('*ana@acme.com* would be *left pending*: acme.com is on the approve list.');
    expect(textOf(capped)).toContain('The cap is reached: 2 of 2 automatic approvals are taken for webinar 812 3456 7890.\\nThe registration gets the usual card with Approve and Deny in <#C1>.');

    webinarFoundWithManualApproval();
    await command('rules set --webinar 81234567890 --deny acme.com');
    const own = await command('rules test ana@acme.com --webinar 81234567890');
    expect(textOf(own)).toContain('*ana@acme.com* would be *denied*: acme.com is on the deny list.\\nDecided by the rules of webinar 812 3456 7890.');

    const malformed = await command('rules test ana@acme --webinar 81234567890');
    expect(malformed.body.text).toBe('*ana@acme* would be *left pending*: the address has no valid domain.');
  });

  it('answers that no rules decide when there are none', async () => {
    const answer = await command('rules test ana@acme.com --meeting 812 3456 7890');
    expect(answer.body.text).toBe(
      `Neither meeting 812 3456 7890 nor the account has rules, so *ana@acme.com* would be left pending with the usual card. \`${COMMAND} rules set --meeting 812 3456 7890 --approve …\` sets some.`,
    );
  });

  it('lists every set, account-wide first, with the shadow tally of those in shadow mode', async () => {
    expect((await command('rules')).body.text).toContain(`No registrant rules yet. Start with account-wide ones: \`${COMMAND} rules set --approve acme.com`);
    webinarFoundWithManualApproval();
    await command('rules set --webinar 81234567890 --approve acme.com --channel <#CREG00001|registrations>');
    await command('rules set --deny mailinator.com');
    await rules().recordShadow({ kind: 'webinar', id: WEBINAR }, 'approve');
    await command('rules on');

    const list = await command('rules list');
    expect(list.body.text).toBe('2 rule sets');
    const sections = (list.body.blocks ?? []).map((b: { text?: { text: string } }) => b.text?.text);
    expect(sections[0]).toBe(
      `*Account-wide rules* — on (they decide) since Wed 2 Dec 2026, 11:00 CET, last changed by <@${ADMIN}>\nApprove: none\nDeny: mailinator.com\nCap: none\nChannel: <#C1>`,
    );
    expect(sections[1]).toContain('*Rules of webinar 812 3456 7890* — in shadow mode (they only report)');
    expect(sections[1]).toContain(`Channel: <#${REGISTRATIONS}>\nSo far they would have approved 1, denied 0 and left 0 pending.`);
  });
});

describe('who may', () => {
  it.each(['rules', 'rules set --approve acme.com', 'rules test ana@acme.com'])('refuses `%s` to a viewer and stores nothing', async (typed) => {
    const answer = await command(typed, VIEWER);
    expect(answer.body.text).toContain(`You are not allowed to run \`${COMMAND} rules`);
    expect(await rules().list()).toEqual([]);
    expect(auditLines()).toEqual([]);
  });
});
