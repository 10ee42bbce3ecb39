// End to end: undoing a decision of the registrant rules (the Undo button, its confirmation, the one status call it
// sends, the cap place it gives back, the decision message redrawn) and `/zoom rules apply` over the registrants
// already pending (preview, shadow mode, confirmation above 50, the bulk job's batches of 30).
import { beforeEach, describe, expect, it } from 'vitest';
import { approvalsTaken, claimApproval } from '../../src/rules/cap.js';
import type { RuleSet, UndoRef } from '../../src/rules/model.js';
import type { Services } from '../../src/services.js';
import { useBotFixture } from '../helpers/bot.js';
import { buttonOf, slackDriver, textOf } from '../helpers/driver.js';
import type { FakeSlack, SlackCall } from '../helpers/fake-slack.js';
import { buttonClick, interactionBody, postSigned } from '../helpers/slack-requests.js';
import { until } from '../helpers/wait.js';

const ADMIN = 'UADMIN';
const ADMIN2 = 'UADMIN2';
const VIEWER = 'UVIEWER';
const AUDIT = 'CAUDIT';
const RULES_CHANNEL = 'CRULES';
const DECISIONS_TS = '1764666120.000100';

const fixture = useBotFixture({
  name: 'e2e-rules-undo',
  users: [
    { id: ADMIN, email: 'admin@example.com', tz: 'Europe/Berlin' },
    { id: ADMIN2, email: 'admin2@example.com' },
    { id: VIEWER, email: 'viewer@example.com' },
  ],
  env: { ZOOMOPS_ADMINS: `${ADMIN},${ADMIN2}`, ZOOMOPS_VIEWERS: VIEWER, ZOOMOPS_AUDIT_CHANNEL: AUDIT },
});
const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
const services = (): Services => fixture.bot().bot.services;
let slack: FakeSlack;

beforeEach(() => {
  slack = fixture.slack();
});

/** 2 Dec 2026, 09:02 UTC: 10:02 in Berlin, where ADMIN reads. */
const DECIDED_AT = Date.UTC(2026, 11, 2, 9, 2);

function ruleSet(kind: 'meeting' | 'webinar', id: string, mode: RuleSet['mode'], cap?: number): RuleSet {
  return {
    target: { kind, id },
    approveDomains: ['acme.com'],
    denyDomains: ['mailinator.com'],
    ...(cap === undefined ? {} : { cap }),
    channel: RULES_CHANNEL,
    mode,
    modeSince: 0,
    updatedBy: ADMIN,
    updatedAt: 0,
  };
}

const refOf = (session: string, r: string, e: string, d: 'approve' | 'deny'): UndoRef => ({ k: 'webinar', s: session, r, e, d, at: DECIDED_AT });

/** A decision message as the rules post it: one line per decision, each with its Undo button beside it. */
function decisionMessage(refs: UndoRef[]) {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: '*Registrant rules* decided for webinar 812 3456 7890' } },
    ...refs.map((ref) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `${ref.d === 'approve' ? 'Approved' : 'Denied'} ${ref.e}` },
      accessory: { type: 'button', text: { type: 'plain_text', text: 'Undo' }, action_id: 'rules.undo', value: JSON.stringify(ref) },
    })),
  ];
}

let clicks = 0;
/** A click on an Undo button that sits in the rules channel's decision message; the answer to its response_url. */
async function clickUndo(user: string, ref: UndoRef, blocks: unknown[]): Promise<SlackCall> {
  const id = `undo${++clicks}`;
  const click = buttonClick({ userId: user, actionId: 'rules.undo', value: JSON.stringify(ref), responseUrl: slack.responseUrl(id), channelId: RULES_CHANNEL, message: { ts: DECISIONS_TS, blocks } });
  const res = await postSigned(`${fixture.bot().url}/slack/events`, interactionBody(click), 'application/x-www-form-urlencoded');
  expect(res.status).toBe(200);
  return slack.response(id);
}

/** Zoom's answer to `GET …/registrants/{id}`: the registrant with their status now. */
function registrantNow(session: string, ref: UndoRef, status: string) {
  return fixture.zoom().get(`/webinars/${session}/registrants/${ref.r}`).reply(200, { id: ref.r, email: ref.e, first_name: 'Jane', status });
}

