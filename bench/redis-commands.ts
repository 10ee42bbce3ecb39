// Redis work per accepted Zoom event at ingest (signed webhook in, 200 out, role `web`): commands per event summed
// over the masters' INFO commandstats, events/s and p99 time to 200, on one Redis with a replica (found through
// Sentinel) and on a Redis Cluster (3 masters, 3 replicas), with the replica WAIT before the 200 on and off.
// Commands per event is what decides how far a cluster grows; events/s here mostly measures this machine (the
// redis-servers, the bot and the load generator share its cores).
// Run: npx tsx bench/redis-commands.ts   (needs redis-server and redis-cli on the PATH; starts and stops its own)
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../src/log.js';
import { connectRedis, waitForRedis } from '../src/redis.js';
import { startBot } from '../src/run.js';
import { freePort, testConfig } from '../test/helpers/bot.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../test/helpers/zoom-events.js';
import { masterPorts, startCluster, startSentinels, totalCommands } from '../test/topologies/servers.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const CONCURRENCY = 16;

async function commandsOn(ports: number[]): Promise<number> {
  let total = 0;
  for (const port of ports) total += await totalCommands(port);
  return total;
}

async function ingest(label: string, env: Record<string, string>, nodes: string[]): Promise<void> {
  const port = await freePort();
  const config = testConfig('http://127.0.0.1:9/api/', { ...env, PORT: String(port), ZOOMOPS_ROLE: 'web', ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET });
  const redis = connectRedis(config.redis);
  redis.on('error', () => undefined);
  await waitForRedis(redis);
  const bot = await startBot(config, { redis, log: silentLogger, keyPrefix: `bench-${randomUUID().slice(0, 8)}` });
  const url = `http://127.0.0.1:${port}`;
  const events = Array.from({ length: EVENTS }, (_, i) => zoomEvent('meeting.started', (e) => (e.payload.object.uuid = `bench-${i}-${randomUUID()}`)));
  // Warm-up: connections, script loading and the replica check are not per-event costs.
  for (let i = 0; i < 20; i++) await postWebhook(url, zoomEvent('meeting.started', (e) => (e.payload.object.uuid = `warm-${i}-${randomUUID()}`)));
  const masters = await masterPorts(nodes);
  const before = await commandsOn(masters);
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < events.length) {
        const event = events[next++];
        const t0 = performance.now();
        const res = await postWebhook(url, event);
        latencies.push(performance.now() - t0);
        if (res.status !== 200) refused += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const commands = (await commandsOn(masters)) - before;
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
  console.log(
    `${label.padEnd(44)} ${(commands / EVENTS).toFixed(1).padStart(5)} commands/event  ${Math.round(EVENTS / seconds).toString().padStart(5)} events/s  p99 ${p99.toFixed(1)} ms${refused ? `  (${refused} not 200)` : ''}`,
  );
  await bot.stop();
  await bot.services.jobs.queue('events').obliterate({ force: true });
  redis.disconnect();
}

const sentinel = await startSentinels();
const cluster = await startCluster();
try {
  console.log(`ingest of ${EVENTS} meeting.started webhooks, ${CONCURRENCY} at a time`);
  const sentinelEnv = { REDIS_SENTINELS: sentinel.sentinels.join(','), REDIS_SENTINEL_NAME: sentinel.masterName };
  const clusterEnv = { REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `redis://${n}`).join(',') };
  await ingest('one Redis + replica (Sentinel), WAIT on', sentinelEnv, sentinel.nodes);
  await ingest('one Redis + replica (Sentinel), WAIT off', { ...sentinelEnv, ZOOMOPS_REDIS_WAIT: 'off' }, sentinel.nodes);
  await ingest('Redis Cluster 3+3, WAIT on', clusterEnv, cluster.nodes);
  await ingest('Redis Cluster 3+3, WAIT off', { ...clusterEnv, ZOOMOPS_REDIS_WAIT: 'off' }, cluster.nodes);
} finally {
  await Promise.all([sentinel.stop(), cluster.stop()]);
}
