// The relay's OWN Redis commands per delivered alert (issue 12): what deliver() and everything below it costs, without
// BullMQ taking and completing the job (bench/redis-commands.ts measures the whole path, the event lane the front).
// N events, each watched by one of 100 channels, are relayed at 80/s by calling the relay's processor directly on jobs
// already queued, on a private redis-server (a free port, no persistence): INFO commandstats before and after say how
// many commands of each name ran (each command inside a Lua script counts, EVALSHA itself once), and MONITOR says which
// keys each touched, so the figure is split by area: relay state, channel pace, watches, rules, BullMQ (what the
// processor itself asks of its job: progress, a move to delayed).
// Run: npx tsx bench/relay-commands.ts   (needs redis-server on the PATH; ~15 s). BENCH_RELAY_EVENTS=800 by default.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { DelayedError, type Job } from 'bullmq';
import { createServices } from '../src/app.js';
import { relayProcessor } from '../src/jobs/relay.js';
import type { JobContext } from '../src/jobs/workers.js';
import { silentLogger } from '../src/log.js';
import { KEY_GROUPS } from '../src/redis-keys.js';
import { WatchStore } from '../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../src/zoom/events.js';
import { FakeSlack } from '../test/helpers/fake-slack.js';
import { freePort, testConfig } from '../test/helpers/bot.js';

const EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 800);
const CHANNELS = 100;
const RATE = 80;
const PREFIX = 'bench';

/** A meeting event of its own instance, watched by channel `CB<n % CHANNELS>` (as bench/redis-commands.ts sends). */
function benchEvent(n: number, run: string): ZoomEvent {
  return { event: `meeting.bench${n % CHANNELS}`, event_ts: Date.now(), payload: { account_id: 'A', object: { id: `${n}`, uuid: `${run}-${n}==`, topic: `Bench ${n}` } } } as ZoomEvent;
}

/** Which part of the bot a key belongs to: the group in its hash tag, BullMQ's queue prefix apart. */
function areaOf(key: string): string {
  const tag = /^\{([^}]*)\}/.exec(key)?.[1] ?? '';
  if (tag.startsWith(`${PREFIX}-events`) || tag.startsWith(`${PREFIX}-`)) return 'BullMQ';
  const rest = tag.slice(PREFIX.length + 1);
  // A shard's tag is its group's with a suffix (`relay-3`, `slack-pace-C123`).
  return KEY_GROUPS.filter((g) => rest === g || rest.startsWith(`${g}-`)).sort((a, b) => b.length - a.length)[0] ?? 'other';
}

async function startRedis(): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'relay-commands-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const probe = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const up = await probe.connect().then(() => probe.ping(), () => undefined);
    probe.disconnect();
    if (up === 'PONG') break;
    if (i > 100) throw new Error('redis-server did not start');
    await delay(50);
  }
  return {
    port,
    stop: async () => {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const [, name, count] of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== 'info' && name !== 'monitor') calls.set(name!, Number(count));
  }
  return calls;
}

/** Reads MONITOR and counts each command under the area of its keys; keyless ones (TIME, MULTI, EXEC) under their script's or transaction's. */
class AreaCounter {
  readonly byArea = new Map<string, Map<string, number>>();
  private lastOf = new Map<string, string>();
  private pendingOf = new Map<string, string[]>();
  counting = false;

  add(args: string[], source: string): void {
    if (!this.counting) return;
    const name = (args[0] ?? '').toLowerCase();
    if (name === 'info' || name === 'ping' || name === 'client' || name === 'select') return;
    // Lua's commands follow the EVALSHA that ran them: they are the script's.
    const client = source === 'lua' ? 'lua' : source;
    let key: string | undefined;
    if (name === 'evalsha' || name === 'eval') key = Number(args[2]) > 0 ? args[3] : undefined;
    else if (!['time', 'multi', 'exec', 'discard'].includes(name)) key = args[1];
    if (key === undefined) {
      const area = name === 'multi' ? undefined : (this.lastOf.get(client) ?? undefined);
      if (area) this.count(area, name);
      else this.pendingOf.set(client, [...(this.pendingOf.get(client) ?? []), name]);
      return;
    }
    const area = areaOf(key);
    if (name === 'evalsha' || name === 'eval') this.lastOf.set('lua', area);
    this.lastOf.set(client, area);
    for (const pending of this.pendingOf.get(client) ?? []) this.count(area, pending);
    this.pendingOf.delete(client);
    this.count(area, name);
  }

  private count(area: string, name: string): void {
    const names = this.byArea.get(area) ?? new Map<string, number>();
    names.set(name, (names.get(name) ?? 0) + 1);
    this.byArea.set(area, names);
  }
}

