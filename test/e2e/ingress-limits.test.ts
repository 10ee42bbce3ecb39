// Request bodies before authentication: each POST to /slack/events or /zoom/webhooks holds its body in memory until
// the signature can be checked at its end. Many slow senders that never finish must not take the process's memory:
// beyond a bound the bot answers 503 at once (Slack and Zoom retry), and takes requests again once they are gone.
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PENDING_BODY_BYTES } from '../../src/ingress/body-gate.js';
import { useBotFixture } from '../helpers/bot.js';
import { slackDriver, textOf } from '../helpers/driver.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';

const ADMIN = 'UADMIN';
const fixture = useBotFixture({ name: 'e2e-ingress-limits', users: [{ id: ADMIN, isAdmin: true }], env: { ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET } });
const MiB = 1024 * 1024;

interface SlowSender {
  socket: net.Socket;
  answer: string;
}
let senders: SlowSender[] = [];

/** Opens a request that declares `bytes` of body, sends a few of them, and never sends the rest. */
function slowSender(path: string, bytes: number): Promise<SlowSender> {
  const { port } = new URL(fixture.bot().url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n{"a":"`);
      resolve(sender);
    });
    const sender: SlowSender = { socket, answer: '' };
    socket.on('data', (chunk) => (sender.answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** Waits until `check` holds; throws when it does not within `ms`, saying what it waited for. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const refused = () => senders.filter((s) => s.answer.startsWith('HTTP/1.1 503')).length;

afterEach(async () => {
  for (const s of senders) s.socket.destroy();
  senders = [];
});

describe('unauthenticated request bodies', () => {
  it('answers 503 to webhooks beyond the bound while 64 slow senders each hold a 1 MiB body open, and 200 once they are gone', async () => {
    senders = await Promise.all(Array.from({ length: 64 }, () => slowSender('/zoom/webhooks', MiB)));
    const letIn = MAX_PENDING_BODY_BYTES / MiB;
    await until(`${64 - letIn} slow senders are refused`, () => refused() >= 64 - letIn);
    // Those let in are still waiting for their bodies: nobody answered them; the others were refused at once.
    expect(refused()).toBe(64 - letIn);
    expect(senders.filter((s) => s.answer === '')).toHaveLength(letIn);
    expect(senders.find((s) => s.answer !== '')!.answer).toMatch(/^HTTP\/1\.1 503[\s\S]*retry-after: 1/i);

    const meanwhile = await postWebhook(fixture.bot().url, zoomEvent('meeting.started'));
    expect(meanwhile.status).toBe(503);

    for (const s of senders) s.socket.destroy();
    await until('a signed webhook is taken again', async () => (await postWebhook(fixture.bot().url, zoomEvent('meeting.started'))).status === 200);
  });

  it('answers 503 to Slack beyond the bound while slow senders hold 4 MiB bodies open, and serves commands once they are gone', async () => {
    senders = await Promise.all(Array.from({ length: 24 }, () => slowSender('/slack/events', 4 * MiB)));
    await until('some slow senders are refused', () => refused() > 0);
    expect(senders.some((s) => s.answer === '')).toBe(true);

    const body = slashCommandBody({ text: 'help', userId: ADMIN, responseUrl: fixture.slack().responseUrl('during') });
    expect((await postSigned(`${fixture.bot().url}/slack/events`, body, 'application/x-www-form-urlencoded')).status).toBe(503);

    for (const s of senders) s.socket.destroy();
    const driver = slackDriver(() => fixture.bot().url, () => fixture.slack());
    await until('Slack requests are taken again', async () => {
      const res = await postSigned(`${fixture.bot().url}/slack/events`, slashCommandBody({ text: 'help', userId: ADMIN, responseUrl: fixture.slack().responseUrl('probe') }), 'application/x-www-form-urlencoded');
      return res.status === 200;
    });
    expect(textOf(await driver.command('help', ADMIN))).toContain('/zoom meeting list');
  });
});
