// The outbound proxy of every connection the bot makes (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lowercase winning): one
// undici dispatcher for everything that speaks fetch or undici (Slack Web API and Socket Mode, Zoom OAuth and REST,
// recording downloads), and a node:http agent for the Zoom WebSocket (`ws`). Both read the same variables with
// well-kept code: undici's EnvHttpProxyAgent, and proxy-from-env (axios's) with https-proxy-agent for `ws`.
import type { Agent as HttpAgent } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { Agent, EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;

/** True when a proxy variable is set (NO_PROXY alone changes nothing). */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]));
}

/** Dispatchers by TLS settings (NO_TLS: none), each kept while the proxy variables stay as they were when it was made. */
const dispatchers = new WeakMap<object, { key: string; dispatcher: Dispatcher }>();
const NO_TLS = {};

/**
 * The dispatcher for undici and fetch calls: through the proxy the variables name, direct for NO_PROXY hosts. One is
 * kept (its connections are pooled) while the variables stay the same. `tls`: extra TLS settings for the far end
 * (tests trust their own certificate authority), a dispatcher of its own.
 */
export function proxyDispatcher(tls?: ConnectionOptions): Dispatcher {
  const key = PROXY_VARIABLES.map((name) => process.env[name] ?? '').join('\n');
  const kept = dispatchers.get(tls ?? NO_TLS);
  if (kept?.key === key) return kept.dispatcher;
  const dispatcher = newDispatcher(tls);
  dispatchers.set(tls ?? NO_TLS, { key, dispatcher });
  return dispatcher;
}

function newDispatcher(tls: ConnectionOptions | undefined): Dispatcher {
  const connect = tls ? { connect: tls as Agent.Options['connect'], requestTls: tls as never } : {};
  return proxyConfigured() ? new EnvHttpProxyAgent(connect) : new Agent(connect);
}

/** The node:http agent for a `ws` connection to `url`: a CONNECT tunnel through the proxy, or undefined for direct. */
export function proxyAgentFor(url: string | URL): HttpAgent | undefined {
  const proxy = getProxyForUrl(String(url).replace(/^ws/, 'http'));
  return proxy ? (new HttpsProxyAgent(proxy) as unknown as HttpAgent) : undefined;
}

/** The proxy for a connection to `url` (undefined: direct), by the same variables; for clients of our own (http1.ts). */
export function proxyFor(url: URL): URL | undefined {
  const proxy = getProxyForUrl(url.href);
  return proxy ? new URL(proxy) : undefined;
}

/** The Proxy-Authorization value for a proxy URL with a user (`http://user:pass@proxy:3128`), or undefined. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
}

/**
 * fetch through the proxy when one is set (undici's fetch with the proxy's dispatcher: node's own fetch cannot take a
 * dispatcher of another undici version); node's own fetch otherwise, so that tests intercepting it still see the call.
 */
export const proxiedFetch: typeof fetch = (input, init) =>
  proxyConfigured()
    ? (undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as object), dispatcher: proxyDispatcher() }) as unknown as Promise<Response>)
    : globalThis.fetch(input, init);
