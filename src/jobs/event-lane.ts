// The events' express lane: ingest (ingress/accept.ts) appends each accepted Zoom event to its shard's Redis stream, and
// every worker process reads it here through one consumer group per shard, oldest first, and relays it at once. A
// plain event costs a few Redis commands end to end where a BullMQ job cost ~70 (taking it, locks, completing it, its
// events stream). Anything that is not done in one run leaves the lane for the shard's BullMQ queue, as a job whose ID
// is the event's (so a repeated hand-off is a no-op): an event that must come back later (pace saturated, a try still
// under way, a download to start), one that failed (retries with backoff, then the failed list kept a week for
// `/zoom jobs failed`), and one whose consumer died (reclaimed after CLAIM_MIN_IDLE_MS and handed over unrun, so a
// poison event gets the normal attempts instead of looping).
//
// Acks are batched (one XACK and one XDEL for up to ACK_BATCH entries); an ack lost in a crash makes the entry come
// back by the reclaim, and the relay's per-channel post records and post-once claims make the re-run post nothing twice.
// Order: entries are handed out oldest first to at most `concurrency` relays at once, as a BullMQ queue does.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import { RELAY_ATTEMPTS, RELAY_JOB_OPTIONS, type RelayJobData } from '../ingress/accept.js';
import { countJobResult } from '../metrics.js';
import { connectRedis, type RedisClient } from '../redis.js';
import { RedisScript } from '../redis-script.js';
import type { Services } from '../services.js';
import { eventQueueName } from './event-shards.js';
import { laneKey, laneRegistryKey } from './event-lane-keys.js';
import type { RelayOutcome } from './relay.js';

/** The relay as the lane runs it: its data schema and one run of an event, with no BullMQ job around it. */
export interface EventLaneRunner {
  data: z.ZodType<RelayJobData>;
  run(data: RelayJobData, services: Services): Promise<RelayOutcome>;
}

export interface RunningLanes {
  stop(): Promise<void>;
}

const GROUP = 'relay';
/** A blocked read costs one command per this long on an idle lane. */
const READ_BLOCK_MS = 5_000;
/** A blocked read with no answer this long after its block ended is given up. */
const READ_GRACE_MS = 5_000;
/** How long stop() waits for a read it cut off, or a reclaim under way, to end. */
const READ_CUT_OFF_MS = 1_000;
/** How often a process reclaims the entries of dead consumers and looks for lanes other processes registered. */
const CLAIM_EVERY_MS = 10_000;
/**
 * As long as a BullMQ job's lock (jobs/workers.ts). A run under way keeps its entries claimed three times in that
 * time, as BullMQ extends a running job's lock, so only a dead or cut-off consumer's entries get this idle: a run that
 * is only slow (Slack retries after 429s) is never run a second time beside itself.
 */
const CLAIM_MIN_IDLE_MS = 30_000;
const CLAIM_COUNT = 100;
/**
 * A consumer this long without a read, with nothing pending, is a process that stopped (a live one reads every
 * READ_BLOCK_MS): it is removed from the group, or every process start would leave one more there for good.
 */
const CONSUMER_GONE_MS = 10 * 60_000;
/** Acks wait this long for company; a batch this large goes at once. */
const ACK_WINDOW_MS = 50;
const ACK_BATCH = 64;
/** The first backoff of a relay job (RELAY_JOB_OPTIONS): a failed run in the lane waits as long before its retry. */
const FIRST_RETRY_MS = 2_000;

export interface LaneOptions {
  claimEveryMs?: number;
  claimMinIdleMs?: number;
  consumerGoneMs?: number;
}

