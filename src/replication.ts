// "Nothing acknowledged is lost in a failover": Redis replicates asynchronously, so an event written to a master that
// dies a moment later may never reach the replica that takes over. Before the webhook is answered 200, WAIT for one
// replica to confirm the write (on by default whenever the master has replicas; ZOOMOPS_REDIS_WAIT=off turns it off).
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './redis.js';

// How often the number of replicas is read again: a replica added or lost changes whether to wait.
const REPLICAS_CHECK_MS = 30_000;

export class ReplicaWait {
  private replicasCheckedAt = -Infinity;
  private hasReplicas = false;
  private readonly slots = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Resolves once a replica holds everything this process wrote to the node of `key` (resolves at once when the
   * master has no replica). Rejects when none confirmed within the timeout: the caller answers 503 and Zoom retries
   * (a write that did land makes the retry a duplicate, dropped as such).
   */
  async confirm(key: string): Promise<void> {
    const node = await this.nodeOf(key);
    if (!(await this.replicasExist(node))) return;
    const acknowledged = Number(await node.wait(1, this.timeoutMs));
    if (acknowledged < 1) {
      this.replicasCheckedAt = -Infinity;
      throw new Error(`no Redis replica confirmed the write within ${this.timeoutMs} ms`);
    }
  }

  /** The connection that sent the write: WAIT counts that connection's writes only. */
  private async nodeOf(key: string): Promise<Redis> {
    const redis = this.redis;
    if (!isCluster(redis)) return redis;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = Number(await redis.cluster('KEYSLOT', key));
      this.slots.set(key, slot);
    }
    const master = redis.slots[slot]?.[0];
    const node = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === master);
    if (!node) throw new Error(`no Redis master is known for slot ${slot}`);
    return node;
  }

  private async replicasExist(node: Redis): Promise<boolean> {
    if (Date.now() - this.replicasCheckedAt < REPLICAS_CHECK_MS) return this.hasReplicas;
    const info = await node.info('replication');
    this.hasReplicas = Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0) > 0;
    this.replicasCheckedAt = Date.now();
    return this.hasReplicas;
  }
}