describe('Undo of a rules decision', () => {
  it('asks first, then sends exactly one deny for the approved registrant, gives the cap place back and redraws only that line', async () => {
    const session = '81234567890';
    const jane = refOf(session, 'reg-jane', 'jane@acme.com', 'approve');
    const spam = refOf(session, 'reg-spam', 'spam@mailinator.com', 'deny');
    const slot = { kind: 'webinar', id: session } as const;
    expect(await claimApproval(services().redis, services().keyPrefix, slot, 5)).toBe(true);
    const deny = fixture.zoom()
      .put(`/webinars/${session}/registrants/status`, { action: 'deny', registrants: [{ id: 'reg-jane', email: 'jane@acme.com' }] })
      .reply(204);
    const blocks = decisionMessage([jane, spam]);

    const prompt = await clickUndo(ADMIN, jane, blocks);
    expect(prompt.body.replace_original).toBe(false);
    expect(prompt.body.text).toContain('The rules approved jane@acme.com for webinar 812 3456 7890 at 10:02 CET.');
    expect(prompt.body.text).toContain("Undo *denies* this registration: Zoom cannot return it to pending, and jane@acme.com will be told by Zoom's denial email");
    expect(prompt.body.text).toContain('place under the cap is given back');
    expect(deny.isDone()).toBe(false);

    registrantNow(session, jane, 'approved');
    const done = await driver.click('rules.undo.confirm', buttonOf(prompt, 'rules.undo.confirm').value, ADMIN);

    expect(deny.isDone()).toBe(true);
    expect(done.body.replace_original).toBe(true);
    expect(done.body.text).toContain('Undone: jane@acme.com is now denied for webinar 812 3456 7890.');
    expect(await approvalsTaken(services().redis, services().keyPrefix, slot)).toBe(0);
    const redrawn = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === RULES_CHANNEL && c.body.ts === DECISIONS_TS);
    const [, janeLine, spamLine] = redrawn.body.blocks;
    expect(janeLine.text.text).toBe('Approved jane@acme.com\n:leftwards_arrow_with_hook: Undone by <@UADMIN> — now denied');
    expect(janeLine.accessory).toBeUndefined();
    expect(spamLine).toEqual(blocks[2]);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === AUDIT && String(c.body.text).includes("undid the rules' approval of jane@acme.com for webinar 812 3456 7890: now denied"));

    // The same decision again (a stale copy of the message): answered at once, nothing asked of Zoom.
    fixture.trap().get(`/webinars/${session}/registrants/reg-jane`).reply(200, {});
    const again = await clickUndo(ADMIN2, jane, blocks);
    expect(again.body.text).toContain('<@UADMIN> already undid this decision; nothing more was changed.');
  });

  it('undoes a denial with an approval that takes no cap place, and keeps the line undone earlier when another is undone', async () => {
    const session = '81234567891';
    const jane = refOf(session, 'reg-jane', 'jane@acme.com', 'approve');
    const spam = refOf(session, 'reg-spam', 'spam@mailinator.com', 'deny');
    const blocks = decisionMessage([jane, spam]);
    // Both prompts are asked for from the message as it was before either Undo.
    const first = await clickUndo(ADMIN, jane, blocks);
    const second = await clickUndo(ADMIN2, spam, blocks);
    expect(second.body.text).toContain('Undo *approves* this registration');
    expect(second.body.text).toContain('it takes no place under the cap');

    registrantNow(session, jane, 'approved');
    fixture.zoom().put(`/webinars/${session}/registrants/status`, { action: 'deny', registrants: [{ id: 'reg-jane', email: 'jane@acme.com' }] }).reply(204);
    await driver.click('rules.undo.confirm', buttonOf(first, 'rules.undo.confirm').value, ADMIN);
    registrantNow(session, spam, 'denied');
    fixture.zoom().put(`/webinars/${session}/registrants/status`, { action: 'approve', registrants: [{ id: 'reg-spam', email: 'spam@mailinator.com' }] }).reply(204);
    const done = await driver.click('rules.undo.confirm', buttonOf(second, 'rules.undo.confirm').value, ADMIN2);

    expect(done.body.text).toContain('Undone: spam@mailinator.com is now approved');
    const updates = slack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === DECISIONS_TS && c.body.channel === RULES_CHANNEL);
    const last = updates.at(-1)!;
    expect(JSON.stringify(last.body.blocks)).not.toContain('rules.undo');
    expect(last.body.blocks[1].text.text).toContain('Undone by <@UADMIN> — now denied');
    expect(last.body.blocks[2].text.text).toContain('Undone by <@UADMIN2> — now approved');
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(0);
  });

  it('refuses and sends nothing when an admin changed the status since the rules decided', async () => {
    const session = '81234567892';
    const jane = refOf(session, 'reg-jane', 'jane@acme.com', 'approve');
    const slot = { kind: 'webinar', id: session } as const;
    expect(await claimApproval(services().redis, services().keyPrefix, slot, 5)).toBe(true);
    const put = fixture.trap().put(`/webinars/${session}/registrants/status`).reply(204);
    const prompt = await clickUndo(ADMIN, jane, decisionMessage([jane]));

    registrantNow(session, jane, 'denied');
    const answer = await driver.click('rules.undo.confirm', buttonOf(prompt, 'rules.undo.confirm').value, ADMIN);

    expect(answer.body.text).toContain('jane@acme.com is denied now, no longer approved as the rules left them: someone changed it since. Undo changed nothing');
    expect(put.isDone()).toBe(false);
    expect(await approvalsTaken(services().redis, services().keyPrefix, slot)).toBe(1);
    expect(slack.calls.some((c) => c.method === 'chat.update' && c.body.channel === RULES_CHANNEL)).toBe(false);
  });

  it('changes the registrant once when two admins confirm at the same moment', async () => {
    const session = '81234567893';
    const jane = refOf(session, 'reg-jane', 'jane@acme.com', 'approve');
    const blocks = decisionMessage([jane]);
    const prompts = [await clickUndo(ADMIN, jane, blocks), await clickUndo(ADMIN2, jane, blocks)];
    registrantNow(session, jane, 'approved');
    const deny = fixture.zoom().put(`/webinars/${session}/registrants/status`).reply(204);
    const twice = fixture.trap().put(`/webinars/${session}/registrants/status`).reply(204);
    fixture.trap().get(`/webinars/${session}/registrants/reg-jane`).reply(200, {});

    const answers = await Promise.all([
      driver.click('rules.undo.confirm', buttonOf(prompts[0]!, 'rules.undo.confirm').value, ADMIN),
      driver.click('rules.undo.confirm', buttonOf(prompts[1]!, 'rules.undo.confirm').value, ADMIN2),
    ]);

    expect(deny.isDone()).toBe(true);
    expect(twice.isDone()).toBe(false);
    const texts = answers.map((a) => String(a.body.text)).sort();
    expect(texts.filter((t) => t.startsWith(':leftwards_arrow_with_hook: Undone: jane@acme.com is now denied'))).toHaveLength(1);
    expect(texts.filter((t) => / already undid this decision; nothing more was changed\./.test(t))).toHaveLength(1);
    // A second click on the same prompt is no second change either.
    const reused = await driver.click('rules.undo.confirm', buttonOf(prompts[0]!, 'rules.undo.confirm').value, ADMIN);
    expect(reused.body.text).toContain('This confirmation was already used or has expired; nothing was done.');
  });

  it('says so when the webinar is over or deleted, and changes nothing', async () => {
    const session = '81234567894';
    const jane = refOf(session, 'reg-jane', 'jane@acme.com', 'approve');
    const put = fixture.trap().put(`/webinars/${session}/registrants/status`).reply(204);
    const prompt = await clickUndo(ADMIN, jane, decisionMessage([jane]));
    fixture.zoom().get(`/webinars/${session}/registrants/reg-jane`).reply(404, { code: 3001, message: `Webinar does not exist: ${session}.` });

    const answer = await driver.click('rules.undo.confirm', buttonOf(prompt, 'rules.undo.confirm').value, ADMIN);

    expect(answer.body.text).toContain('The webinar 812 3456 7894 is over or deleted in Zoom, so its registrations can no longer change; nothing was changed.');
    expect(put.isDone()).toBe(false);
  });

  it('undoes an approval for one occurrence: the deny names it and its own cap place comes back', async () => {
    const session = '81234567870';
    const occurrence = '1765382400000';
    const jane = { ...refOf(session, 'reg-jane', 'jane@acme.com', 'approve'), o: occurrence };
    const slot = { kind: 'webinar', id: session, occurrence } as const;
    expect(await claimApproval(services().redis, services().keyPrefix, slot, 5)).toBe(true);
    expect(await claimApproval(services().redis, services().keyPrefix, { kind: 'webinar', id: session }, 5)).toBe(true);
    const prompt = await clickUndo(ADMIN, jane, decisionMessage([jane]));
    registrantNow(session, jane, 'approved');
    const deny = fixture.zoom()
      .put(`/webinars/${session}/registrants/status`, { action: 'deny', registrants: [{ id: 'reg-jane', email: 'jane@acme.com' }] })
      .query({ occurrence_id: occurrence })
      .reply(204);

    await driver.click('rules.undo.confirm', buttonOf(prompt, 'rules.undo.confirm').value, ADMIN);

    expect(deny.isDone()).toBe(true);
    expect(await approvalsTaken(services().redis, services().keyPrefix, slot)).toBe(0);
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(1);
  });

  it('refuses a viewer', async () => {
    const jane = refOf('81234567895', 'reg-jane', 'jane@acme.com', 'approve');
    const put = fixture.trap().put('/webinars/81234567895/registrants/status').reply(204);
    const answer = await clickUndo(VIEWER, jane, decisionMessage([jane]));
    expect(answer.body.text).toContain('not allowed');
    expect(put.isDone()).toBe(false);
  });
});

