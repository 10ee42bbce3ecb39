// DNS rebinding: a web page on evil.example that makes its name resolve to 127.0.0.1 can reach the sandbox's ports,
// but its requests carry `Host: evil.example:PORT` and `Origin: http://evil.example:PORT`. The console and the Zoom
// sandbox answer only requests addressed to 127.0.0.1/localhost, and only same-origin ones from a page.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackConsole, type SlackConsole } from '../../../src/sandbox/slack/index.js';
import { startZoomSandbox, type ZoomSandbox } from '../../../src/sandbox/zoom/index.js';

let slack: SlackConsole;
let zoom: ZoomSandbox;

beforeAll(async () => {
  zoom = await startZoomSandbox({ webhookSecret: 'secret' });
  slack = await startSlackConsole({ port: 0, botToken: 'xoxb-t', signingSecret: 's', zoomSandboxUrl: zoom.url });
});
afterAll(async () => {
  await slack?.stop();
  await zoom?.stop();
});

/** A raw request, so Host and Origin can be what a rebinding page would send. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const simulate = JSON.stringify({ action: 'meeting.started' });
const port = (base: string) => new URL(base).port;

describe('the Slack console', () => {
  it('refuses a request addressed to another host name, before doing anything', async () => {
    const page = await send(slack.url, 'GET', '/', { host: `evil.example:${port(slack.url)}` });
    expect(page.status).toBe(403);
    expect(page.text).toContain('only at http://127.0.0.1:');
    const typed = await send(slack.url, 'POST', '/console/type', { host: `evil.example:${port(slack.url)}`, 'content-type': 'application/json' }, JSON.stringify({ user: 'U0SBADMIN', channel: 'C0SBGENERAL', text: '/zoom help' }));
    expect(typed.status).toBe(403);
    expect(slack.workspace.visible('C0SBGENERAL', 'U0SBADMIN').some((m) => m.text === '/zoom help')).toBe(false);
  });

  it('refuses a request from a page of another origin', async () => {
    const answer = await send(slack.url, 'POST', '/console/simulate', { host: `127.0.0.1:${port(slack.url)}`, origin: 'http://evil.example', 'content-type': 'application/json' }, simulate);
    expect(answer.status).toBe(403);
  });

  it('serves 127.0.0.1 and localhost, same-origin pages and the bot (no Origin)', async () => {
    for (const host of [`127.0.0.1:${port(slack.url)}`, `localhost:${port(slack.url)}`]) {
      expect((await send(slack.url, 'GET', '/', { host })).status, host).toBe(200);
      const sameOrigin = await send(slack.url, 'GET', '/console/zoom-state', { host, origin: `http://${host}` });
      expect(sameOrigin.status, host).toBe(200);
    }
    const api = await send(slack.url, 'POST', '/api/auth.test', { host: `127.0.0.1:${port(slack.url)}`, authorization: 'Bearer xoxb-t' });
    expect(JSON.parse(api.text)).toMatchObject({ ok: true });
  });

  it('refuses localhost on another port as an origin', async () => {
    const answer = await send(slack.url, 'GET', '/console/zoom-state', { host: `127.0.0.1:${port(slack.url)}`, origin: 'http://localhost:1' });
    expect(answer.status).toBe(403);
  });
});

describe('the Zoom sandbox', () => {
  it('refuses another host name, and serves 127.0.0.1', async () => {
    const foreign = await send(zoom.url, 'POST', '/sandbox/simulate', { host: `evil.example:${port(zoom.url)}`, 'content-type': 'application/json' }, simulate);
    expect(foreign.status).toBe(403);
    const local = await send(zoom.url, 'GET', '/sandbox/state', { host: `127.0.0.1:${port(zoom.url)}` });
    expect(local.status).toBe(200);
  });
});
