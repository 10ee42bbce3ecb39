// Redis work per accepted Zoom event, summed over the masters' INFO commandstats (what decides how far a cluster
// grows), on one Redis with a replica (found through Sentinel) and on a Redis Cluster (3 masters, 3 replicas):
//   ingest — signed webhook in, 200 out (role `web`): commands per event, events/s and p99 time to 200 at full speed;
//   relay  — everything a worker does to turn an accepted event into its Slack post (reading it from its shard's
//            express lane, relay state, the channel's pace, the post-once claim, the batched ack), less the ingest of
//            the same events;
//   idle   — a worker with nothing to do still polls (the lanes' blocking reads and reclaims, BullMQ's blocking waits
//            and stalled-job checks): counted apart, in commands per second, and taken out of the relay figure for the
//            time the relay ran.
// Events/s here mostly measures this machine (the redis-servers, the bot and the load generator share its cores).
// Run: npx tsx bench/redis-commands.ts   (needs redis-server and redis-cli on the PATH; starts and stops its own);
// bench/webhooks.ts prints the same table after its own.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger } from '../src/log.js';
import { connectRedis, waitForRedis, type RedisClient } from '../src/redis.js';
import { startBot, type RunningBot } from '../src/run.js';
import { WatchStore } from '../src/slack/watches.js';
import { laneKey } from '../src/jobs/event-lane-keys.js';
import { FakeSlack } from '../test/helpers/fake-slack.js';
import { freePort, testConfig } from '../test/helpers/bot.js';
import { ZOOM_SECRET, postWebhook } from '../test/helpers/zoom-events.js';
import { commandsByName, masterPorts, startCluster, startSentinels, totalCommands } from '../test/topologies/servers.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const CONCURRENCY = 16;
/**
 * Relayed events go to this many channels, one each, at a rate under one post a second per channel: Slack's pace
 * then never folds one into a digest, so the figure is the plain alert's path.
 */
const RELAY_CHANNELS = 100;
const RELAY_RATE = 80;
const RELAY_EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 800);
const IDLE_MS = 5_000;

async function commandsOn(ports: number[]): Promise<number> {
  let total = 0;
  for (const port of ports) total += await totalCommands(port);
  return total;
}

async function byNameOn(ports: number[]): Promise<Map<string, number>> {
  const sum = new Map<string, number>();
  for (const port of ports) for (const [name, count] of await commandsByName(port)) sum.set(name, (sum.get(name) ?? 0) + count);
  return sum;
}

/** The commands that grew most between two readings, per event: `evalsha 1.0, hget 2.0, …`. */
function topCommands(before: Map<string, number>, after: Map<string, number>, events: number): string {
  return [...after]
    .map(([name, count]) => [name, (count - (before.get(name) ?? 0)) / events] as const)
    .filter(([, n]) => n >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n.toFixed(1)}`)
    .join(', ');
}

/** A meeting event of its own instance, watched by channel `CB<n % RELAY_CHANNELS>`. */
function benchEvent(n: number, run: string): object {
  return { event: `meeting.bench${n % RELAY_CHANNELS}`, event_ts: Date.now(), payload: { account_id: 'A', object: { id: `${n}`, uuid: `${run}-${n}==`, topic: `Bench ${n}` } } };
}

interface Deployment {
  label: string;
  env: Record<string, string>;
  nodes: string[];
}

class Bench {
  readonly prefix = `bench-${randomUUID().slice(0, 8)}`;
  private readonly bots: Array<{ bot: RunningBot; redis: RedisClient }> = [];
  constructor(
    private readonly deployment: Deployment,
    private readonly slack: FakeSlack,
  ) {}

  async start(role: 'web' | 'worker'): Promise<string> {
    const port = await freePort();
    const config = testConfig(this.slack.apiUrl, { ...this.deployment.env, PORT: String(port), ZOOMOPS_ROLE: role, ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET });
    const redis = connectRedis(config.redis);
    redis.on('error', () => undefined);
    await waitForRedis(redis);
    const bot = await startBot(config, { redis, log: silentLogger, keyPrefix: this.prefix });
    this.bots.push({ bot, redis });
    return `http://127.0.0.1:${port}`;
  }

  async watch(): Promise<void> {
    const { redis } = this.bots[0]!;
    const watches = new WatchStore(redis, this.prefix);
    for (let c = 0; c < RELAY_CHANNELS; c++) {
      await watches.add(`CB${c}`, { topic: 'events', events: [`meeting.bench${c}`], narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '' });
    }
  }

  async stop(): Promise<void> {
    for (const { bot } of [...this.bots].reverse()) await bot.stop();
    // A stopped bot's JobQueues makes fresh queues on demand: the run's jobs are dropped through them, and its lanes.
    const { jobs, redis } = this.bots[0]!.bot.services;
    for (const queue of jobs.shardsOf('events')) await queue.obliterate({ force: true });
    for (let shard = 0; shard < jobs.eventShards; shard++) await redis.del(laneKey(this.prefix, shard));
    for (const { redis } of this.bots) redis.disconnect();
  }

  masters(): Promise<number[]> {
    return masterPorts(this.deployment.nodes);
  }
}

