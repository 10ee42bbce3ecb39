// Drives signed Zoom webhooks at the bot on loopback and prints, beside a bare node:http server that only checks
// the HMAC and answers 200 (the limit): accepted events/s, p50/p99 time to 200, and p50/p99 from webhook in to
// Slack message out (fake Slack). Targets (issue 4): ≥ 50 % of the bare throughput while durable; p99 ack
// < 50 ms at 500 events/s; p99 webhook-to-Slack < 250 ms at 100 events/s over 100 watching channels. The burst
// (issue 13): 120 registrations of one meeting within 2 s, half waiting for approval, watched in one channel: the
// time until every one is accounted for there (alone or counted in the digest) and the messages it took (≤ 10 in 15 s).
// Every server (bench/webhooks.server.ts) and the load generator (bench/webhooks.client.ts) is its own process,
// so the generator never steals the server's event loop; the bot is measured as an operator runs it: role `web`
// alone (the ingress limit), `web` + `worker` processes (split), and one process in role `all` (the relay
// workers share the ingress's event loop). Each phase starts fresh processes on a fresh key prefix.
// Then Redis commands per event, for ingest and for relay, on one Redis and on a local Redis Cluster
// (bench/redis-commands.ts, which starts its own redis-servers; BENCH_TOPOLOGIES=off leaves it out).
// Run: npx tsx bench/webhooks.ts   (needs Redis on REDIS_URL, default 127.0.0.1:6379; BENCH_SERVER_ARGS adds
// node flags to the servers, e.g. "--trace-gc" with BENCH_VERBOSE=1 to see their output; BENCH_TARGETS=web,all
// runs only those bot targets (bare always runs: it is the yardstick), e.g. to profile one with --cpu-prof)
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { WatchStore, eventsOfTopic } from '../src/slack/watches.js';
import { redisCommandsTable } from './redis-commands.js';
import type { Outcome, Plan } from './webhooks.client.js';
import type { ServerStats } from './webhooks.server.js';
import { BENCH_CHANNELS } from './webhooks.shared.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = Date.now();
const SERVER = fileURLToPath(new URL('./webhooks.server.ts', import.meta.url));
const CLIENT = fileURLToPath(new URL('./webhooks.client.ts', import.meta.url));
const SERVER_ARGS = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
const VERBOSE = Boolean(process.env.BENCH_VERBOSE);

type Target = 'bare' | 'web' | 'split' | 'all';
const ROLES: Record<Target, Array<'bare' | 'web' | 'worker' | 'all'>> = { bare: ['bare'], web: ['web'], split: ['web', 'worker'], all: ['all'] };

const postedAt = new Map<string, number>();
/** The burst's channel as Slack sees it: messages posted, alerts posted alone, the most events a digest counts. */
const BURST_CHANNEL = 'CBURST';
const burst = { messages: 0, alone: 0, folded: 0 };
const prefixes: string[] = [];
let phase = 0;

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  return port;
}

/** Slack's Web API as far as the relay uses it; notes when each event's alert arrived. */
function fakeSlack(): Server {
  let ts = 0;
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      for (const m of body.matchAll(/b-\d+-\d+/g)) if (!postedAt.has(m[0])) postedAt.set(m[0], Date.now());
      const fields = String(req.headers['content-type']).includes('json') ? (JSON.parse(body || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(body));
      if (fields.channel === BURST_CHANNEL) {
        const posted = Boolean(req.url?.endsWith('/chat.postMessage'));
        const digest = /^(\d+) Zoom events/.exec(String(fields.text ?? ''));
        if (digest) burst.folded = Math.max(burst.folded, Number(digest[1]));
        else if (posted) burst.alone++;
        if (posted) burst.messages++;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: 'C', ts: `1700000000.${String(++ts).padStart(6, '0')}` }));
    });
  });
}

function startProcess(mode: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(SERVER, [mode], {
    execArgv: ['--import', 'tsx', ...SERVER_ARGS],
    env: { ...process.env, ...env },
    stdio: ['ignore', VERBOSE ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`bench server ${mode} exited with ${code}`)));
  });
}