/** Reads every lane of this deployment (the configured shards and any other registered) until stop(). */
export function startEventLanes(services: Services, runner: EventLaneRunner, concurrency: number, options: LaneOptions = {}): RunningLanes {
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const lanes = new Map<number, Lane>();
  const stopping = new AbortController();
  const claimMinIdleMs = options.claimMinIdleMs ?? CLAIM_MIN_IDLE_MS;
  const configured = Array.from({ length: services.config.eventShards }, (_, shard) => shard);

  const open = (shard: number) => {
    if (lanes.has(shard) || stopping.signal.aborted) return;
    const lane = new Lane(services, runner, shard, consumer, concurrency, claimMinIdleMs, options.consumerGoneMs ?? CONSUMER_GONE_MS);
    lanes.set(shard, lane);
    lane.start();
  };
  const openRegistered = async () => {
    const registry = laneRegistryKey(services.keyPrefix);
    await services.redis.sadd(registry, ...configured);
    for (const shard of await services.redis.smembers(registry)) if (/^\d+$/.test(shard)) open(Number(shard));
  };
  const tick = async () => {
    await openRegistered().catch((error: unknown) => services.redisErrors.error('event lanes', error, 'could not read which event lanes there are'));
    await Promise.all([...lanes.values()].map((lane) => lane.reclaim()));
  };
  // Configured lanes start now, whatever Redis says; registered others join at the first tick that reads them.
  configured.forEach(open);
  // Each tick on its own, never chained: a command that hangs in one (a cluster mid-failover) must not hold back the
  // reclaims after it.
  const ticks = new Set<Promise<void>>();
  const startTick = () => {
    const run = tick().finally(() => ticks.delete(run));
    ticks.add(run);
  };
  startTick();
  const timer = setInterval(startTick, options.claimEveryMs ?? CLAIM_EVERY_MS);
  const keepClaimed = setInterval(() => lanes.forEach((lane) => void lane.keepRunningClaimed()), claimMinIdleMs / 3);
  return {
    stop: async () => {
      stopping.abort();
      clearInterval(timer);
      clearInterval(keepClaimed);
      // A reclaim under way may finish its hand-offs first, within a bound: an entry it leaves stays pending.
      await Promise.race([Promise.all(ticks), delay(READ_CUT_OFF_MS)]);
      await Promise.all([...lanes.values()].map((lane) => lane.stop()));
    },
  };
}

