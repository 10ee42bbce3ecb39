// End to end: who may read the operator endpoints. /metrics with ZOOMOPS_METRICS_TOKEN wants that bearer token, also on
// a worker-role process (which serves /healthz and /metrics only); the Bull Board exists only with ZOOMOPS_BOARD_TOKEN,
// only for that token, and no write action of the board can be reached.
import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../helpers/bot.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { scrapeUntil, valueOf } from '../helpers/metrics.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const METRICS_TOKEN = 'metrics-token-for-tests';
const BOARD_TOKEN = 'board-token-for-tests';
const prefix = uniquePrefix('e2e-ops');
let redis: Redis;
let slack: FakeSlack;
const bots: TestBot[] = [];

async function bot(env: Record<string, string>): Promise<TestBot> {
  const started = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix: prefix, env });
  bots.push(started);
  return started;
}
const get = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  redis = testRedis();
  slack = new FakeSlack();
  await slack.start();
});
afterAll(async () => {
  for (const b of bots) await b.stop();
  await slack.stop();
  await clearPrefix(redis, `{${prefix}`);
  await clearPrefix(redis, prefix);
  redis.disconnect();
  nock.enableNetConnect();
});

describe('/metrics with ZOOMOPS_METRICS_TOKEN set', () => {
  let web: TestBot;
  let worker: TestBot;
  beforeAll(async () => {
    web = await bot({ ZOOMOPS_ROLE: 'web', ZOOMOPS_METRICS_TOKEN: METRICS_TOKEN });
    worker = await bot({ ZOOMOPS_ROLE: 'worker', ZOOMOPS_METRICS_TOKEN: METRICS_TOKEN });
  });

  it('refuses a caller without the token, or with another one, even from this machine', async () => {
    for (const { url } of [web, worker]) {
      const bare = await get(`${url}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer');
      expect(await bare.text()).not.toContain('zoomops_');
      expect((await get(`${url}/metrics`, 'guess')).status).toBe(401);
      expect((await get(`${url}/metrics`, `${METRICS_TOKEN}x`)).status).toBe(401);
    }
  });

  it('answers the token on the web role', async () => {
    const res = await get(`${web.url}/metrics`, METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('zoomops_queue_jobs{queue="events",state="waiting"}');
  });

  it('is served by a worker-role process, whose jobs it counts', async () => {
    const before = await scrapeWith(worker.url, 'the worker’s metrics', () => true);
    // Data no export processor accepts: the worker fails the job at once, for good.
    await worker.bot.services.jobs.queue('exports').add('broken export', { nonsense: true });
    const after = await scrapeWith(worker.url, 'the failed export', (s) => valueOf(s, 'zoomops_jobs_total', { queue: 'exports', result: 'failed' }) > valueOf(before, 'zoomops_jobs_total', { queue: 'exports', result: 'failed' }));
    expect(valueOf(after, 'zoomops_jobs_total', { queue: 'exports', result: 'failed' }) - valueOf(before, 'zoomops_jobs_total', { queue: 'exports', result: 'failed' })).toBe(1);
    // The worker serves /healthz and /metrics, nothing of the web role.
    expect((await get(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/zoom/webhooks`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  function scrapeWith(url: string, what: string, check: Parameters<typeof scrapeUntil>[2]) {
    return scrapeUntil(url, what, check, 8_000, METRICS_TOKEN);
  }
});

describe('/metrics without a token', () => {
  it('answers a caller on this machine', async () => {
    const { url } = await bot({ ZOOMOPS_ROLE: 'web' });
    expect((await get(`${url}/metrics`)).status).toBe(200);
  });
});

describe('Bull Board', () => {
  let plain: TestBot;
  let boarded: TestBot;
  beforeAll(async () => {
    plain = await bot({ ZOOMOPS_ROLE: 'web' });
    boarded = await bot({ ZOOMOPS_ROLE: 'web', ZOOMOPS_BOARD_TOKEN: BOARD_TOKEN });
  });

  it('is absent without ZOOMOPS_BOARD_TOKEN, whatever the caller sends', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      expect((await get(`${plain.url}${path}`, BOARD_TOKEN)).status).toBe(404);
    }
  });

  it('refuses a caller without the token, or with another one', async () => {
    for (const token of [undefined, 'guess', METRICS_TOKEN]) {
      const res = await get(`${boarded.url}/admin/queues/api/queues`, token);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('events');
    }
  });

  it('shows the queues to the token, read-only', async () => {
    const page = await get(`${boarded.url}/admin/queues`, BOARD_TOKEN);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const api = await get(`${boarded.url}/admin/queues/api/queues`, BOARD_TOKEN);
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string; readOnlyMode: boolean; allowRetries: boolean }> };
    expect(queues.map((q) => q.name).sort()).toEqual(['downloads', 'events', 'exports', 'registrants', 'rules', 'shares']);
    expect(queues.every((q) => q.readOnlyMode && !q.allowRetries)).toBe(true);
  });

  it('reaches no write action: retry, clean, promote, remove, add, pause and empty are refused and change nothing', async () => {
    const queue = boarded.bot.services.jobs.queue('registrants');
    const job = await queue.add('kept', { nonsense: true }, { delay: 3_600_000 });
    const writes: Array<[string, string]> = [
      ['PUT', '/api/queues/registrants/retry/failed'],
      ['PUT', '/api/queues/registrants/clean/delayed'],
      ['PUT', '/api/queues/registrants/promote'],
      ['PUT', `/api/queues/registrants/${job.id}/promote`],
      ['PUT', `/api/queues/registrants/${job.id}/clean`],
      ['PUT', '/api/queues/registrants/empty'],
      ['PUT', '/api/queues/registrants/obliterate'],
      ['PUT', '/api/queues/registrants/pause'],
      ['PUT', '/api/queues/pause'],
      ['POST', '/api/queues/registrants/add'],
      ['PATCH', `/api/queues/registrants/${job.id}/update-data`],
      ['DELETE', `/api/queues/registrants/${job.id}`],
    ];
    for (const [method, path] of writes) {
      const res = await fetch(`${boarded.url}/admin/queues${path}`, {
        method,
        headers: { authorization: `Bearer ${BOARD_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'added', data: {} }),
      });
      expect(res.status, `${method} ${path}`).toBe(405);
    }
    expect(await queue.getJobState(job.id!)).toBe('delayed');
    expect(await queue.getJobCounts('waiting', 'delayed', 'failed')).toEqual({ waiting: 0, delayed: 1, failed: 0 });
    expect(await queue.isPaused()).toBe(false);
    await queue.obliterate({ force: true });
  });
});
