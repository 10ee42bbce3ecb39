// STUB of R1's contract (RULES-CONTRACT.md), replaced by rules-core's file at the merge.
import type { RedisClient } from '../redis.js';
import { redisKey } from '../redis-keys.js';
import { RuleSet, type RuleAction, type RuleTarget } from './model.js';

const field = (t: RuleTarget) => (t.kind === 'account' ? 'account' : `${t.kind}:${t.id}`);

export class RuleStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async get(target: RuleTarget): Promise<RuleSet | undefined> {
    const raw = await this.redis.hget(redisKey(this.keyPrefix, 'rules', 'sets'), field(target));
    return raw ? RuleSet.parse(JSON.parse(raw)) : undefined;
  }

  async governing(kind: 'meeting' | 'webinar', id: string): Promise<RuleSet | undefined> {
    return (await this.get({ kind, id })) ?? (await this.get({ kind: 'account' }));
  }

  async list(): Promise<RuleSet[]> {
    return Object.values(await this.redis.hgetall(redisKey(this.keyPrefix, 'rules', 'sets'))).map((v) => RuleSet.parse(JSON.parse(v)));
  }

  async save(rules: RuleSet): Promise<void> {
    await this.redis.hset(redisKey(this.keyPrefix, 'rules', 'sets'), field(rules.target), JSON.stringify(rules));
  }

  async delete(target: RuleTarget): Promise<boolean> {
    return (await this.redis.hdel(redisKey(this.keyPrefix, 'rules', 'sets'), field(target))) > 0;
  }

  async recordShadow(target: RuleTarget, action: RuleAction): Promise<void> {
    await this.redis.hincrby(redisKey(this.keyPrefix, 'rules', 'shadow', field(target)), action, 1);
  }

  async shadowTally(target: RuleTarget): Promise<Record<RuleAction, number>> {
    const raw = await this.redis.hgetall(redisKey(this.keyPrefix, 'rules', 'shadow', field(target)));
    return { approve: Number(raw.approve ?? 0), deny: Number(raw.deny ?? 0), leave: Number(raw.leave ?? 0) };
  }
}
