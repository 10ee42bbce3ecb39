// Real local Redis deployments for the topology suite: a Redis Cluster (3 masters, 3 replicas) and a Sentinel set
// (a master, a replica, three Sentinels), each redis-server in its own temp dir on free ports, stopped afterwards.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RedisServers {
  /** `host:port` of each node, masters first as `redis-cli --cluster create` paired them. */
  nodes: string[];
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` free ports whose cluster bus ports (port + 10000) are free too. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  let port = 20_000 + Math.floor(Math.random() * 20_000);
  while (ports.length < count) {
    port += 1;
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function startServer(args: string[], cwd: string): ChildProcess {
  const child = spawn('redis-server', args, { cwd, stdio: 'ignore' });
  child.on('error', (error) => {
    throw new Error(`redis-server did not start (is it installed?): ${error.message}`);
  });
  return child;
}

class Processes {
  readonly children = new Map<number, ChildProcess>();
  constructor(readonly dir: string) {}
  start(port: number, args: string[]): void {
    this.children.set(port, startServer(args, this.dir));
  }
  async stop(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await rm(this.dir, { recursive: true, force: true });
  }
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

export async function startCluster(): Promise<RedisServers> {
  const dir = await mkdtemp(join(tmpdir(), 'zoomops-cluster-'));
  const processes = new Processes(dir);
  const ports = await freePorts(6);
  for (const port of ports) {
    processes.start(port, [
      '--port', String(port), ...COMMON,
      '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
      '--dbfilename', `dump-${port}.rdb`,
    ]);
  }
  try {
    for (const port of ports) await waitFor(`redis-server on ${port}`, async () => (await cli(port, 'PING')).trim() === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    for (const port of ports) {
      await waitFor(`cluster state ok on ${port}`, async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    }
    // Every replica has finished its first sync, so a master killed now has a replica that can take over.
    await waitFor('replicas in sync', async () => {
      for (const port of ports) {
        const info = await cli(port, 'INFO', 'replication');
        if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
      }
      return true;
    });
  } catch (error) {
    await processes.stop();
    throw error;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`), stop: () => processes.stop() };
}

export interface SentinelServers extends RedisServers {
  sentinels: string[];
  masterName: string;
}

export async function startSentinels(): Promise<SentinelServers> {
  const dir = await mkdtemp(join(tmpdir(), 'zoomops-sentinel-'));
  const processes = new Processes(dir);
  const [master, replica, ...sentinels] = (await freePorts(5)) as [number, number, number, number, number];
  const masterName = 'zoomops-test';
  processes.start(master, ['--port', String(master), ...COMMON, '--dbfilename', `dump-${master}.rdb`]);
  processes.start(replica, ['--port', String(replica), ...COMMON, '--dbfilename', `dump-${replica}.rdb`, '--replicaof', '127.0.0.1', String(master)]);
  try {
    await waitFor('the replica in sync', async () => (await cli(replica, 'INFO', 'replication')).includes('master_link_status:up'));
    for (const port of sentinels) {
      const conf = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode no',
          `sentinel monitor ${masterName} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      processes.start(port, [conf, '--sentinel']);
    }
    for (const port of sentinels) {
      await waitFor(`sentinel ${port} seeing the replica and the other sentinels`, async () => {
        const out = await cli(port, 'SENTINEL', 'MASTER', masterName);
        const fields = out.trim().split('\n');
        const value = (name: string) => fields[fields.indexOf(name) + 1];
        return value('num-slaves') === '1' && value('num-other-sentinels') === '2';
      });
    }
  } catch (error) {
    await processes.stop();
    throw error;
  }
  return {
    nodes: [`127.0.0.1:${master}`, `127.0.0.1:${replica}`],
    sentinels: sentinels.map((p) => `127.0.0.1:${p}`),
    masterName,
    stop: () => processes.stop(),
  };
}

/** Kills the redis-server on `port` at once (SIGKILL, as a crashed host): its replica must take over. */
export async function killRedis(port: number): Promise<void> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'INFO', 'server']);
  const pid = Number(/process_id:(\d+)/.exec(stdout)?.[1]);
  if (!pid) throw new Error(`no redis-server answers on ${port}`);
  process.kill(pid, 'SIGKILL');
}

/** How many times the redis-server on `port` ran `command` (INFO commandstats). */
export async function commandCalls(port: number, command: string): Promise<number> {
  const stats = await cli(port, 'INFO', 'commandstats');
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
}

/** Calls so far per command on the redis-server on `port`, but the INFO calls that read them. */
export async function commandsByName(port: number): Promise<Map<string, number>> {
  const stats = await cli(port, 'INFO', 'commandstats');
  const calls = new Map<string, number>();
  for (const [, name, count] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (name !== 'info') calls.set(name!, Number(count));
  return calls;
}

/** Every command the redis-server on `port` ran so far, but the INFO calls that read it. */
export async function totalCommands(port: number): Promise<number> {
  let total = 0;
  for (const count of (await commandsByName(port)).values()) total += count;
  return total;
}

/** The ports of the nodes that are masters now. */
export async function masterPorts(nodes: string[]): Promise<number[]> {
  const ports: number[] = [];
  for (const node of nodes) {
    const port = Number(node.split(':')[1]);
    if ((await cli(port, 'INFO', 'replication').catch(() => '')).includes('role:master')) ports.push(port);
  }
  return ports;
}
