// The load generator of bench/webhooks.ts, in its own process so its work never delays the server it measures.
// Bodies are built and signed before the clock starts. `rate` mode is open-loop: request n is due at
// start + n/rate whether or not earlier ones have answered, and its latency counts from that due time, so a
// stalled server is charged for the requests it held back (no coordinated omission); `service` is from the
// moment the request actually left, for comparison. `flood` mode keeps `concurrency` requests in flight.
//   node --import tsx bench/webhooks.client.ts '<json Plan>'   → one JSON line on stdout
import { Agent, request } from 'node:http';
import { zoomSignature } from '../src/zoom/webhook.js';
import { BENCH_CHANNELS, BENCH_SECRET } from './webhooks.shared.js';

export interface Plan {
  url: string;
  /** Distinguishes runs: object ids are `b-<run>-<n>`, the key the fake Slack looks for. */
  run: number;
  mode: 'flood' | 'rate';
  total: number;
  concurrency?: number;
  rate?: number;
  /** `registrations`: one meeting's `meeting.registration_created`, every other one waiting for approval (the burst). */
  events?: 'bench' | 'registrations';
}

export interface Outcome {
  perSecond: number;
  /** ms from when each request was due (rate) or sent (flood) to the end of its 200. */
  latencies: number[];
  /** ms from when each request actually left. */
  service: number[];
  errors: number;
  /** Wall-clock send time per object id, for webhook-to-Slack. */
  sentAt: Record<string, number>;
}

const plan = JSON.parse(process.argv[2]!) as Plan;
const url = new URL(plan.url);
const agent = new Agent({ keepAlive: true, maxSockets: 1_024 });

const requests = Array.from({ length: plan.total }, (_, n) => {
  const ts = String(Math.floor(Date.now() / 1000));
  const id = `b-${plan.run}-${n}`;
  const body = JSON.stringify(plan.events === 'registrations' ? registration(id, n) : { event: `bench.e${n % BENCH_CHANNELS}`, event_ts: Date.now(), payload: { account_id: 'A', object: { id } } });
  return { id, body, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-zm-request-timestamp': ts, 'x-zm-signature': zoomSignature(BENCH_SECRET, ts, body) } };
});

function registration(id: string, n: number): object {
  const registrant = { id, email: `${id}@example.com`, first_name: 'Guest', status: n % 2 === 0 ? 'pending' : 'approved' };
  return { event: 'meeting.registration_created', event_ts: Date.now(), payload: { account_id: 'A', object: { id: '81234567890', uuid: 'bench==', topic: 'Bench', registrant } } };
}

const latencies: number[] = [];
const service: number[] = [];
const sentAt: Record<string, number> = {};
let errors = 0;

function send(n: number, due: number): Promise<void> {
  const { id, body, headers } = requests[n]!;
  const sent = performance.now();
  sentAt[id] = Date.now();
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const end = performance.now();
        if (res.statusCode === 200) {
          latencies.push(end - due);
          service.push(end - sent);
        } else errors++;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

async function flood(concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.total) {
        const n = next++;
        await send(n, performance.now());
      }
    }),
  );
}

/** Every request fires at its due time; a late tick sends all that are due at once (charged from their due). */
function atRate(rate: number, started: number): Promise<void> {
  return new Promise((resolve) => {
    const pending: Promise<void>[] = [];
    let n = 0;
    const tick = () => {
      const now = performance.now();
      while (n < plan.total && started + (n * 1000) / rate <= now) {
        pending.push(send(n, started + (n * 1000) / rate));
        n++;
      }
      if (n < plan.total) setTimeout(tick, Math.max(0, started + (n * 1000) / rate - performance.now()));
      else void Promise.all(pending).then(() => resolve());
    };
    tick();
  });
}

// Warm the connections (and the server's JIT) with requests outside the plan's ids.
await Promise.all(
  Array.from({ length: Math.min(64, plan.concurrency ?? 16) }, async (_, i) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ event: 'bench.warmup', event_ts: Date.now(), payload: { account_id: 'A', object: { id: `warm-${plan.run}-${i}` } } });
    await new Promise<void>((resolve) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': zoomSignature(BENCH_SECRET, ts, body) } },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', () => resolve());
      req.end(body);
    });
  }),
);

// The parent marks the servers' CPU and event-loop counters now.
process.send?.('started');
const started = performance.now();
if (plan.mode === 'flood') await flood(plan.concurrency ?? 64);
else await atRate(plan.rate!, started);
const elapsed = (performance.now() - started) / 1000;
const outcome: Outcome = { perSecond: latencies.length / elapsed, latencies, service, errors, sentAt };
process.stdout.write(`${JSON.stringify(outcome)}\n`);
agent.destroy();