const per = (n: number, of: number) => (n / of).toFixed(2);
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const server = await startRedis();
  const url = `redis://127.0.0.1:${server.port}`;
  const slack = new FakeSlack();
  await slack.start();
  const redis = new Redis(url);
  const stats = new Redis(url);
  const services = createServices({ config: testConfig(slack.apiUrl, { REDIS_URL: url }), redis, log: silentLogger, keyPrefix: PREFIX });
  const watches = new WatchStore(redis, PREFIX);
  for (let c = 0; c < CHANNELS; c++) {
    await watches.add(`CB${c}`, { topic: 'events', events: [`meeting.bench${c}`], narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '' });
  }
  const ctx = { services, shutdown: new AbortController().signal, cancelRequestedBy: async () => undefined, putBack: () => Promise.reject(new Error('no put back in the bench')) } as JobContext;
  const queue = services.jobs.queue('events');
  const queued = async (tag: string, count: number) => {
    const jobs: Array<{ job: Job; data: ReturnType<typeof dataOf> }> = [];
    for (let i = 0; i < count; i++) {
      const data = dataOf(benchEvent(i, tag));
      jobs.push({ job: await queue.add('event', data), data });
    }
    return jobs;
  };
  const dataOf = (event: ZoomEvent) => ({ kind: 'event' as const, key: eventIdentity(event), event, source: 'webhook' as const, receivedAt: Date.now() });
  let cameBack = 0;
  let failed = 0;
  const relay = async (jobs: Awaited<ReturnType<typeof queued>>) => {
    const started = performance.now();
    const runs: Array<Promise<unknown>> = [];
    for (let i = 0; i < jobs.length; i++) {
      const wait = started + (1000 * i) / RATE - performance.now();
      if (wait > 0) await delay(wait);
      const { job, data } = jobs[i]!;
      runs.push(
        relayProcessor.process(job, data, ctx).catch((error: unknown) => {
          if (error instanceof DelayedError) cameBack += 1;
          else {
            failed += 1;
            console.error(error);
          }
        }),
      );
    }
    await Promise.all(runs);
  };
  const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage').length;

  // Warm-up: scripts loaded, connections made, every channel's pace used once; then the pace has room again.
  await relay(await queued('warm', CHANNELS));
  const jobs = await queued('run', EVENTS);
  await delay(1_500);
  cameBack = 0;
  failed = 0;

  const monitor = await new Redis(url).monitor();
  const areas = new AreaCounter();
  monitor.on('monitor', (_time: string, args: string[], source: string) => areas.add(args, source));
  await delay(200);
  const postsBefore = posts();
  const before = await commandStats(stats);
  areas.counting = true;
  await relay(jobs);
  const after = await commandStats(stats);
  await delay(200);
  areas.counting = false;
  const delivered = posts() - postsBefore;

  const byName = new Map([...after].map(([name, n]) => [name, n - (before.get(name) ?? 0)] as const).filter(([, n]) => n > 0));
  const total = sum(byName);
  console.log(`\nThe relay's Redis commands per delivered alert (INFO commandstats on a private redis-server; Lua's commands counted one by one)`);
  console.log(`${EVENTS} events at ${RATE}/s over ${CHANNELS} channels, one channel each: ${delivered} alerts delivered, ${cameBack} runs came back later, ${failed} failed`);
  console.log(`total: ${per(total, delivered)} per alert`);
  console.log(`by name: ${[...byName].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${per(n, delivered)}`).join(', ')}`);
  const relayOwn = [...areas.byArea].filter(([area]) => area !== 'BullMQ').reduce((n, [, names]) => n + sum(names), 0);
  console.log(`by area (MONITOR): the relay's own ${per(relayOwn, delivered)}, BullMQ ${per(sum(areas.byArea.get('BullMQ') ?? new Map()), delivered)}`);
  for (const [area, names] of [...areas.byArea].sort((a, b) => sum(b[1]) - sum(a[1]))) {
    console.log(`  ${area.padEnd(12)} ${per(sum(names), delivered).padStart(6)}  ${[...names].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${per(n, delivered)}`).join(', ')}`);
  }
  monitor.disconnect();
  await services.jobs.close();
  redis.disconnect();
  stats.disconnect();
  await slack.stop();
  await server.stop();
  if (delivered !== EVENTS) {
    console.error(`expected ${EVENTS} alerts, ${delivered} were posted`);
    process.exitCode = 1;
  }
}

await main();
// Connections BullMQ made on its own would keep retrying the stopped server.
process.exit();
