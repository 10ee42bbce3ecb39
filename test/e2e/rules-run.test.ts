// End to end: registrant rules at work on signed `webinar.registration_created` webhooks, the whole bot (role all)
// against the fake Slack and a stateful nock'd Zoom that records every status call and counts, on arrival, whether
// the bot kept to Zoom's Medium rate. A burst of 500 decided each once in batches of 30; shadow mode calls nobody;
// the cap stops approvals at N; a retried or repeated event decides nothing twice.
import { describe, expect, it } from 'vitest';
import type { RuleSet } from '../../src/rules/model.js';
import { RelayState } from '../../src/jobs/relay-state.js';
import { eventsOfTopic, WatchStore } from '../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../src/zoom/events.js';
import { RATE_BUDGETS } from '../../src/zoom/rate-limit.js';
import { queuedEvents } from '../helpers/jobs.js';
import { useBotFixture } from '../helpers/bot.js';
import type { SlackCall } from '../helpers/fake-slack.js';
import { buttonOf } from '../helpers/driver.js';
import { until } from '../helpers/wait.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

// The free plan's Medium budget (2 a second) makes the pacing visible in a few calls.
const fixture = useBotFixture({
  name: 'e2e-rules-run',
  users: [{ id: 'UADMIN', email: 'admin@example.com', tz: 'Europe/Berlin' }],
  env: { ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET, ZOOMOPS_ADMINS: 'UADMIN', ZOOMOPS_AUDIT_CHANNEL: 'CAUDIT', ZOOM_PLAN: 'free' },
});
const services = () => fixture.bot().bot.services;
const MEDIUM = RATE_BUDGETS.default.free.medium.limit;
const OCCURRENCE = 'ABCDE12345';

async function rules(webinar: string, change: Partial<RuleSet> = {}): Promise<RuleSet> {
  const set: RuleSet = {
    target: { kind: 'webinar', id: webinar },
    approveDomains: ['acme.com'],
    denyDomains: ['mailinator.com'],
    channel: 'CRULES',
    mode: 'on',
    modeSince: Date.now(),
    updatedBy: 'UADMIN',
    updatedAt: Date.now(),
    ...change,
  };
  await services().rules.save(set);
  return set;
}

