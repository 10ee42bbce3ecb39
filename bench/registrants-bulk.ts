// Approves 3,000 pending registrants through the real job and worker against a local fake Zoom that enforces
// a Medium limit of 20 requests/s (429 above it), and prints achieved requests/s beside that limit.
// Targets (issue 3): ≥ 90 % of the limit, total ≤ 1.15 × calls ÷ limit, no registrant lost or updated twice.
// Run: npx tsx bench/registrants-bulk.ts   (needs Redis on REDIS_URL, default 127.0.0.1:6379)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createServices } from '../src/app.js';
import { enqueueRegistrantUpdate } from '../src/jobs/registrant-updates.js';
import { registrantUpdates } from '../src/jobs/registrant-updates.js';
import { startWorkers } from '../src/jobs/workers.js';
import { silentLogger } from '../src/log.js';
import { benchConfig, MEDIUM_429, RollingSecond, tearDown } from './zoom-fake.shared.js';

const REGISTRANTS = 3_000;
const LIMIT_PER_SECOND = 20;
const WEBINAR = '81234567890';

const status = new Map<string, string>();
for (let i = 0; i < REGISTRANTS; i++) status.set(`r${i}`, 'pending');
const updatesPerRegistrant = new Map<string, number>();
let rejected = 0;

const medium = new RollingSecond(LIMIT_PER_SECOND);
const acceptedAt: number[] = [];

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString();
  const url = new URL(req.url ?? '/', 'http://fake');
  const json = (code: number, value: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(code === 204 ? undefined : JSON.stringify(value));
  };
  if (url.pathname === '/oauth/token') return json(200, { access_token: 'bench', token_type: 'bearer', expires_in: 3600 });
  if (url.pathname.startsWith('/slack/')) return json(200, { ok: true, channel: 'D1', ts: '1.000' });
  if (!url.pathname.startsWith(`/v2/webinars/${WEBINAR}/registrants`)) return json(404, { code: 3001, message: 'Not found' });
  if (!medium.admit()) {
    rejected += 1;
    res.writeHead(429, MEDIUM_429.headers);
    res.end(MEDIUM_429.body);
    return;
  }
  acceptedAt.push(Date.now());
  if (req.method === 'GET') {
    const wanted = url.searchParams.get('status');
    const size = Number(url.searchParams.get('page_size') ?? 30);
    const start = Number(url.searchParams.get('next_page_token') || 0);
    const all = [...status].filter(([, s]) => s === wanted);
    const page = all.slice(start, start + size).map(([id]) => ({ id, email: `${id}@example.com`, first_name: id }));
    const next = start + size < all.length ? String(start + size) : '';
    return json(200, { page_size: size, total_records: all.length, next_page_token: next, registrants: page });
  }
  const { action, registrants } = JSON.parse(body) as { action: string; registrants: Array<{ id: string }> };
  for (const { id } of registrants) {
    updatesPerRegistrant.set(id, (updatesPerRegistrant.get(id) ?? 0) + 1);
    status.set(id, action === 'approve' ? 'approved' : 'denied');
  }
  return json(204, undefined);
}

const server = createServer((req, res) => void handle(req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const config = benchConfig(base);
const redis = new Redis(config.redisUrl);
const keyPrefix = `bench-registrants-${process.pid}`;
const services = createServices({ config, redis, log: silentLogger, keyPrefix });
const workers = startWorkers([registrantUpdates], services);

const started = Date.now();
const { jobId } = await enqueueRegistrantUpdate(services, 'UBENCH', { kind: 'webinar', sessionId: WEBINAR, action: 'approve' }, 'bench');
const queue = services.jobs.queue('registrants');
for (;;) {
  const state = await (await queue.getJob(jobId))?.getState();
  if (state === 'completed' || state === 'failed') break;
  await delay(20);
}
const seconds = (Date.now() - started) / 1000;

const calls = acceptedAt.length;
const achieved = calls / seconds;
const ideal = calls / LIMIT_PER_SECOND;
const twice = [...updatesPerRegistrant.values()].filter((n) => n > 1).length;
const lost = [...status.values()].filter((s) => s !== 'approved').length;
console.log(`registrants-bulk: ${REGISTRANTS} pending registrants approved through the job (Medium limit ${LIMIT_PER_SECOND}/s)`);
console.log(`  calls accepted        ${calls} (${calls - Math.ceil(REGISTRANTS / 30)} list + ${Math.ceil(REGISTRANTS / 30)} status updates)`);
console.log(`  achieved              ${achieved.toFixed(1)} req/s   vs limit ${LIMIT_PER_SECOND} req/s  → ${((achieved / LIMIT_PER_SECOND) * 100).toFixed(1)} % (target ≥ 90 %)`);
console.log(`  total time            ${seconds.toFixed(2)} s      vs calls ÷ limit ${ideal.toFixed(2)} s  → ${(seconds / ideal).toFixed(3)} × (target ≤ 1.15 ×)`);
console.log(`  429s received         ${rejected}`);
console.log(`  registrants not approved ${lost}, updated twice ${twice} (target 0 and 0)`);

await tearDown({ workers, services, redis, keyPrefix, server });