/** One shard's stream as this process consumes it. */
class Lane {
  private readonly key: string;
  /** Blocking reads hold their connection; each lane has its own so one idle lane never delays another. */
  private reader: RedisClient;
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readLoop: Promise<void> = Promise.resolve();
  private groupReady = false;
  private slotFreed: (() => void) | undefined;
  private acks: string[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  private acking: Promise<void> = Promise.resolve();
  private consumersSweptAt = 0;

  constructor(
    private readonly services: Services,
    private readonly runner: EventLaneRunner,
    private readonly shard: number,
    private readonly consumer: string,
    private readonly concurrency: number,
    private readonly claimMinIdleMs: number,
    private readonly consumerGoneMs: number,
  ) {
    this.key = laneKey(services.keyPrefix, shard);
    this.reader = this.connect();
  }

  private connect(): RedisClient {
    const reader = connectRedis(this.services.config.redis, 'worker');
    reader.on('error', (error: unknown) => this.report(error, 'Redis connection of an event lane failed'));
    return reader;
  }

  start(): void {
    this.readLoop = this.read();
  }

  /** Stops reading, lets the relays under way finish and sends their acks; entries read but not done stay pending. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.slotFreed?.();
    // A blocked read is cut off: anything it was handing over stays pending and is reclaimed by another process. A read
    // the client keeps queued for a node that is gone (a cluster mid-failover) is not waited for: whatever it brings
    // after the stop is left pending too.
    this.reader.disconnect();
    await Promise.race([this.readLoop, delay(READ_CUT_OFF_MS)]);
    await Promise.allSettled(this.running.values());
    await this.flushAcks();

  }

  private async read(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        if (this.running.size >= this.concurrency) {
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
          continue;
        }
        // Through the fail-fast connection: the reader waits for a node without end, and outside readWithin's guard a
        // group created during a failover could hang this loop for good.
        await this.ensureGroup(this.services.redis);
        const reply = await this.readWithin(this.concurrency - this.running.size);
        failures = 0;
        if (this.stopping.signal.aborted) return;
        for (const [id, fields] of entriesOf(reply)) this.begin(id, fields);
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (error instanceof Error && error.message.startsWith('NOGROUP')) this.groupReady = false;
        this.report(error, 'could not read the events lane');
        // Never a spin: 0.5 s, doubling to 8 s while Redis keeps failing.
        await delay(Math.min(500 * 2 ** failures++, 8_000), undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * One blocked read, given up (and its connection replaced) when no answer comes well after its block ends: a read
   * sent to a master that was killed waits in that node's queue for it to come back, which a failed-over cluster never
   * does. Entries that read may have taken stay pending and are reclaimed.
   */
  private async readWithin(count: number): Promise<unknown> {
    const reader = this.reader;
    const read = reader.xreadgroup('GROUP', GROUP, this.consumer, 'COUNT', count, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.key, '>');
    // A read given up may still fail later, on the connection it was dropped with.
    read.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to a read of the events lane within ${(READ_BLOCK_MS + READ_GRACE_MS) / 1000} s`)), READ_BLOCK_MS + READ_GRACE_MS);
    });
    try {
      return await Promise.race([read, stalled]);
    } catch (error) {
      if (reader === this.reader && !this.stopping.signal.aborted && error instanceof Error && error.message.startsWith('no answer')) {
        this.reader = this.connect();
        reader.disconnect();
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private begin(id: string, fields: string[]): void {
    const run = this.relay(id, fields).finally(() => {
      this.running.delete(id);
      const freed = this.slotFreed;
      this.slotFreed = undefined;
      freed?.();
    });
    this.running.set(id, run);
  }

  /** One run of the event; anything but done leaves the lane for the shard's BullMQ queue. */
  private async relay(id: string, fields: string[]): Promise<void> {
    const { evt, data } = fieldsOf(fields);
    const parsed = this.runner.data.safeParse(data);
    if (!evt || !parsed.success) {
      // The BullMQ processor reads it with the same schema and puts it in the failed list, where an admin sees it.
      await this.handOff(id, evt ?? `evt-lane-${id}`, data, 0);
      return;
    }
    let outcome: RelayOutcome;
    try {
      outcome = await this.runner.run(parsed.data, this.services);
    } catch (error) {
      outcome = { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
    }
    if (outcome.kind === 'done') {
      countJobResult('events', undefined, 'completed');
      this.ack(id);
      return;
    }
    if (outcome.kind === 'failed') {
      countJobResult('events', undefined, 'failed', false);
      this.services.log.warn({ err: outcome.error, queue: 'events', jobId: evt }, 'event relay failed; it is retried as a job');
    }
    if (outcome.kind === 'later') await this.handOff(id, evt, parsed.data, outcome.inMs);
    // The lane's run was the first attempt: the job has the rest, so an event is tried RELAY_ATTEMPTS times in all.
    else await this.handOff(id, evt, parsed.data, FIRST_RETRY_MS, RELAY_ATTEMPTS - 1);
  }

  /**
   * The event becomes a job of the shard's BullMQ queue, then leaves the lane. The job's ID is the event's, so a second
   * hand-off (a reclaim after a lost ack) adds nothing. A hand-off that fails leaves the entry pending: reclaimed later.
   */
  private async handOff(id: string, evt: string, data: unknown, delayMs: number, attempts = RELAY_ATTEMPTS): Promise<void> {
    try {
      const type = (data as { event?: { event?: unknown } } | undefined)?.event?.event;
      // A lane past this process's shard count (the count was lowered) hands over to `events`, which every worker runs.
      const queue = eventQueueName(this.shard < this.services.config.eventShards ? this.shard : 0);
      await this.services.jobs.queue(queue).add(`Zoom event ${String(type ?? 'unreadable')}`, data, { ...RELAY_JOB_OPTIONS, attempts, jobId: evt, delay: delayMs });
      this.ack(id);
    } catch (error) {
      this.report(error, 'could not hand an event over to its queue; it is reclaimed later');
    }
  }

  /** Resets the idle time of the entries this process is relaying, so no other process reclaims a run that is only slow. */
  async keepRunningClaimed(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0 || this.stopping.signal.aborted) return;
    try {
      await this.services.redis.xclaim(this.key, GROUP, this.consumer, 0, ...ids, 'JUSTID');
    } catch (error) {
      this.report(error, 'could not keep the events under way claimed');
    }
  }

  /** Entries of consumers that died (or cut off at shutdown) go to the BullMQ queue unrun. */
  async reclaim(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      await this.ensureGroup(this.services.redis);
      let cursor = '0-0';
      do {
        const [next, entries] = (await this.services.redis.xautoclaim(this.key, GROUP, this.consumer, this.claimMinIdleMs, cursor, 'COUNT', CLAIM_COUNT)) as [string, Array<[string, string[] | null]>];
        cursor = next;
        for (const [id, fields] of entries) {
          // A run of this process that is slow (not dead) acks its own entry when it ends.
          if (!fields || this.running.has(id)) continue;
          const { evt, data } = fieldsOf(fields);
          await this.handOff(id, evt ?? `evt-lane-${id}`, data, 0);
        }
      } while (cursor !== '0-0' && !this.stopping.signal.aborted);
      await this.removeGoneConsumers();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOGROUP')) this.groupReady = false;
      this.report(error, 'could not reclaim the events lane entries of a stopped worker');
    }
  }

  /** Stopped processes' consumers with nothing pending leave the group (one that reads again is made anew by Redis). */
  private async removeGoneConsumers(): Promise<void> {
    // A tenth of the time a consumer must be gone: an idle lane's polling barely grows.
    if (Date.now() - this.consumersSweptAt < this.consumerGoneMs / 10) return;
    this.consumersSweptAt = Date.now();
    const consumers = (await this.services.redis.xinfo('CONSUMERS', this.key, GROUP)) as unknown[][];
    for (const fields of consumers) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
      const name = String(info.get('name'));
      if (name !== this.consumer && Number(info.get('pending')) === 0 && Number(info.get('idle')) > this.consumerGoneMs) {
        await REMOVE_IF_NOTHING_PENDING.run(this.services.redis, [this.key], [GROUP, name]);
      }
    }
  }

  private ack(id: string): void {
    this.acks.push(id);
    if (this.acks.length >= ACK_BATCH) void this.flushAcks();
    else this.ackTimer ??= setTimeout(() => void this.flushAcks(), ACK_WINDOW_MS);
  }

  /** One XACK and one XDEL for every entry done since the last flush; a lost batch only makes its entries come back. */
  private flushAcks(): Promise<void> {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const ids = this.acks;
    this.acks = [];
    if (ids.length === 0) return this.acking;
    this.acking = this.acking.then(async () => {
      try {
        const replies = await this.services.redis.pipeline().xack(this.key, GROUP, ...ids).xdel(this.key, ...ids).exec();
        const failed = replies?.find(([error]) => error)?.[0];
        if (failed) throw failed;
      } catch (error) {
        this.report(error, 'could not acknowledge relayed events; they are reclaimed and found already posted');
      }
    });
    return this.acking;
  }

  /** The group starts at the stream's beginning: entries appended before any worker ran are read too. */
  private async ensureGroup(redis: RedisClient): Promise<void> {
    if (this.groupReady) return;
    try {
      await redis.xgroup('CREATE', this.key, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    this.groupReady = true;
  }

  private report(error: unknown, message: string): void {
    this.services.redisErrors.error(`event lane ${this.shard}`, error, message);
  }
}

/**
 * KEYS: the lane. ARGV: the group, the consumer. Removing a consumer drops what it has pending, so the check and the
 * removal are one script: a process that read again just now keeps its entries.
 */
const REMOVE_IF_NOTHING_PENDING = new RedisScript(`
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) == 0 then
  return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
end
return -1
`);

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

function entriesOf(reply: unknown): Array<[string, string[]]> {
  return ((reply as StreamReply) ?? []).flatMap(([, entries]) => entries);
}

/** An entry's event ID and its stored event (undefined when it is not JSON: the relay's schema then refuses it). */
function fieldsOf(fields: string[]): { evt?: string; data: unknown } {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
  const raw = values.get('data');
  let data: unknown;
  try {
    data = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    data = { unreadable: raw };
  }
  return { evt: values.get('evt'), data };
}