type Guest = { id: string; email: string; verdict: 'approve' | 'deny' | 'leave' };
/** Guests of three kinds in turn: a customer (approve list), a disposable address (deny list), anyone else. */
function guests(n: number, tag: string): Guest[] {
  const kinds = [
    { domain: 'eu.acme.com', verdict: 'approve' },
    { domain: 'mailinator.com', verdict: 'deny' },
    { domain: 'gmail.com', verdict: 'leave' },
  ] as const;
  return Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}`, email: `${tag}guest${i}@${kinds[i % 3]!.domain}`, verdict: kinds[i % 3]!.verdict }));
}

function registration(webinar: string, guest: Guest, status = 'pending') {
  return zoomEvent('webinar.registration_created', (e) => {
    e.payload.object.id = Number(webinar);
    e.payload.object.uuid = `uuid-${webinar}==`;
    e.payload.object.registrant.id = guest.id;
    e.payload.object.registrant.email = guest.email;
    e.payload.object.registrant.status = status;
  });
}

/** A Zoom that keeps each registrant's status, records every status call, and notes calls faster than Medium allows. */
function fakeZoom(webinar: string, pending: Iterable<string> = []) {
  const status = new Map<string, string>([...pending].map((id) => [id, 'pending']));
  const calls: Array<{ action: string; ids: string[]; occurrence: string | null }> = [];
  const arrivals: number[] = [];
  let tooFast = 0;
  const arrive = () => {
    const now = Date.now();
    // At most MEDIUM in any 900 ms: the bot's limiter spaces them a full second (and 50 ms) apart; the 100 ms left
    // are the arrival jitter of a busy machine, not a rate the bot may use.
    if (arrivals.filter((t) => t > now - 900).length >= MEDIUM) tooFast += 1;
    arrivals.push(now);
  };
  fixture
    .zoom()
    .put(`/webinars/${webinar}/registrants/status`)
    .query(true)
    .reply((uri, body) => {
      arrive();
      const { action, registrants } = body as { action: string; registrants: Array<{ id: string; email: string }> };
      calls.push({ action, ids: registrants.map((r) => r.id), occurrence: new URL(uri, 'http://x').searchParams.get('occurrence_id') });
      for (const r of registrants) status.set(r.id, action === 'approve' ? 'approved' : 'denied');
      return [204, ''];
    })
    .persist();
  return {
    calls,
    status,
    tooFast: () => tooFast,
    changesOf: (id: string) => calls.filter((c) => c.ids.includes(id)).length,
    decided: (action: string) => calls.filter((c) => c.action === action).flatMap((c) => c.ids),
  };
}

const posts = (channel: string) => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
const decisionMessages = (webinar: string) => posts('CRULES').filter((c) => /^The rules (approved|denied)/.test(String(c.body.text)) && JSON.stringify(c.body).includes(webinar));
const undoValues = (call: SlackCall) => (call.body.blocks as Array<{ accessory?: { action_id: string; value: string } }>).flatMap((b) => (b.accessory?.action_id === 'rules.undo' ? [JSON.parse(b.accessory.value)] : []));

/**
 * The registrations whose card is in the channel: alone, or as a line of a digest message a burst folded it into
 * (the relay records each delivery, and a folded one once a posted digest shows it).
 */
async function cardsIn(channel: string, webinar: string, of: Guest[]): Promise<Set<string>> {
  const state = new RelayState(services().redis, services().keyPrefix);
  const shown = new Set<string>();
  for (const g of of) {
    const at = await state.postedIn(eventIdentity(registration(webinar, g) as ZoomEvent), channel);
    if (at && !at.startsWith('folded:')) shown.add(g.id);
  }
  return shown;
}

/** Every registration's alert relayed: no entry left in the express lanes, no event job waiting, delayed or active. */
async function relayDone(): Promise<boolean> {
  return (await queuedEvents(services())).length === 0;
}

describe('registrant rules on', () => {
  it('decides a burst of 500 registrations once each: batches of 30 per action within Medium pacing, the rest left with their card', async () => {
    const webinar = '81234567890';
    await rules(webinar);
    const burst = guests(500, 'b');
    const zoom = fakeZoom(webinar);
    const responses = await Promise.all(burst.map((g) => postWebhook(fixture.bot().url, registration(webinar, g))));
    expect(responses.every((r) => r.status === 200)).toBe(true);

    const want = { approve: burst.filter((g) => g.verdict === 'approve'), deny: burst.filter((g) => g.verdict === 'deny'), leave: burst.filter((g) => g.verdict === 'leave') };
    await until('every approve and deny sent to Zoom', () => zoom.decided('approve').length === want.approve.length && zoom.decided('deny').length === want.deny.length, 90_000, 100);
    // Each registrant on the right list, changed exactly once.
    expect(new Set(zoom.decided('approve'))).toEqual(new Set(want.approve.map((g) => g.id)));
    expect(new Set(zoom.decided('deny'))).toEqual(new Set(want.deny.map((g) => g.id)));
    expect(burst.filter((g) => zoom.changesOf(g.id) !== (g.verdict === 'leave' ? 0 : 1))).toEqual([]);
    // Batched: up to 30 a call, full ones while the burst lasts. How close the count comes to one call per 30 depends
    // on how fast the burst arrives (a pause sends a short batch), so the figure is bench/rules.ts's; here, the calls
    // are a small fraction of the registrants.
    const callsOf = (action: string) => zoom.calls.filter((c) => c.action === action);
    for (const action of ['approve', 'deny'] as const) {
      const sizes = callsOf(action).map((c) => c.ids.length);
      expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(want[action].length / 30));
      expect(sizes.length, `batch sizes ${sizes.join(', ')}`).toBeLessThanOrEqual(want[action].length / 5);
      expect(Math.max(...sizes)).toBe(30);
    }
    expect(zoom.calls.every((c) => c.occurrence === OCCURRENCE)).toBe(true);
    expect(zoom.tooFast()).toBe(0);

    // In the rule set's channel: one message per batch, a line with an Undo button per registrant decided.
    const messages = await until('a message for every batch', () => (decisionMessages(webinar).length === zoom.calls.length ? decisionMessages(webinar) : undefined), 60_000, 100);
    const undos = messages.flatMap(undoValues);
    expect(undos).toHaveLength(want.approve.length + want.deny.length);
    expect(new Set(undos.map((u) => u.r)).size).toBe(undos.length);
    const approved = undos.find((u) => u.r === want.approve[0]!.id);
    expect(approved).toMatchObject({ k: 'webinar', s: webinar, e: want.approve[0]!.email, d: 'approve', o: OCCURRENCE });
    expect(messages.every((m) => m.body.blocks.length <= 50)).toBe(true);
    // Every automatic decision is an audit line.
    const audit = await until('every decision audited', () => {
      const lines = posts('CAUDIT').flatMap((c) => String(c.body.text).split('\n')).filter((l) => l.includes(`webinar ${'812 3456 7890'}`));
      return lines.length === undos.length ? lines : undefined;
    }, 30_000, 100);
    expect(audit.filter((l) => l.includes('automatically approved'))).toHaveLength(want.approve.length);

    // The rest are pending with the usual card (alone or in a digest) in the rule set's channel.
    await until('a card for every registration left pending', async () => (await cardsIn('CRULES', webinar, want.leave)).size === want.leave.length, 60_000, 200);
    expect(await cardsIn('CRULES', webinar, [...want.approve, ...want.deny])).toEqual(new Set());
  }, 180_000);

  it('stops at the cap: exactly N approved, the rest of the approve list left pending with their card', async () => {
    const webinar = '81234567891';
    await rules(webinar, { cap: 5 });
    const customers = guests(36, 'c').filter((g) => g.verdict === 'approve');
    expect(customers).toHaveLength(12);
    const zoom = fakeZoom(webinar);
    await Promise.all(customers.map((g) => postWebhook(fixture.bot().url, registration(webinar, g))));

    const left = await until('seven cards', async () => {
      const cards = await cardsIn('CRULES', webinar, customers);
      return cards.size === 7 ? cards : undefined;
    }, 30_000, 100);
    await until('the approvals sent', () => zoom.decided('approve').length === 5, 30_000);
    await until('every registration handled', relayDone, 30_000);
    expect(zoom.decided('approve')).toHaveLength(5);
    expect(zoom.calls.filter((c) => c.action !== 'approve')).toEqual([]);
    expect(zoom.decided('approve').filter((id) => left.has(id))).toEqual([]);
  }, 60_000);

  it('decides a registration once when its relay job runs again or Zoom sends it again', async () => {
    const webinar = '81234567892';
    await rules(webinar);
    const [guest] = guests(1, 'd');
    const zoom = fakeZoom(webinar);
    const event = registration(webinar, guest!);
    await postWebhook(fixture.bot().url, event);
    const message = await until('the decision message', () => decisionMessages(webinar)[0], 15_000);
    expect(buttonOf(message, 'rules.undo').text.text).toBe('Undo');

    // Zoom sends it again (the dedupe drops it), and the relay job runs again (as after the dedupe expired or a retry).
    await postWebhook(fixture.bot().url, event);
    const { jobs } = services();
    const again = await jobs.queue('events').add('Zoom event again', { kind: 'event', key: `again-${guest!.id}`, event, source: 'webhook', receivedAt: Date.now() });
    await until('the repeated event handled', async () => (await again.getState()) === 'completed', 15_000);
    await until('no flush job left', async () => Object.values(await jobs.queue('rules').getJobCounts('waiting', 'delayed', 'active')).every((n) => n === 0), 15_000);
    expect(zoom.changesOf(guest!.id)).toBe(1);
    expect(decisionMessages(webinar)).toHaveLength(1);
    expect(fixture.slack().calls.filter((c) => c.body.channel === 'CRULES' && JSON.stringify(c.body).includes(guest!.email))).toHaveLength(1);
  }, 60_000);
});

describe('registrant rules in shadow mode', () => {
  it('calls Zoom for nobody, says in the channel what it would have done, and leaves the watching channels their cards', async () => {
    const webinar = '81234567893';
    const set = await rules(webinar, { mode: 'shadow', cap: 3 });
    await new WatchStore(services().redis, services().keyPrefix).add('CWATCH', { topic: 'registrations', events: eventsOfTopic('registrations'), narrowed: false, createdBy: 'UADMIN', zone: 'UTC', createdAt: '2026-01-01T00:00:00Z' });
    fixture.trap().put(`/webinars/${webinar}/registrants/status`).query(true).reply(204).persist();
    const shadowed = guests(30, 's');
    await Promise.all(shadowed.map((g) => postWebhook(fixture.bot().url, registration(webinar, g))));

    const lines = await until('a shadow line for each registration', () => {
      const all = posts('CRULES')
        .filter((c) => String(c.body.text).startsWith('Shadow mode'))
        .flatMap((c) => (c.body.blocks as Array<{ text?: { text: string } }>).slice(1).flatMap((b) => b.text?.text.split('\n') ?? []))
        .filter((l) => l.includes('would '));
      return all.length === shadowed.length ? all : undefined;
    }, 30_000, 100);
    // A few messages, not one per registration.
    expect(posts('CRULES').filter((c) => String(c.body.text).startsWith('Shadow mode')).length).toBeLessThanOrEqual(5);
    const lineOf = (g: Guest) => lines.find((l) => l.includes(`|${g.email}>`));
    expect(lineOf(shadowed[0]!)).toContain(':white_check_mark: would approve');
    expect(lineOf(shadowed[0]!)).toContain('subject to the cap of 3');
    expect(lineOf(shadowed[1]!)).toContain(':no_entry_sign: would deny');
    expect(lineOf(shadowed[1]!)).toContain('mailinator.com is on the deny list');
    expect(lineOf(shadowed[2]!)).toContain('would leave pending');
    expect(await services().rules.shadowTally(set.target)).toEqual({ approve: 10, deny: 10, leave: 10 });
    // Nothing decided: the watching channel gets the usual cards (alone or folded), the rule channel no card.
    await until('every card in the watching channel', async () => (await cardsIn('CWATCH', webinar, shadowed)).size === shadowed.length, 30_000, 100);
    expect(posts('CRULES').filter((c) => String(c.body.text).includes('waiting for approval'))).toEqual([]);
    await new WatchStore(services().redis, services().keyPrefix).removeAll();
  }, 60_000);
});