/** Sends `events` webhooks, `CONCURRENCY` at a time (rate undefined) or one every 1/rate s; latencies in ms. */
async function send(url: string, events: object[], rate?: number): Promise<{ latencies: number[]; refused: number; seconds: number }> {
  const latencies: number[] = [];
  let refused = 0;
  const one = async (event: object) => {
    const t0 = performance.now();
    const res = await postWebhook(url, event);
    latencies.push(performance.now() - t0);
    if (res.status !== 200) refused += 1;
  };
  const started = performance.now();
  if (rate === undefined) {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < events.length) await one(events[next++]!); }));
  } else {
    const sent: Array<Promise<void>> = [];
    for (let i = 0; i < events.length; i++) {
      const wait = started + (1000 * i) / rate - performance.now();
      if (wait > 0) await delay(wait);
      sent.push(one(events[i]!));
    }
    await Promise.all(sent);
  }
  latencies.sort((a, b) => a - b);
  return { latencies, refused, seconds: (performance.now() - started) / 1000 };
}

export interface CommandFigures {
  label: string;
  ingest: number;
  perSecond: number;
  p99: number;
  refused: number;
  relay: number;
  idlePerSecond: number;
  relayLessIdle: number;
  /** The busiest master's share of every command while events were ingested and relayed (1 on one Redis). */
  busiest: number;
  /** Per event, the commands that took most (ingest alone; ingest and relay together). */
  ingestBreakdown: string;
  relayBreakdown: string;
}

const sumOf = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0);

async function measure(deployment: Deployment): Promise<CommandFigures> {
  const run = randomUUID().slice(0, 8);
  const slack = new FakeSlack();
  await slack.start();
  // Ingest at full speed: web alone, nothing consumes.
  const flood = new Bench(deployment, slack);
  const floodUrl = await flood.start('web');
  for (let i = 0; i < 20; i++) await postWebhook(floodUrl, benchEvent(i, `warm-${run}`)); // connections, scripts, the replica check
  const masters = await flood.masters();
  let before = await commandsOn(masters);
  const events = Array.from({ length: EVENTS }, (_, i) => benchEvent(i, `flood-${run}`));
  const { latencies, refused, seconds } = await send(floodUrl, events);
  const ingest = ((await commandsOn(masters)) - before) / EVENTS;
  await flood.stop();

  // Relay: web + worker with every event watched in one channel; less the same events' ingest, measured at the same
  // rate with web alone (a batch's size changes the MULTI/EXEC around it).
  const relayEvents = (tag: string) => Array.from({ length: RELAY_EVENTS }, (_, i) => benchEvent(i, `${tag}-${run}`));
  const paced = new Bench(deployment, slack);
  const pacedUrl = await paced.start('web');
  await paced.watch();
  for (let i = 0; i < 20; i++) await postWebhook(pacedUrl, benchEvent(i, `warm2-${run}`));
  const pacedBefore = await byNameOn(masters);
  await send(pacedUrl, relayEvents('paced'), RELAY_RATE);
  const pacedAfter = await byNameOn(masters);
  const ingestPaced = sumOf(pacedAfter) / RELAY_EVENTS - sumOf(pacedBefore) / RELAY_EVENTS;
  await paced.stop();

  const relay = new Bench(deployment, slack);
  const relayUrl = await relay.start('web');
  await relay.watch();
  await relay.start('worker');
  for (let i = 0; i < RELAY_CHANNELS; i++) await postWebhook(relayUrl, benchEvent(i, `warm3-${run}`));
  const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage').length;
  while (posts() < RELAY_CHANNELS) await delay(50);
  await delay(1_500); // every channel's pace has room again
  before = await commandsOn(masters);
  await delay(IDLE_MS);
  const idlePerSecond = ((await commandsOn(masters)) - before) / (IDLE_MS / 1000);
  const relayBefore = await byNameOn(masters);
  const relayBeforeByMaster = await Promise.all(masters.map((port) => totalCommands(port)));
  const t0 = performance.now();
  await send(relayUrl, relayEvents('relay'), RELAY_RATE);
  const deadline = Date.now() + 60_000;
  while (posts() < RELAY_CHANNELS + RELAY_EVENTS && Date.now() < deadline) await delay(20);
  const relaySeconds = (performance.now() - t0) / 1000;
  const relayAfter = await byNameOn(masters);
  const perMaster = await Promise.all(masters.map(async (port, i) => (await totalCommands(port)) - relayBeforeByMaster[i]!));
  const total = sumOf(relayAfter) - sumOf(relayBefore);
  const posted = posts() - RELAY_CHANNELS;
  await relay.stop();
  await slack.stop();
  if (posted !== RELAY_EVENTS) throw new Error(`${deployment.label}: ${posted} of ${RELAY_EVENTS} relayed events reached Slack`);
  const relayPerEvent = total / RELAY_EVENTS - ingestPaced;
  return {
    label: deployment.label,
    ingest,
    perSecond: EVENTS / seconds,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
    refused,
    relay: relayPerEvent,
    idlePerSecond,
    relayLessIdle: relayPerEvent - (idlePerSecond * relaySeconds) / RELAY_EVENTS,
    busiest: Math.max(...perMaster) / perMaster.reduce((a, b) => a + b, 0),
    ingestBreakdown: topCommands(pacedBefore, pacedAfter, RELAY_EVENTS),
    relayBreakdown: topCommands(relayBefore, relayAfter, RELAY_EVENTS),
  };
}