function statsOf(child: ChildProcess): Promise<ServerStats> {
  return new Promise((resolve) => {
    child.once('message', (m: { stats: ServerStats }) => resolve(m.stats));
    child.send('stats');
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function drive(plan: Plan, onStarted: () => void): Promise<Outcome> {
  const child = fork(CLIENT, [JSON.stringify(plan)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.once('message', onStarted);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Outcome) : reject(new Error(`bench client exited with ${code}`)))));
}

/** Fresh processes on a fresh prefix (watches seeded), one plan driven at them, then stopped. */
type PhaseResult = Outcome & { run: number; servers: ServerStats[] };

async function runPhase(
  redis: Redis,
  target: Target,
  slackUrl: string,
  plan: Omit<Plan, 'url' | 'run'>,
  /** Waited for before the processes stop (the relay still at work after the last webhook). */
  settle?: (outcome: Outcome) => Promise<void>,
): Promise<PhaseResult> {
  const run = ++phase;
  const prefix = `bench-webhooks-${RUN}-${run}`;
  prefixes.push(prefix);
  if (plan.events === 'registrations') {
    await new WatchStore(redis, prefix).add(BURST_CHANNEL, { topic: 'registrations', events: eventsOfTopic('registrations'), narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '' });
  } else if (target !== 'bare') {
    const watches = new WatchStore(redis, prefix);
    for (let c = 0; c < BENCH_CHANNELS; c++) {
      await watches.add(`CBENCH${c}`, { topic: 'events', events: [`bench.e${c}`], narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '' });
    }
  }
  const servers: Array<{ child: ChildProcess; port: number }> = [];
  for (const mode of ROLES[target]) {
    servers.push(await startProcess(mode, { BENCH_PREFIX: prefix, BENCH_SLACK_URL: slackUrl, REDIS_URL, PORT: String(await freePort()) }));
  }
  try {
    const outcome = await drive({ ...plan, url: `http://127.0.0.1:${servers[0]!.port}/zoom/webhooks`, run }, () => {
      for (const { child } of servers) child.send('mark');
    });
    await settle?.(outcome);
    const stats = [];
    for (const { child } of servers) stats.push(await statsOf(child));
    return { ...outcome, run, servers: stats };
  } finally {
    for (const { child } of servers) await stopProcess(child);
  }
}

/** Webhook in to Slack out: waits (15 s at most) for every sent event's alert. */
async function endToEnd(outcome: Outcome): Promise<{ delays: number[]; sent: number }> {
  const ids = Object.keys(outcome.sentAt);
  const deadline = Date.now() + 15_000;
  while (ids.some((id) => !postedAt.has(id)) && Date.now() < deadline) await delay(50);
  return { delays: ids.flatMap((id) => (postedAt.has(id) ? [postedAt.get(id)! - outcome.sentAt[id]!] : [])), sent: ids.length };
}

/** Until every event of the burst is in its channel, alone or counted in a digest (30 s at most): ms from the first send. */
async function burstAccounted(outcome: Outcome): Promise<number> {
  const sent = Object.values(outcome.sentAt);
  const deadline = Date.now() + 30_000;
  while (burst.alone + burst.folded < sent.length && Date.now() < deadline) await delay(20);
  return burst.alone + burst.folded >= sent.length ? Date.now() - Math.min(...sent) : NaN;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(1)} ms`);
const pair = (values: number[]) => `${ms(pct(values, 50))} / ${ms(pct(values, 99))}`;

async function main(): Promise<void> {
  const slack = fakeSlack();
  const slackUrl = `http://127.0.0.1:${await listen(slack)}/api/`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const only = (process.env.BENCH_TARGETS ?? 'web,split,all').split(',');
  const targets: Target[] = (['bare', 'web', 'split', 'all'] as const).filter((t) => t === 'bare' || only.includes(t));
  const flood: Partial<Record<Target, PhaseResult>> = {};
  const steady: Partial<Record<Target, PhaseResult>> = {};
  const slackDelays: Partial<Record<Target, { delays: number[]; sent: number }>> = {};
  const bursts: Partial<Record<Target, { ms: number; messages: number }>> = {};
  try {
    for (const t of targets) {
      flood[t] = await runPhase(redis, t, slackUrl, { mode: 'flood', total: 5_000, concurrency: 64 });
      steady[t] = await runPhase(redis, t, slackUrl, { mode: 'rate', rate: 500, total: 2_500 });
    }
    for (const t of (['split', 'all'] as const).filter((t) => targets.includes(t))) {
      const outcome = await runPhase(redis, t, slackUrl, { mode: 'rate', rate: 100, total: 500 });
      slackDelays[t] = await endToEnd(outcome);
      Object.assign(burst, { messages: 0, alone: 0, folded: 0 });
      let accountedMs = NaN;
      await runPhase(redis, t, slackUrl, { mode: 'rate', rate: 60, total: 120, events: 'registrations' }, async (sent) => {
        accountedMs = await burstAccounted(sent);
      });
      bursts[t] = { ms: accountedMs, messages: burst.messages };
    }
  } finally {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`*${prefix}*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    }
    redis.disconnect();
    slack.close();
  }

  const bareRate = flood.bare!.perSecond;
  const col = (s: string) => s.padEnd(22);
  const row = (label: string, cell: (t: Target) => string) => console.log(`${label.padEnd(48)}${targets.map((t) => col(cell(t))).join('')}`);
  console.log('Zoom webhooks on loopback (load generator in its own process; latency from each request\'s due time)');
  row('', (t) => ({ bare: 'bare node:http', web: 'bot, role web', split: 'bot, web + worker', all: 'bot, role all' })[t]);
  row('accepted events/s (64 in flight)', (t) => `${flood[t]!.perSecond.toFixed(0)}${t === 'bare' ? '' : ` (${((100 * flood[t]!.perSecond) / bareRate).toFixed(0)} %)`}`);
  row('time to 200 at full speed p50 / p99', (t) => pair(flood[t]!.latencies));
  row('time to 200 at 500 events/s p50 / p99', (t) => pair(steady[t]!.latencies));
  row('  same, from actual send (service) p99', (t) => ms(pct(steady[t]!.service, 99)));
  // CPU of every process of the target (web + worker when split) per event accepted.
  row('server CPU per event at 500/s', (t) => `${((1000 * steady[t]!.servers.reduce((a, s) => a + s.cpuMs, 0)) / steady[t]!.latencies.length).toFixed(0)} µs`);
  row('ingress loop busy / delay p99 / max at 500/s', (t) => {
    const s = steady[t]!.servers[0]!;
    return `${(100 * s.elu).toFixed(0)} % / ${s.loopDelayP99Ms.toFixed(0)} / ${s.loopDelayMaxMs.toFixed(0)} ms`;
  });
  row('  refused or failed requests', (t) => String(flood[t]!.errors + steady[t]!.errors));
  row('webhook to Slack at 100/s, 100 ch p50 / p99', (t) => (slackDelays[t as 'split' | 'all'] ? pair(slackDelays[t as 'split' | 'all']!.delays) : '—'));
  row('  posted / sent', (t) => (slackDelays[t as 'split' | 'all'] ? `${slackDelays[t as 'split' | 'all']!.delays.length} / ${slackDelays[t as 'split' | 'all']!.sent}` : '—'));
  row('burst of 120 in 2 s, 1 ch: accounted for after', (t) => (bursts[t as 'split' | 'all'] ? `${(bursts[t as 'split' | 'all']!.ms / 1000).toFixed(1)} s` : '—'));
  row('  messages it took', (t) => (bursts[t as 'split' | 'all'] ? String(bursts[t as 'split' | 'all']!.messages) : '—'));
  console.log('targets: ≥ 50 % of bare events/s; p99 time to 200 < 50 ms at 500/s; p99 webhook to Slack < 250 ms; a burst accounted for within 15 s in ≤ 10 messages');
  if (process.env.BENCH_TOPOLOGIES !== 'off') await redisCommandsTable();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
