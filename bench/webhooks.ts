// Drives signed Zoom webhooks at the bot on loopback and prints, beside a bare node:http server that only checks
// the HMAC and answers 200 (the limit): accepted events/s, p50/p99 time to 200, and p50/p99 from webhook in to
// Slack message out (fake Slack). Targets (issue 4): ≥ 50 % of the bare throughput while durable; p99 ack
// < 50 ms at 500 events/s; p99 webhook-to-Slack < 250 ms at 100 events/s over 100 watching channels.
// Run: npx tsx bench/webhooks.ts   (needs Redis on REDIS_URL, default 127.0.0.1:6379)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createServices, createWebBot } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { relayProcessor } from '../src/jobs/relay.js';
import { startWorkers } from '../src/jobs/workers.js';
import { silentLogger } from '../src/log.js';
import { WatchStore } from '../src/slack/watches.js';
import { verifyZoomSignature, zoomSignature } from '../src/zoom/webhook.js';

const SECRET = 'bench-secret';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `bench-webhooks-${Date.now()}`;
const CHANNELS = 100;

const postedAt = new Map<string, number>();
const sentAt = new Map<string, number>();

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** The limit: read the body, check the HMAC, answer 200. */
function bareServer(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const check = verifyZoomSignature({
        rawBody: Buffer.concat(chunks),
        signature: req.headers['x-zm-signature'] as string,
        timestamp: req.headers['x-zm-request-timestamp'] as string,
        secrets: [SECRET],
        nowMs: Date.now(),
      });
      res.writeHead(check.ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
  });
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
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: 'C', ts: `1700000000.${String(++ts).padStart(6, '0')}` }));
    });
  });
}

function event(run: number, n: number) {
  return { event: `bench.e${n % CHANNELS}`, event_ts: Date.now(), payload: { account_id: 'A', object: { id: `b-${run}-${n}` } } };
}

async function send(url: string, body: string): Promise<number> {
  const ts = String(Math.floor(Date.now() / 1000));
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': zoomSignature(SECRET, ts, body) },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - started;
}

/** As fast as `concurrency` senders go: events/s and ack latencies. */
async function flood(url: string, run: number, total: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const n = next++;
        latencies.push(await send(url, JSON.stringify(event(run, n))));
      }
    }),
  );
  return { perSecond: total / ((performance.now() - started) / 1000), latencies };
}

/** A steady `rate` for `seconds`: ack latencies, and each event's send time for webhook-to-Slack. */
async function steady(url: string, run: number, rate: number, seconds: number) {
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; n < rate * seconds; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const e = event(run, n);
    sentAt.set(e.payload.object.id, Date.now());
    inFlight.push(send(url, JSON.stringify(e)).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(inFlight);
  return latencies;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main(): Promise<void> {
  const bare = bareServer();
  const barePort = await listen(bare);
  const slack = fakeSlack();
  const slackPort = await listen(slack);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const probe = createServer();
  const botPort = await listen(probe);
  await new Promise((r) => probe.close(r));
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    ZOOM_ACCOUNT_ID: 'a',
    ZOOM_CLIENT_ID: 'c',
    ZOOM_CLIENT_SECRET: 's',
    ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    PORT: String(botPort),
  });
  const services = createServices({ config, redis, log: silentLogger, keyPrefix: PREFIX });
  const bot = createWebBot({ config, redis, log: silentLogger, keyPrefix: PREFIX }, services);
  await bot.start();
  const botUrl = `http://127.0.0.1:${config.port}/zoom/webhooks`;
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const watches = new WatchStore(redis, PREFIX);
  for (let c = 0; c < CHANNELS; c++) {
    await watches.add(`CBENCH${c}`, { topic: 'events', events: [`bench.e${c}`], narrowed: false, createdBy: 'U', zone: 'UTC', createdAt: '' });
  }

  // 1. Throughput, ingress only (workers off, so the figure is the durable enqueue).
  await flood(bareUrl, 0, 500, 32);
  const bareFlood = await flood(bareUrl, 1, 5_000, 64);
  const botFlood = await flood(botUrl, 2, 5_000, 64);
  await services.jobs.queue('events').obliterate({ force: true });

  // 2. Ack latency at a steady 500 events/s.
  const bareSteady = await steady(bareUrl, 3, 500, 4);
  const botSteady = await steady(botUrl, 4, 500, 4);
  await services.jobs.queue('events').obliterate({ force: true });

  // 3. Webhook in to Slack out at 100 events/s over 100 channels, with the relay workers running.
  const workers = startWorkers([relayProcessor], services);
  sentAt.clear();
  postedAt.clear();
  await steady(botUrl, 5, 100, 5);
  const deadline = Date.now() + 15_000;
  while (postedAt.size < sentAt.size && Date.now() < deadline) await delay(50);
  const endToEnd = [...sentAt].flatMap(([id, at]) => (postedAt.has(id) ? [postedAt.get(id)! - at] : []));

  console.log('Zoom webhooks on loopback                       bot (durable)        bare node:http (limit)');
  console.log(`accepted events/s (64 senders)                  ${botFlood.perSecond.toFixed(0).padEnd(20)} ${bareFlood.perSecond.toFixed(0)}   (${((100 * botFlood.perSecond) / bareFlood.perSecond).toFixed(0)} % of the limit; target ≥ 50 %)`);
  console.log(`time to 200 at full speed p50 / p99             ${`${ms(pct(botFlood.latencies, 50))} / ${ms(pct(botFlood.latencies, 99))}`.padEnd(20)} ${ms(pct(bareFlood.latencies, 50))} / ${ms(pct(bareFlood.latencies, 99))}`);
  console.log(`time to 200 at 500 events/s p50 / p99          ${`${ms(pct(botSteady, 50))} / ${ms(pct(botSteady, 99))}`.padEnd(20)} ${ms(pct(bareSteady, 50))} / ${ms(pct(bareSteady, 99))}   (target p99 < 50 ms)`);
  console.log(`webhook to Slack, 100/s over 100 channels       p50 ${ms(pct(endToEnd, 50))} / p99 ${ms(pct(endToEnd, 99))}   (${endToEnd.length}/${sentAt.size} posted; target p99 < 250 ms)`);

  await workers.stop();
  await bot.stop();
  await services.jobs.close();
  const keys = await redis.keys(`*${PREFIX}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  redis.disconnect();
  bare.close();
  slack.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