/** Starts a Sentinel set and a Redis Cluster, measures each, prints the table; the figures for the caller. */
export async function redisCommandsTable(): Promise<CommandFigures[]> {
  const sentinel = await startSentinels();
  const cluster = await startCluster();
  const figures: CommandFigures[] = [];
  try {
    const sentinelEnv = { REDIS_SENTINELS: sentinel.sentinels.join(','), REDIS_SENTINEL_NAME: sentinel.masterName };
    const shards = process.env.ZOOMOPS_EVENT_SHARDS;
    // ZOOMOPS_EVENT_SHARDS=1 shows the cluster as it was before shards (every event on the same few slots).
    const clusterEnv = { REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `redis://${n}`).join(','), ...(shards ? { ZOOMOPS_EVENT_SHARDS: shards } : {}) };
    const deployments: Deployment[] = [
      { label: 'one Redis + replica (Sentinel)', env: sentinelEnv, nodes: sentinel.nodes },
      { label: 'Redis Cluster 3+3', env: clusterEnv, nodes: cluster.nodes },
    ];
    for (const d of deployments) figures.push(await measure(d));
    const col = (s: string, w = 12) => s.padStart(w);
    console.log(`\nRedis commands per accepted event (INFO commandstats, all masters; replica WAIT on${shards ? `, ZOOMOPS_EVENT_SHARDS=${shards}` : ''})`);
    console.log(`${''.padEnd(32)}${col('ingest')}${col('relay')}${col('relay-idle')}${col('idle/s')}${col('busiest')}${col('events/s')}${col('p99 to 200')}`);
    for (const f of figures) {
      console.log(
        `${f.label.padEnd(32)}${col(f.ingest.toFixed(1))}${col(f.relay.toFixed(1))}${col(f.relayLessIdle.toFixed(1))}${col(f.idlePerSecond.toFixed(0))}${col(`${(100 * f.busiest).toFixed(0)} %`)}${col(f.perSecond.toFixed(0))}${col(`${f.p99.toFixed(1)} ms`)}${f.refused ? `  (${f.refused} not 200)` : ''}`,
      );
    }
    for (const f of figures) console.log(`${f.label}\n  ingest: ${f.ingestBreakdown}\n  ingest + relay: ${f.relayBreakdown}`);
    console.log(`ingest: ${EVENTS} webhooks, ${CONCURRENCY} at a time, role web alone; relay: ${RELAY_EVENTS} at ${RELAY_RATE}/s over ${RELAY_CHANNELS} channels, web + worker, less ingest; busiest: the busiest master's share of ingest + relay; targets: ingest ≤ 8, relay ≤ 15`);
  } finally {
    await Promise.all([sentinel.stop(), cluster.stop()]);
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await redisCommandsTable();
