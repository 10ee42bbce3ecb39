// Registrant rules under a burst: 500 `webinar.registration_created` events (half on the approve list, half on the
// deny list) go through the real relay and rules workers against a local fake Zoom that enforces a Medium limit of
// 20 requests/s (429 above it, counted on arrival) and a fake Slack. Prints decisions per second (burst accepted →
// last registrant's status changed in Zoom) beside what Zoom's limit allows: Medium requests/s × 30 registrants per
// status call. Also: status calls made, 429s, and registrants changed twice (target 0).
// Run: npx tsx bench/rules.ts   (needs Redis on REDIS_URL, default 127.0.0.1:6379)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createServices } from '../src/app.js';
import { acceptEvent } from '../src/ingress/accept.js';
import { ruleDecisions } from '../src/jobs/rule-decisions.js';
import { relayProcessor } from '../src/jobs/relay.js';
import { startWorkers } from '../src/jobs/workers.js';
import { silentLogger } from '../src/log.js';
import { benchConfig, MEDIUM_429, RollingSecond, tearDown } from './zoom-fake.shared.js';
import { REGISTRANT_STATUS_BATCH } from '../src/zoom/registrants.js';
import { RATE_BUDGETS } from '../src/zoom/rate-limit.js';
import type { ZoomEvent } from '../src/zoom/events.js';

const REGISTRATIONS = 500;
const PLAN = 'pro';
const LIMIT_PER_SECOND = RATE_BUDGETS.default[PLAN].medium.limit;
const WEBINAR = '81234567890';

const changes = new Map<string, number>();
let statusCalls = 0;
let rejected = 0;
let lastChangeAt = 0;

const medium = new RollingSecond(LIMIT_PER_SECOND);

let slackTs = 0;
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString();
  const url = new URL(req.url ?? '/', 'http://fake');
  const json = (code: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(code === 204 ? undefined : JSON.stringify(value));
  };
  if (url.pathname === '/oauth/token') return json(200, { access_token: 'bench', token_type: 'bearer', expires_in: 3600 });
  if (url.pathname.startsWith('/slack/')) {
    const scopes = { 'x-oauth-scopes': 'chat:write,channels:history,groups:history' };
    return json(200, { ok: true, channel: 'CRULES', ts: `${Math.floor(Date.now() / 1000)}.${String(++slackTs).padStart(6, '0')}`, messages: [] }, scopes);
  }
  if (url.pathname !== `/v2/webinars/${WEBINAR}/registrants/status` || req.method !== 'PUT') return json(404, { code: 3001, message: 'Not found' });
  if (!medium.admit()) {
    rejected += 1;
    res.writeHead(429, MEDIUM_429.headers);
    res.end(MEDIUM_429.body);
    return;
  }
  statusCalls += 1;
  for (const { id } of (JSON.parse(body) as { registrants: Array<{ id: string }> }).registrants) changes.set(id, (changes.get(id) ?? 0) + 1);
  lastChangeAt = Date.now();
  return json(204, undefined);
}

const server = createServer((req, res) => void handle(req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const config = benchConfig(base, { ZOOM_PLAN: PLAN, ZOOMOPS_ROLE: 'worker' });
const redis = new Redis(config.redisUrl);
const keyPrefix = `bench-rules-${process.pid}`;
const services = createServices({ config, redis, log: silentLogger, keyPrefix });
const now = Date.now();
await services.rules.save({
  target: { kind: 'webinar', id: WEBINAR },
  approveDomains: ['acme.com'],
  denyDomains: ['mailinator.com'],
  channel: 'CRULES',
  mode: 'on',
  modeSince: now,
  updatedBy: 'UBENCH',
  updatedAt: now,
});
const workers = startWorkers([relayProcessor, ruleDecisions], services);

const events: ZoomEvent[] = Array.from({ length: REGISTRATIONS }, (_, i) => ({
  event: 'webinar.registration_created',
  event_ts: now,
  payload: {
    account_id: 'bench',
    object: {
      uuid: 'bench-uuid==',
      id: Number(WEBINAR),
      topic: 'Bench webinar',
      registrant: { id: `r${i}`, email: `guest${i}@${i % 2 === 0 ? 'acme.com' : 'mailinator.com'}`, first_name: `Guest ${i}`, status: 'pending' },
    },
  },
}));

const started = Date.now();
await Promise.all(events.map((e) => acceptEvent(services.jobs, e, 'webhook')));
const accepted = Date.now();
while (changes.size < REGISTRATIONS && Date.now() - started < 120_000) await delay(20);
const seconds = (lastChangeAt - started) / 1000;

const perSecond = changes.size / seconds;
const zoomAllows = LIMIT_PER_SECOND * REGISTRANT_STATUS_BATCH;
const twice = [...changes.values()].filter((n) => n > 1).length;
console.log(`rules: ${REGISTRATIONS} registrations of one webinar decided by rules (half approve, half deny list), Medium limit ${LIMIT_PER_SECOND}/s (${PLAN})`);
console.log(`  burst accepted in      ${((accepted - started) / 1000).toFixed(2)} s`);
console.log(`  decided                ${changes.size} of ${REGISTRATIONS} in ${seconds.toFixed(2)} s (burst accepted → last status change in Zoom)`);
console.log(`  decisions per second   ${perSecond.toFixed(0)}/s   vs Zoom's limit ${LIMIT_PER_SECOND} req/s × ${REGISTRANT_STATUS_BATCH} = ${zoomAllows}/s`);
console.log(`  status calls           ${statusCalls} (ideal ${2 * Math.ceil(REGISTRATIONS / 2 / REGISTRANT_STATUS_BATCH)}), 429s ${rejected}`);
console.log(`  registrants changed twice ${twice} (target 0)`);

await tearDown({ workers, services, redis, keyPrefix, server });
