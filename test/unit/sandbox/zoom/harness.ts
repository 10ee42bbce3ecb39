// Starts a Zoom sandbox for one test file and talks to it over real HTTP, with a token from its own OAuth endpoint.
import { afterAll, beforeAll } from 'vitest';
import { startZoomSandbox, type ZoomSandbox, type ZoomSandboxOptions } from '../../../../src/sandbox/zoom/index.js';

export const SECRET = 'sandbox-webhook-secret';
/** A fixed clock, so seeded dates and lists are the same on every run. */
export const NOW = new Date('2025-03-12T15:30:00Z');

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface Harness {
  sandbox: ZoomSandbox;
  token: string;
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; token?: string | null }): Promise<Answer>;
}

export async function fetchToken(sandbox: ZoomSandbox): Promise<string> {
  const basic = Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64');
  const response = await fetch(sandbox.oauthUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'account_credentials', account_id: sandbox.accountId }).toString(),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** A REST call under /v2 (or an absolute URL), with the harness's token unless `token` says otherwise. */
export async function call(
  sandbox: ZoomSandbox,
  token: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const bearer = options.token === undefined ? token : options.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const url = path.startsWith('http') ? path : `${sandbox.apiUrl}${path}`;
  const response = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** One sandbox per test file (started before, stopped after). */
export function useSandbox(options: Partial<ZoomSandboxOptions> = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.sandbox = await startZoomSandbox({ webhookSecret: SECRET, now: () => NOW, ...options });
    harness.token = await fetchToken(harness.sandbox);
    harness.call = (method, path, opts) => call(harness.sandbox, harness.token, method, path, opts);
  });
  afterAll(async () => {
    await harness.sandbox?.stop();
  });
  return harness;
}

/** The seeded session with this topic (IDs are derived, so tests find them by name). */
export function sessionId(sandbox: ZoomSandbox, topic: string): number {
  const found = [...sandbox.state.sessions.values()].find((s) => s.topic === topic);
  if (!found) throw new Error(`no seeded session "${topic}"`);
  return found.id;
}
