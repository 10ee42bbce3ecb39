// What an operator graphs and alerts on: the process's Prometheus metrics (GET /metrics; the README's Operations
// section lists them).
// Other modules record through the one-line functions below and never touch prom-client themselves. Every label
// takes values from a short fixed list (never a meeting ID, an email or a channel), so the series stay few.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { WebClientEvent } from '@slack/web-api';
import type { Job } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QUEUE_NAMES, type JobQueues, type QueueName } from './jobs/queues.js';
import type { RateLabel } from './zoom/rate-limit.js';

const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const METRICS_CONTENT_TYPE = registry.contentType;

/** Why a Zoom webhook was refused; one value per answer of POST /zoom/webhooks other than 200. */
type WebhookRefusal = 'size' | 'not_configured' | 'signature' | 'stale' | 'json' | 'schema' | 'redis_down';

const webhooksAccepted = new Counter({
  name: 'zoomops_webhooks_accepted_total',
  help: 'Zoom webhook events answered 200 (stored, or recognised as a duplicate)',
  registers: [registry],
});
const webhooksRefused = new Counter({
  name: 'zoomops_webhooks_refused_total',
  help: 'Zoom webhook requests refused, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});
const zoomEvents = new Counter({
  name: 'zoomops_zoom_events_total',
  help: 'Zoom events that reached the events queue (queued) or were dropped as a duplicate, by source',
  labelNames: ['source', 'outcome'] as const,
  registers: [registry],
});

const queueJobs = new Gauge({
  name: 'zoomops_queue_jobs',
  help: 'Jobs per queue and state, read from Redis at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});
const jobResults = new Counter({
  name: 'zoomops_jobs_total',
  help: 'Job runs that ended, per queue: completed, failed and retried later (retrying), or failed for good (failed)',
  labelNames: ['queue', 'result'] as const,
  registers: [registry],
});
const jobDuration = new Histogram({
  name: 'zoomops_job_duration_seconds',
  help: 'Run time of one job attempt, per queue and result',
  labelNames: ['queue', 'result'] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
  registers: [registry],
});

const zoomRequests = new Counter({
  name: 'zoomops_zoom_requests_total',
  help: 'Zoom REST calls by rate label and HTTP status ("network" when no answer came)',
  labelNames: ['label', 'status'] as const,
  registers: [registry],
});
const zoomRateLimited = new Counter({
  name: 'zoomops_zoom_rate_limited_total',
  help: "Zoom 429 answers by rate label and kind: per_second (retried), daily (quota gone until reset), concurrency",
  labelNames: ['label', 'kind'] as const,
  registers: [registry],
});
const zoomTokenMints = new Counter({
  name: 'zoomops_zoom_token_mints_total',
  help: 'Zoom access tokens minted by this process (every process shares one token through Redis)',
  registers: [registry],
});
new Gauge({
  name: 'zoomops_zoom_websocket_connected',
  help: "1 while this process holds an open connection to Zoom's WebSocket event subscription",
  registers: [registry],
  collect() {
    this.set([...zoomSockets].some((s) => s.connected) ? 1 : 0);
  },
});

const slackCalls = new Counter({
  name: 'zoomops_slack_calls_total',
  help: 'Slack posts (chat.postMessage) and updates (chat.update) by result: ok, rate_limited, error',
  labelNames: ['method', 'result'] as const,
  registers: [registry],
});
const slackRateLimited = new Counter({
  name: 'zoomops_slack_rate_limited_total',
  help: 'Slack 429 answers by Web API method (the SDK may have retried them)',
  labelNames: ['method'] as const,
  registers: [registry],
});
const eventToSlack = new Histogram({
  name: 'zoomops_event_to_slack_seconds',
  help: 'From a Zoom event being accepted to its alert being in a Slack channel',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
  registers: [registry],
});

const downloadBytes = new Counter({
  name: 'zoomops_download_bytes_total',
  help: 'Recording bytes received from Zoom',
  registers: [registry],
});
const downloadThroughput = new Histogram({
  name: 'zoomops_download_throughput_bytes_per_second',
  help: 'Throughput of each recording file saved, from its first request to its rename into place',
  buckets: [64e3, 256e3, 1e6, 4e6, 16e6, 64e6, 256e6],
  registers: [registry],
});

// ---- recording (one call per site in the modules that observe it) ----

export function countWebhookAccepted(): void {
  webhooksAccepted.inc();
}

export function countWebhookRefused(reason: WebhookRefusal): void {
  webhooksRefused.inc({ reason });
}

export function countZoomEvent(source: 'webhook' | 'websocket', duplicate: boolean): void {
  zoomEvents.inc({ source, outcome: duplicate ? 'duplicate' : 'queued' });
}

/** One finished attempt of a job; `final` when a failure ends the job (no retry follows). */
export function countJobResult(queue: QueueName, job: Job | undefined, outcome: 'completed' | 'failed', final = true): void {
  const result = outcome === 'completed' ? 'completed' : final ? 'failed' : 'retrying';
  jobResults.inc({ queue, result });
  if (job?.processedOn) jobDuration.observe({ queue, result }, Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
}

export function countZoomRequest(label: RateLabel, status: number | 'network'): void {
  zoomRequests.inc({ label, status: typeof status === 'number' ? statusLabel(status) : status });
}

export function countZoomRateLimited(label: RateLabel, kind: 'per-second' | 'daily' | 'concurrency'): void {
  zoomRateLimited.inc({ label, kind: kind === 'per-second' ? 'per_second' : kind });
}

export function countZoomTokenMint(): void {
  zoomTokenMints.inc();
}

const zoomSockets = new Set<{ readonly connected: boolean }>();

/** Reports this socket's state at every scrape until `stop` is called. */
export function watchZoomSocket<S extends { readonly connected: boolean; stop(): Promise<void> }>(socket: S): S {
  zoomSockets.add(socket);
  const stop = socket.stop.bind(socket);
  socket.stop = async () => {
    zoomSockets.delete(socket);
    await stop();
  };
  return socket;
}

export function observeEventToSlack(receivedAt: number): void {
  eventToSlack.observe(Math.max(0, Date.now() - receivedAt) / 1000);
}

export function countDownloadBytes(bytes: number): void {
  if (bytes > 0) downloadBytes.inc(bytes);
}

export function observeDownloadedFile(bytes: number, startedAt: number): void {
  const seconds = (Date.now() - startedAt) / 1000;
  if (bytes > 0 && seconds > 0) downloadThroughput.observe(bytes / seconds);
}

const SLACK_METHODS = ['chat.postMessage', 'chat.update'] as const;

/**
 * Counts a Web API client's posts, updates and 429s. Its methods are bound at construction, so posts and updates
 * are wrapped on the instance; the SDK's own `rate_limited` event reports every 429 (also those it retries).
 */
export function instrumentSlack(client: WebClient): WebClient {
  client.on(WebClientEvent.RATE_LIMITED, (_retrySeconds: number, { url }: { url: string }) => {
    const method = url.split('/').pop() ?? '';
    slackRateLimited.inc({ method: (SLACK_METHODS as readonly string[]).includes(method) ? method : 'other' });
  });
  const count = <A, R>(method: (typeof SLACK_METHODS)[number], call: (args: A) => Promise<R>) =>
    async (args: A): Promise<R> => {
      try {
        const answer = await call(args);
        slackCalls.inc({ method, result: 'ok' });
        return answer;
      } catch (error) {
        const rateLimited = (error as { code?: unknown }).code === 'slack_webapi_rate_limited_error';
        slackCalls.inc({ method, result: rateLimited ? 'rate_limited' : 'error' });
        throw error;
      }
    };
  client.chat.postMessage = count('chat.postMessage', client.chat.postMessage);
  client.chat.update = count('chat.update', client.chat.update);
  return client;
}

// ---- exposition ----

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape must answer even while Redis does not; queue depth is then left out rather than stale. */
const QUEUE_COUNT_TIMEOUT_MS = 2_000;

/** The Prometheus text of this process, with the queues' depth read from Redis now. */
export async function metricsText(jobs: JobQueues): Promise<string> {
  queueJobs.reset();
  try {
    const [counts, lanes] = await Promise.race([
      Promise.all([
        // The events queue's shards count as one queue.
        Promise.all(QUEUE_NAMES.map((queue) => Promise.all(jobs.shardsOf(queue).map((shard) => shard.getJobCounts(...QUEUE_STATES))))),
        // Events in the express lanes (jobs/event-lane.ts) wait as much as jobs do.
        Promise.all(Array.from({ length: jobs.eventShards }, (_, shard) => jobs.laneBacklog(shard))),
      ]),
      sleep(QUEUE_COUNT_TIMEOUT_MS, undefined, { ref: false }).then(() => Promise.reject(new Error('Redis did not answer'))),
    ]);
    const inLanes = lanes.reduce((sum, lane) => sum + lane.count, 0);
    counts.forEach((shards, i) => {
      for (const state of QUEUE_STATES) {
        const lane = QUEUE_NAMES[i] === 'events' && state === 'waiting' ? inLanes : 0;
        queueJobs.set({ queue: QUEUE_NAMES[i]!, state }, lane + shards.reduce((sum, byState) => sum + (byState[state] ?? 0), 0));
      }
    });
  } catch {
    // Left out: an empty series says "unknown", a zero would say "idle".
  }
  return registry.metrics();
}

function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}