/** `count` pending registrants at `domain`, with IDs that say where they come from. */
const registrantsAt = (domain: string, count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({ id: `${domain.split('.')[0]}-${from + i}`, email: `p${from + i}@${domain}`, first_name: 'P', status: 'pending' }));

/**
 * Zoom's registrant lists of one webinar, pages of 300 as the bot asks for them: the pending ones, and with `job` the
 * other statuses too (the bulk job looks the named registrants up in every status before it changes them).
 */
function registrantLists(session: string, pending: object[], job = true) {
  const zoom = fixture.zoom();
  for (const status of job ? ['approved', 'denied'] : []) {
    zoom.get(`/webinars/${session}/registrants`).query((q) => q.status === status).reply(200, { total_records: 0, next_page_token: '', registrants: [] }).persist();
  }
  zoom.get(`/webinars/${session}/registrants`).query((q) => q.status === 'pending' && !q.next_page_token)
    .reply(200, { total_records: pending.length, page_size: 300, next_page_token: pending.length > 300 ? 'page-2' : '', registrants: pending.slice(0, 300) }).persist();
  if (pending.length > 300) {
    zoom.get(`/webinars/${session}/registrants`).query((q) => q.status === 'pending' && q.next_page_token === 'page-2')
      .reply(200, { total_records: pending.length, page_size: 300, next_page_token: '', registrants: pending.slice(300) }).persist();
  }
}

