// End to end: GET /metrics on the running bot (role all) moves as a user's traffic goes through it: a command's Zoom
// call and token mint, webhooks accepted, refused (by reason) and dropped as duplicates, an alert posted to Slack (and
// a Slack 429 on the way), Zoom 429s per second and daily apart, a job that fails, and the queues' depth read at scrape.
import { describe, expect, it } from 'vitest';
import { WatchStore, eventsOfTopic } from '../../src/slack/watches.js';
import { useBotFixture } from '../helpers/bot.js';
import { slackDriver } from '../helpers/driver.js';
import { scrape, scrapeUntil, valueOf, type Sample } from '../helpers/metrics.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

const ADMIN = 'UADMIN';
const fixture = useBotFixture({
  name: 'e2e-metrics',
  users: [{ id: ADMIN, email: 'admin@example.com', tz: 'UTC' }],
  env: { ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET, ZOOMOPS_ADMINS: ADMIN },
});
const url = () => fixture.bot().url;
const services = () => fixture.bot().bot.services;
const driver = slackDriver(url, () => fixture.slack());

/** The change of every named series between two scrapes. */
function moved(before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}): number {
  return valueOf(after, name, labels) - valueOf(before, name, labels);
}

const ACTIVE = { status: 'active', page_size: '30' };
const someone = { id: 'u-ana', email: 'ana@example.com', first_name: 'Ana', last_name: 'Lima', type: 2, status: 'active' };

describe('GET /metrics after a user’s traffic', () => {
  // First in the file: the file's key prefix has no Zoom token yet, so this command mints one.
  it('counts a command’s Zoom call by rate label and status, and the token it minted', async () => {
    const before = await scrape(url());
    fixture.zoom().get('/users').query(ACTIVE).reply(200, { total_records: 1, users: [someone] });
    const answer = await driver.command('users list', ADMIN);
    expect(JSON.stringify(answer.body)).toContain('ana@example.com');
    const after = await scrape(url());
    expect(moved(before, after, 'zoomops_zoom_requests_total', { label: 'medium', status: '200' })).toBe(1);
    expect(moved(before, after, 'zoomops_zoom_token_mints_total')).toBe(1);
  });

  it('counts Zoom 429s per second (retried) and daily (given up) apart', async () => {
    const before = await scrape(url());
    fixture.zoom().get('/users').query(ACTIVE).reply(429, { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' });
    fixture.zoom().get('/users').query(ACTIVE).reply(200, { total_records: 1, users: [someone] });
    expect(JSON.stringify((await driver.command('users list', ADMIN)).body)).toContain('ana@example.com');
    // A per-user daily cap: no account-wide quota is closed, so later tests still reach Zoom.
    fixture.zoom().get('/users').query(ACTIVE).reply(429, { code: 429, message: 'You have exceeded the daily rate limit of (100) for List users API requests for the user' });
    const refused = await driver.command('users list', ADMIN);
    expect(JSON.stringify(refused.body)).toMatch(/daily/i);
    const after = await scrape(url());
    expect(moved(before, after, 'zoomops_zoom_rate_limited_total', { label: 'medium', kind: 'per_second' })).toBe(1);
    expect(moved(before, after, 'zoomops_zoom_rate_limited_total', { label: 'medium', kind: 'daily' })).toBe(1);
    expect(moved(before, after, 'zoomops_zoom_requests_total', { label: 'medium', status: '429' })).toBe(2);
    expect(moved(before, after, 'zoomops_zoom_requests_total', { label: 'medium', status: '200' })).toBe(1);
  });

  it('counts webhooks accepted, duplicates dropped and refusals by reason', async () => {
    const before = await scrape(url());
    const event = zoomEvent('meeting.ended');
    expect((await postWebhook(url(), event)).status).toBe(200);
    expect((await postWebhook(url(), event)).status).toBe(200);
    expect((await postWebhook(url(), event, { secret: 'guess' })).status).toBe(401);
    expect((await postWebhook(url(), event, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await postWebhook(url(), undefined, { raw: '{not json' })).status).toBe(400);
    expect((await postWebhook(url(), undefined, { raw: JSON.stringify({ x: 'y'.repeat(1024 * 1024) }) })).status).toBe(413);
    const after = await scrape(url());
    expect(moved(before, after, 'zoomops_webhooks_accepted_total')).toBe(2);
    expect(moved(before, after, 'zoomops_zoom_events_total', { source: 'webhook', outcome: 'queued' })).toBe(1);
    expect(moved(before, after, 'zoomops_zoom_events_total', { source: 'webhook', outcome: 'duplicate' })).toBe(1);
    for (const reason of ['signature', 'stale', 'json', 'size']) {
      expect(moved(before, after, 'zoomops_webhooks_refused_total', { reason }), reason).toBe(1);
    }
  });

  it('times an event’s way to its Slack alert and counts the post, and the Slack 429 before it', async () => {
    await new WatchStore(services().redis, services().keyPrefix).add('CMETRICS', {
      topic: 'meetings', events: eventsOfTopic('meetings'), narrowed: false, createdBy: ADMIN, zone: 'UTC', createdAt: '2026-01-01T00:00:00Z',
    });
    fixture.slack().failures.push({ method: 'chat.postMessage', status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    const before = await scrape(url());
    expect((await postWebhook(url(), zoomEvent('meeting.started'))).status).toBe(200);
    await fixture.slack().waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CMETRICS', 10_000);
    const after = await scrapeUntil(url(), 'the relay job’s end', (s) => moved(before, s, 'zoomops_jobs_total', { queue: 'events', result: 'completed' }) === 1);
    expect(moved(before, after, 'zoomops_event_to_slack_seconds_count')).toBe(1);
    expect(moved(before, after, 'zoomops_slack_calls_total', { method: 'chat.postMessage', result: 'rate_limited' })).toBe(1);
    expect(moved(before, after, 'zoomops_slack_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(moved(before, after, 'zoomops_slack_calls_total', { method: 'chat.postMessage', result: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('counts a job that failed for good, with its duration, per queue', async () => {
    const before = await scrape(url());
    // Data no export processor accepts: the job fails at once and is never retried.
    await services().jobs.queue('exports').add('broken export', { nonsense: true });
    const after = await scrapeUntil(url(), 'the failed export', (s) => moved(before, s, 'zoomops_jobs_total', { queue: 'exports', result: 'failed' }) === 1);
    expect(moved(before, after, 'zoomops_job_duration_seconds_count', { queue: 'exports', result: 'failed' })).toBe(1);
    // A fresh scrape: the one above may have read the depth just before the job moved to the failed list.
    expect(valueOf(await scrape(url()), 'zoomops_queue_jobs', { queue: 'exports', state: 'failed' })).toBe(1);
  });

  it('reads each queue’s depth at scrape time', async () => {
    const queue = services().jobs.queue('registrants');
    await queue.add('later', { nonsense: true }, { delay: 3_600_000 });
    const samples = await scrape(url());
    expect(valueOf(samples, 'zoomops_queue_jobs', { queue: 'registrants', state: 'delayed' })).toBe(1);
    expect(valueOf(samples, 'zoomops_queue_jobs', { queue: 'registrants', state: 'waiting' })).toBe(0);
    await queue.obliterate({ force: true });
    expect(valueOf(await scrape(url()), 'zoomops_queue_jobs', { queue: 'registrants', state: 'delayed' })).toBe(0);
  });

  it('keeps label values to fixed lists: no IDs, emails or channels', async () => {
    const text = await (await fetch(`${url()}/metrics`)).text();
    expect(text).not.toMatch(/ana@example\.com|CMETRICS|u-ana|evt-/);
  });
});
