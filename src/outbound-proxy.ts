// The outbound proxy of every connection the bot makes (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lowercase winning): one
// undici dispatcher for everything that speaks fetch or undici (Slack Web API and Socket Mode, Zoom OAuth and REST,
// recording downloads), and a node:http agent for the Zoom WebSocket (`ws`). Both read the same variables with
// well-kept code: undici's EnvHttpProxyAgent, and proxy-from-env (axios's) with https-proxy-agent for `ws`.
import type { Agent as HttpAgent } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;

/** True when a proxy variable is set (NO_PROXY alone changes nothing). */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]));
}

let shared: { key: string; dispatcher: Dispatcher } | undefined;

/**
 * The dispatcher for undici and fetch calls: through the proxy the variables name, direct for NO_PROXY hosts. One is
 * kept (its connections are pooled) while the variables stay the same. `tls`: extra TLS settings for the far end
 * (tests trust their own certificate authority), a dispatcher of its own.
 */
export function proxyDispatcher(tls?: ConnectionOptions): Dispatcher {
  if (tls) return newDispatcher(tls);
  const key = PROXY_VARIABLES.map((name) => process.env[name] ?? '').join('\n');
  if (shared?.key !== key) shared = { key, dispatcher: newDispatcher(undefined) };
  return shared.dispatcher;
}

function newDispatcher(tls: ConnectionOptions | undefined): Dispatcher {
  const connect = tls ? { connect: tls as Agent.Options['connect'], requestTls: tls as never } : {};
  return proxyConfigured() ? new EnvHttpProxyAgent(connect) : new Agent(connect);
}

/** fetch init with the proxy's dispatcher when a proxy is set; unchanged without one (so nock still sees the call). */
export function viaProxy<T extends object>(init: T): T {
  return proxyConfigured() ? ({ ...init, dispatcher: proxyDispatcher() } as T) : init;
}

/** The node:http agent for a `ws` connection to `url`: a CONNECT tunnel through the proxy, or undefined for direct. */
export function proxyAgentFor(url: string | URL): HttpAgent | undefined {
  const proxy = getProxyForUrl(String(url).replace(/^ws/, 'http'));
  return proxy ? (new HttpsProxyAgent(proxy) as unknown as HttpAgent) : undefined;
}
