// A CONNECT tunnel through an HTTP proxy (RFC 9110 §9.3.6) for http1.ts's HTTPS downloads: the proxy is asked for a
// connection to host:port and, once it answers 2xx, the socket is the tunnel, over which TLS to the far host starts.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { CodedError } from '../../errors.js';
import { proxyAuthorization } from '../../outbound-proxy.js';
import { ConnectionCutError, HttpProtocolError } from './http1.js';

/** The proxy's answer head may not be larger than this. */
const ANSWER_LIMIT = 16 * 1024;

/**
 * The proxy refused the tunnel (its status in the message, e.g. 407 for missing credentials). Not expected: the
 * proxy's settings (HTTPS_PROXY, its credentials) are the operator's to fix.
 */
class ProxyRefusedError extends CodedError<'proxy_refused'> {
  constructor(message: string) {
    super('proxy_refused', message);
  }
}

export function tunnel(proxy: URL, host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const secureProxy = proxy.protocol === 'https:';
    const proxyHost = proxy.hostname.replace(/^\[(.*)\]$/, '$1');
    const proxyPort = Number(proxy.port || (secureProxy ? 443 : 80));
    const socket: Socket = secureProxy ? tlsConnect({ host: proxyHost, port: proxyPort, servername: proxyHost }) : netConnect({ host: proxyHost, port: proxyPort });
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const auth = proxyAuthorization(proxy);
    let answer = Buffer.alloc(0);

    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
    const onClose = () => fail(new ConnectionCutError('the proxy closed the connection before the tunnel was open'));
    const onData = (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (answer.length > ANSWER_LIMIT) fail(new HttpProtocolError('the proxy sent an answer head too large'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d\d\d)/.exec(answer.toString('latin1', 0, end));
      if (!status) return fail(new HttpProtocolError('the proxy sent an invalid answer to CONNECT'));
      if (!status[1]!.startsWith('2')) return fail(new ProxyRefusedError(`the proxy refused the tunnel to ${authority} (HTTP ${status[1]})`));
      cleanup();
      socket.pause();
      // TLS speaks first from our side, so nothing should follow the answer; whatever did is the far end's.
      if (end + 4 < answer.length) socket.unshift(answer.subarray(end + 4));
      resolve(socket);
    };

    socket.once(secureProxy ? 'secureConnect' : 'connect', () => {
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`);
    });
    socket.on('data', onData);
    socket.on('error', fail);
    socket.on('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