describe('/zoom rules apply', () => {
  it('previews 350 pending, asks, then approves and denies in batches of 30 through the bulk job, within the cap', async () => {
    const session = '81234567896';
    await services().rules.save(ruleSet('webinar', session, 'on', 300));
    const pending = [...registrantsAt('acme.com', 310), ...registrantsAt('mailinator.com', 30), ...registrantsAt('gmail.com', 10)];
    registrantLists(session, pending);
    const batches: Array<{ action: string; registrants: Array<{ id: string; email: string }> }> = [];
    const put = fixture.zoom().put(`/webinars/${session}/registrants/status`).times(11).reply(204, (_uri, body) => {
      batches.push(body as (typeof batches)[number]);
      return '';
    });

    const prompt = await driver.command('rules apply --webinar 812 3456 7896', ADMIN);
    expect(prompt.body.text).toContain('350 pending for webinar 812 3456 7896: approve 300 (acme.com), deny 30, leave 20 (10 past the cap); cap leaves 0 places');
    expect(buttonOf(prompt, 'rules.apply.confirm').text.text).toBe('Apply the rules');
    expect(batches).toEqual([]);
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(0);

    const started = await driver.click('rules.apply.confirm', buttonOf(prompt, 'rules.apply.confirm').value, ADMIN);
    expect(started.body.text).toMatch(/Applying the rules to webinar 812 3456 7896: approve 300: job `reg-[0-9a-f]{12}`; deny 30: job `reg-[0-9a-f]{12}`/);
    await until('both jobs to finish', () => slack.calls.filter((c) => c.method === 'chat.update' && /finished/.test(String(c.body.text))).length >= 2 && put.isDone(), 20_000);

    expect(batches.map((b) => b.registrants.length)).toEqual(Array(11).fill(30));
    const approved = batches.filter((b) => b.action === 'approve').flatMap((b) => b.registrants.map((r) => r.email));
    const denied = batches.filter((b) => b.action === 'deny').flatMap((b) => b.registrants.map((r) => r.email));
    expect(approved).toEqual(pending.slice(0, 300).map((r) => r.email));
    expect(denied).toEqual(pending.slice(310, 340).map((r) => r.email));
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(300);
  });

  it('in shadow mode shows what the rules would do and changes nothing', async () => {
    const session = '81234567897';
    await services().rules.save(ruleSet('webinar', session, 'shadow', 5));
    registrantLists(session, [...registrantsAt('acme.com', 8), ...registrantsAt('mailinator.com', 2), ...registrantsAt('gmail.com', 1)], false);
    const put = fixture.trap().put(`/webinars/${session}/registrants/status`).reply(204);

    const answer = await driver.command(`rules apply --webinar ${session}`, ADMIN);

    expect(textOf(answer)).toContain('11 pending for webinar 812 3456 7897: approve 5 (acme.com), deny 2, leave 4 (3 past the cap); cap leaves 0 places');
    expect(textOf(answer)).toContain('The rules are in shadow mode: nothing was changed. `/zoom rules on --webinar 812 3456 7897` lets them decide, then run `/zoom rules apply --webinar 812 3456 7897` again.');
    expect(put.isDone()).toBe(false);
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(0);
  });

  it('starts the job at once for 50 changes or fewer', async () => {
    const session = '81234567898';
    await services().rules.save(ruleSet('webinar', session, 'on'));
    registrantLists(session, [...registrantsAt('acme.com', 3), ...registrantsAt('gmail.com', 1)]);
    const approve = fixture.zoom()
      .put(`/webinars/${session}/registrants/status`, { action: 'approve', registrants: registrantsAt('acme.com', 3).map(({ id, email }) => ({ id, email })) })
      .reply(204);

    const answer = await driver.command(`rules apply --webinar ${session}`, ADMIN);

    expect(answer.body.text).toContain('4 pending for webinar 812 3456 7898: approve 3 (acme.com), deny 0, leave 1.');
    expect(answer.body.text).toMatch(/Applying the rules to webinar 812 3456 7898: approve 3: job `reg-[0-9a-f]{12}`\./);
    await until('the approvals to reach Zoom', () => approve.isDone(), 10_000);
  });

  it('gives back the cap place of each approval Zoom refused in the bulk job, keeping those it made', async () => {
    const session = '81234567872';
    await services().rules.save(ruleSet('webinar', session, 'on', 10));
    const pending = registrantsAt('acme.com', 4, 40);
    registrantLists(session, pending);
    // The batch is refused for one registrant (400), so each is sent alone: acme-41 is refused, the others pass.
    const sent: string[][] = [];
    fixture.zoom().put(`/webinars/${session}/registrants/status`).times(5).reply((_uri, body) => {
      const ids = (body as { registrants: Array<{ id: string }> }).registrants.map((r) => r.id);
      sent.push(ids);
      return ids.includes('acme-41') ? [400, { code: 3003, message: 'Registrant has reached the limit of status changes.' }] : [204, ''];
    });

    const answer = await driver.command(`rules apply --webinar ${session}`, ADMIN);
    expect(answer.body.text).toMatch(/approve 4: job `reg-[0-9a-f]{12}`/);
    await until('the job’s summary', () => slack.calls.some((c) => c.method === 'chat.update' && /finished/.test(String(c.body.text)) && String(c.body.text).includes('812 3456 7872')), 20_000);
    expect(sent).toEqual([['acme-40', 'acme-41', 'acme-42', 'acme-43'], ['acme-40'], ['acme-41'], ['acme-42'], ['acme-43']]);
    // Four places taken when the job started; the refused one's given back.
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(3);
  });

  it('with --occurrence lists and changes that occurrence only, and counts its approvals against its own cap', async () => {
    const session = '81234567871';
    const occurrence = '1765382400000';
    await services().rules.save(ruleSet('webinar', session, 'on', 10));
    const pending = [...registrantsAt('acme.com', 2), ...registrantsAt('mailinator.com', 1)];
    const zoom = fixture.zoom();
    for (const status of ['pending', 'approved', 'denied']) {
      zoom.get(`/webinars/${session}/registrants`).query({ status, occurrence_id: occurrence, page_size: '300' })
        .reply(200, { total_records: 0, next_page_token: '', registrants: status === 'pending' ? pending : [] }).persist();
    }
    const approve = zoom.put(`/webinars/${session}/registrants/status`, { action: 'approve', registrants: pending.slice(0, 2).map(({ id, email }) => ({ id, email })) })
      .query({ occurrence_id: occurrence }).reply(204);
    const deny = zoom.put(`/webinars/${session}/registrants/status`, { action: 'deny', registrants: pending.slice(2).map(({ id, email }) => ({ id, email })) })
      .query({ occurrence_id: occurrence }).reply(204);

    const answer = await driver.command(`rules apply --webinar ${session} --occurrence ${occurrence}`, ADMIN);

    expect(answer.body.text).toContain(`Applying the rules to webinar 812 3456 7871 (occurrence ${occurrence}): approve 2`);
    await until('both changes to reach Zoom', () => approve.isDone() && deny.isDone(), 10_000);
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session, occurrence })).toBe(2);
    expect(await approvalsTaken(services().redis, services().keyPrefix, { kind: 'webinar', id: session })).toBe(0);
  });

  it('refuses when the rules are off, naming `rules on`, and when no rules govern the webinar', async () => {
    const session = '81234567899';
    await services().rules.save(ruleSet('webinar', session, 'off'));
    fixture.trap().get(`/webinars/${session}/registrants`).query(true).reply(200, {});
    const off = await driver.command(`rules apply --webinar ${session}`, ADMIN);
    expect(off.body.text).toContain('are off, so they decide nothing: `/zoom rules on --webinar 812 3456 7899` switches them on; nothing was changed.');

    const badOccurrence = await driver.command(`rules apply --webinar ${session} --occurrence next`, ADMIN);
    expect(badOccurrence.body.text).toContain('--occurrence takes an occurrence ID as Zoom gives it (digits)');

    const none = await driver.command('rules apply --meeting 81234567000', ADMIN);
    expect(none.body.text).toContain('No rules for meeting 812 3456 7000. Set them with `/zoom rules set --meeting 812 3456 7000 --approve …`.');
  });

  it('under the account-wide rules in shadow mode, names `rules on` without a target', async () => {
    const session = '81234567880';
    await services().rules.save({ ...ruleSet('webinar', session, 'shadow'), target: { kind: 'account' } });
    registrantLists(session, registrantsAt('acme.com', 2), false);
    try {
      const answer = await driver.command(`rules apply --webinar ${session}`, ADMIN);
      expect(textOf(answer)).toContain('2 pending for webinar 812 3456 7880: approve 2 (acme.com), deny 0, leave 0');
      expect(textOf(answer)).toContain('`/zoom rules on` lets them decide');
    } finally {
      await services().rules.delete({ kind: 'account' });
    }
  });

  it('refuses a viewer', async () => {
    const answer = await driver.command('rules apply --webinar 81234567896', VIEWER);
    expect(answer.body.text).toContain('not allowed');
  });
});
