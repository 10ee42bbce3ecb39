// What the sandbox sends to the bot: signed webhooks for its state changes and simulations, a console endpoint
// that validates actions, and Zoom-shaped 429s when a label's budget is spent.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomSandbox } from '../../../../src/sandbox/zoom/index.js';
import { ADMIN_EMAIL } from '../../../../src/sandbox/zoom/seed.js';
import { verifyZoomSignature } from '../../../../src/zoom/webhook.js';
import { NOW, SECRET, call, fetchToken, sessionId, useSandbox } from './harness.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { event: string; event_ts: number; payload: any; download_token?: string };
}

const received: Received[] = [];
let listener: Server;
let listenerUrl = '';

beforeAll(async () => {
  listener = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/zoom/webhooks`;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

const t = useSandbox();

async function eventsAfter(run: () => Promise<unknown>): Promise<Received[]> {
  t.sandbox.setWebhookUrl(listenerUrl);
  const before = received.length;
  await run();
  await t.sandbox.webhooksSettled();
  return received.slice(before);
}

describe('webhooks', () => {
  it('sends meeting.created, signed with the secret over the raw body and a timestamp in seconds', async () => {
    const [event, ...rest] = await eventsAfter(() =>
      t.call('POST', `/users/${encodeURIComponent(ADMIN_EMAIL)}/meetings`, { body: { topic: 'Signed', start_time: '2025-03-20T10:00:00Z' } }),
    );
    expect(rest).toEqual([]);
    expect(event?.body.event).toBe('meeting.created');
    expect(event?.body.payload).toMatchObject({ account_id: t.sandbox.accountId, operator: ADMIN_EMAIL, object: { topic: 'Signed', id: expect.any(Number) } });
    const timestamp = String(event?.headers['x-zm-request-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    // Zoom's documented scheme, computed here independently of the sandbox's signer.
    const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${event?.raw ?? ''}`).digest('hex')}`;
    expect(event?.headers['x-zm-signature']).toBe(expected);
    // And the bot's own verifier accepts it.
    const check = verifyZoomSignature({
      rawBody: Buffer.from(event?.raw ?? ''),
      signature: String(event?.headers['x-zm-signature']),
      timestamp,
      secrets: [SECRET],
      nowMs: Date.now(),
    });
    expect(check).toEqual({ ok: true });
  });

  it('sends registration_approved for each registrant a status update approves', async () => {
    const id = sessionId(t.sandbox, 'Customer onboarding: Acme Corp');
    const pending = (await t.call('GET', `/meetings/${id}/registrants?status=pending`)).body.registrants.slice(0, 2);
    const events = await eventsAfter(() =>
      t.call('PUT', `/meetings/${id}/registrants/status`, { body: { action: 'approve', registrants: pending.map((r: { id: string }) => ({ id: r.id })) } }),
    );
    expect(events.map((e) => [e.body.event, e.body.payload.object.registrant.id])).toEqual(
      pending.map((r: { id: string }) => ['meeting.registration_approved', r.id]),
    );
  });

  it('simulates a completed recording whose download_token downloads its files', async () => {
    const id = sessionId(t.sandbox, 'Quarterly planning');
    const [event] = await eventsAfter(() => t.sandbox.simulate({ type: 'recording.completed', meetingId: String(id) }));
    expect(event?.body.event).toBe('recording.completed');
    const object = event?.body.payload.object;
    expect(object).toMatchObject({ id, topic: 'Quarterly planning', type: 2 });
    const file = object.recording_files.find((f: { file_type: string }) => f.file_type === 'TRANSCRIPT');
    const download = await fetch(file.download_url, { headers: { authorization: `Bearer ${event?.body.download_token}` } });
    expect(download.status).toBe(200);
    expect(await download.text()).toMatch(/^WEBVTT/);
  });

  it('simulates the recording of a past meeting as a new instance of its own length, not one running since last week', async () => {
    const id = sessionId(t.sandbox, 'All-hands');
    const [event] = await eventsAfter(() => t.sandbox.simulate({ type: 'recording.completed', meetingId: String(id) }));
    const object = event?.body.payload.object;
    expect(object.duration).toBe(55);
    const now = NOW.getTime();
    expect(now - Date.parse(object.start_time)).toBe(55 * 60_000);
    // The seeded recording of last week's instance stays one row; the new one is another instance, at another time.
    const listed = (await t.call('GET', `/users/${encodeURIComponent(ADMIN_EMAIL)}/recordings?from=2025-02-15&to=2025-03-12`)).body.meetings;
    const allHands = listed.filter((m: { id: number }) => m.id === id);
    expect(new Set(allHands.map((m: { start_time: string }) => m.start_time)).size).toBe(allHands.length);
    expect(new Set(allHands.map((m: { uuid: string }) => m.uuid)).size).toBe(allHands.length);
  });

  it('simulates a meeting start and end, a missed call, a chat message and a sign-in', async () => {
    const id = String(sessionId(t.sandbox, '1:1 Alex / Morgan'));
    const events = await eventsAfter(async () => {
      await t.sandbox.simulate({ type: 'meeting.started', meetingId: id });
      await t.sandbox.simulate({ type: 'meeting.ended', meetingId: id });
      await t.sandbox.simulate({ type: 'phone.call', outcome: 'missed' });
      await t.sandbox.simulate({ type: 'chat.message', channel: 'Sales Ops', message: 'hello' });
      await t.sandbox.simulate({ type: 'user.signed_in' });
    });
    expect(events.map((e) => e.body.event)).toEqual(['meeting.started', 'meeting.ended', 'phone.callee_missed', 'chat_message.sent', 'user.signed_in']);
    expect(events[1]?.body.payload.object).toMatchObject({ id, end_time: expect.any(String) });
    expect(events[3]?.body.payload.object).toMatchObject({ channel_name: 'Sales Ops', message: 'hello' });
  });

  it('keeps answering when the bot is not listening, and notes the failed delivery', async () => {
    t.sandbox.setWebhookUrl('http://127.0.0.1:9/zoom/webhooks');
    const answer = await t.call('PATCH', `/meetings/${sessionId(t.sandbox, 'Design review')}`, { body: { topic: 'Design review v2' } });
    expect(answer.status).toBe(204);
    await t.sandbox.webhooksSettled();
    expect(t.sandbox.state.webhookLog.at(-1)).toMatchObject({ event: 'meeting.updated', outcome: expect.stringMatching(/^not delivered/) });
  });
});

describe('console endpoints', () => {
  it('answers POST /sandbox/simulate with 400 and a clear message for an invalid action', async () => {
    const post = (body: string) => fetch(`${t.sandbox.url}/sandbox/simulate`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const unknown = await post(JSON.stringify({ type: 'meeting.exploded' }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/^Invalid simulate action: type: .*\(type is one of meeting\.started, /);
    const missing = await post(JSON.stringify({ type: 'meeting.started', meetingId: '1' }));
    expect(missing.status).toBe(404);
    const ok = await post(JSON.stringify({ type: 'registration.created', meetingId: sessionId(t.sandbox, 'Product launch webinar'), email: 'sim@example.com' }));
    expect(await ok.json()).toMatchObject({ events: ['webinar.registration_created'], details: { email: 'sim@example.com', status: 'pending' } });
  });

  it('summarises the account in GET /sandbox/state', async () => {
    const state = (await (await fetch(`${t.sandbox.url}/sandbox/state`)).json()) as any;
    expect(state.sandbox).toBe(true);
    expect(state.webinars.find((w: { topic: string }) => w.topic === 'Product launch webinar')).toMatchObject({ registrants: { pending: 351 }, panelists: 4 });
    expect(state.channels.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Sales', 'Sales Ops']));
  });
});

describe('rate limits', () => {
  it('answers a Zoom-shaped 429 once a label has used its budget for the second', async () => {
    const sandbox = await startZoomSandbox({ webhookSecret: SECRET, rateLimits: { light: 2 } });
    try {
      const token = await fetchToken(sandbox);
      const get = () => call(sandbox, token, 'GET', `/users/${encodeURIComponent(ADMIN_EMAIL)}`);
      const answers = [];
      // Three in a row land in one second unless the second turns over between them; retry the triple then.
      for (let attempt = 0; attempt < 3; attempt++) {
        answers.length = 0;
        const start = Math.floor(Date.now() / 1000);
        for (let i = 0; i < 3; i++) answers.push(await get());
        if (Math.floor(Date.now() / 1000) === start) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      const refused = answers[2];
      expect(refused?.body).toEqual({ code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' });
      expect(refused?.headers.get('x-ratelimit-category')).toBe('Light');
      expect(refused?.headers.get('x-ratelimit-type')).toBe('QPS');
      expect(refused?.headers.get('retry-after')).toBe('1');
      // Another label is not charged for Light calls.
      expect((await call(sandbox, token, 'GET', '/users')).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });
});
