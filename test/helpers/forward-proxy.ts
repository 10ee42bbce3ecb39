// A small forward proxy for the outbound-proxy tests: CONNECT tunnels (HTTPS, WebSocket, and undici, which tunnels
// plain HTTP too) and absolute-form requests (plain HTTP). It remembers every connection it opened to a far end by
// its local port, so a test can check that each connection its servers accepted came from here: nothing bypassed it.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export class ForwardProxy {
  /** What clients asked: `CONNECT host:port` or `GET http://…`. */
  readonly seen: string[] = [];
  /** Local ports of the connections this proxy opened to far ends. */
  readonly upstreamPorts = new Set<number>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.seen.push(`${req.method} ${req.url}`);
      const target = new URL(req.url ?? '');
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !name.startsWith('proxy-')));
      const forward = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('socket', (socket) => socket.once('connect', () => this.upstreamPorts.add(socket.localPort!)));
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      this.seen.push(`CONNECT ${req.url}`);
      const [host, port] = splitAuthority(req.url ?? '');
      const upstream = connect({ host, port }, () => {
        this.upstreamPorts.add(upstream.localPort!);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.seen.length = 0;
    this.upstreamPorts.clear();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function splitAuthority(authority: string): [string, number] {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(authority);
  if (!match) throw new Error(`not host:port: ${authority}`);
  return [match[1]!, Number(match[2])];
}

/** Records the remote port of every connection `server` accepts (to compare with ForwardProxy.upstreamPorts). */
export function remotePortsOf(server: Server | import('node:net').Server): number[] {
  const ports: number[] = [];
  server.on('connection', (socket: Socket) => ports.push(socket.remotePort!));
  return ports;
}
