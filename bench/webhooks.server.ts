// One server process of bench/webhooks.ts, so the load generator never shares its event loop: `bare` (node:http
// that checks the HMAC and answers 200, the limit) or the real bot in a role (`web`, `worker`, `all`) started the
// way main.ts starts it. Tells the parent its port over IPC, stops on SIGTERM.
//   node --import tsx bench/webhooks.server.ts bare|web|worker|all   (env: BENCH_PREFIX, BENCH_SLACK_URL, PORT)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startBot } from '../src/run.js';
import { verifyZoomSignature } from '../src/zoom/webhook.js';
import { BENCH_SECRET } from './webhooks.shared.js';

type Mode = 'bare' | 'web' | 'worker' | 'all';

async function bare(): Promise<{ port: number; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const check = verifyZoomSignature({
        rawBody: Buffer.concat(chunks),
        signature: req.headers['x-zm-signature'] as string,
        timestamp: req.headers['x-zm-request-timestamp'] as string,
        secrets: [BENCH_SECRET],
        nowMs: Date.now(),
      });
      res.writeHead(check.ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise((r) => server.close(() => r())) };
}

async function bot(role: Exclude<Mode, 'bare'>): Promise<{ port: number; stop(): Promise<void> }> {
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_API_URL: process.env.BENCH_SLACK_URL,
    ZOOM_ACCOUNT_ID: 'a',
    ZOOM_CLIENT_ID: 'c',
    ZOOM_CLIENT_SECRET: 's',
    ZOOM_WEBHOOK_SECRET_TOKEN: BENCH_SECRET,
    REDIS_URL: process.env.REDIS_URL,
    PORT: process.env.PORT,
    ZOOMOPS_ROLE: role,
    // What an operator runs: info. The webhook path logs nothing at info on success.
    LOG_LEVEL: 'info',
  });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1});
  // stdout is /dev/null in the bench; the cost of formatting lines is still paid, as in production.
  const running = await startBot(config, { redis, log: createLogger(config.logLevel), keyPrefix: process.env.BENCH_PREFIX, host: '127.0.0.1' });
  return {
    port: config.port,
    stop: async () => {
      await running.stop();
      redis.disconnect();
    },
  };
}

/** What this process spent while the load ran: CPU, event-loop utilisation and how late the loop ran. */
export interface ServerStats {
  cpuMs: number;
  elu: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const mode = process.argv[2] as Mode;
const server = mode === 'bare' ? await bare() : await bot(mode);
let since = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
// `mark` when the load starts, `stats` when it ends.
process.on('message', (m: string) => {
  if (m === 'mark') {
    since = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
    loopDelay.reset();
  } else if (m === 'stats') {
    const cpu = process.cpuUsage(since.cpu);
    const stats: ServerStats = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      elu: performance.eventLoopUtilization(since.elu).utilization,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    };
    process.send!({ stats });
  }
});
process.send!({ port: server.port });
process.once('SIGTERM', () => {
  void server.stop().finally(() => process.exit(0));
});
