// A cluster client that connects while a master is being replaced must still settle. ioredis's ready check, during
// a failover (CLUSTER INFO says cluster_state:fail), drops the connection and leaves that connect() pending for ever;
// BullMQ awaits exactly such a connect() when it resets a worker's blocking connection, and the worker then never
// fetched another job nor closed. A fake cluster node that is mid-failover shows the client settling.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../../src/redis.js';
import { until } from '../helpers/wait.js';

/** RESP encodings of the few replies the node gives. */
const resp = {
  ok: '+OK\r\n',
  bulk: (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`,
  int: (n: number) => `:${n}\r\n`,
  array: (items: string[]) => `*${items.length}\r\n${items.join('')}`,
};

/** The commands of one RESP request buffer (arrays of bulk strings, as clients send them). */
function parseCommands(buffer: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const header = /^\*(\d+)\r\n/.exec(buffer.slice(at));
    if (!header) break;
    let pos = at + header[0].length;
    const args: string[] = [];
    for (let i = 0; i < Number(header[1]); i++) {
      const len = /^\$(\d+)\r\n/.exec(buffer.slice(pos));
      if (!len || buffer.length < pos + len[0].length + Number(len[1]) + 2) return { commands, rest: buffer.slice(at) };
      pos += len[0].length;
      args.push(buffer.slice(pos, pos + Number(len[1])));
      pos += Number(len[1]) + 2;
    }
    commands.push(args);
    at = pos;
  }
  return { commands, rest: buffer.slice(at) };
}

/** One cluster node holding every slot, whose cluster is failing over (a master of it died and is being replaced). */
class FailingOverNode {
  private readonly server: Server = createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<Socket>();
  port = 0;
  readonly values = new Map<string, string>();

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk) => {
      const { commands, rest } = parseCommands(pending + chunk.toString('utf8'));
      pending = rest;
      for (const command of commands) socket.write(this.answer(command));
    });
  }

  private answer([name = '', ...args]: string[]): string {
    const sub = `${name} ${args[0] ?? ''}`.toUpperCase();
    if (sub === 'CLUSTER SLOTS') return resp.array([resp.array([resp.int(0), resp.int(16383), resp.array([resp.bulk('127.0.0.1'), resp.int(this.port), resp.bulk('node-1')])])]);
    if (sub === 'CLUSTER INFO') return resp.bulk('cluster_enabled:1\r\ncluster_state:fail\r\ncluster_slots_assigned:16384\r\n');
    switch (name.toUpperCase()) {
      case 'INFO':
        return resp.bulk('# Server\r\nredis_version:7.0.15\r\n');
      case 'PING':
        return '+PONG\r\n';
      case 'SET':
        this.values.set(args[0]!, args[1]!);
        return resp.ok;
      default:
        return resp.ok;
    }
  }
}

describe('a cluster client during a failover', () => {
  const node = new FailingOverNode();
  let client: RedisClient | undefined;

  afterEach(async () => {
    client?.disconnect();
    await node.stop();
  });

  it('becomes ready, serves commands, and a later connect() settles (a BullMQ worker resetting its connection is not parked)', async () => {
    await node.start();
    client = connectRedis({ kind: 'cluster', nodes: [{ host: '127.0.0.1', port: node.port }], tls: false }, 'worker');
    client.on('error', () => undefined);
    await until('the cluster client ready while cluster_state is fail', () => client!.status === 'ready', 3_000);
    await client.set('{zoomops}:k', 'v');
    expect(node.values.get('{zoomops}:k')).toBe('v');

    // What BullMQ does to its blocking connection when a blocking command overran: disconnect, then connect again.
    client.disconnect();
    await until('the client ended', () => client!.status === 'end', 3_000);
    const settled = await Promise.race([
      client.connect().then(() => 'connected', (error: unknown) => `rejected: ${String(error)}`),
      new Promise<string>((resolve) => setTimeout(() => resolve('still pending after 3 s'), 3_000)),
    ]);
    expect(settled).toBe('connected');
  });
});
