// Rule sets in Redis: one hash of every set (field = target, value = the set as JSON) and, per set, a hash of its
// shadow tally (what the rules would have done since its mode began). All keys sit in the `rules` group, one
// Redis Cluster slot, so a set and its tally change together in one script or transaction.
import { redisKey } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import { RedisScript } from '../redis-script.js';
import { RULE_ACTIONS, RuleSet, targetKey, type RuleAction, type RuleTarget } from './model.js';

export class RuleStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async get(target: RuleTarget): Promise<RuleSet | undefined> {
    return parseRuleSet(await this.redis.hget(this.setsKey(), targetKey(target)));
  }

  /** The set that decides this meeting's or webinar's registrations: its own, else the account-wide one. One read. */
  async governing(kind: 'meeting' | 'webinar', id: string): Promise<RuleSet | undefined> {
    const [own, account] = await this.redis.hmget(this.setsKey(), targetKey({ kind, id }), targetKey({ kind: 'account' }));
    return parseRuleSet(own) ?? parseRuleSet(account);
  }

  /** Every set: the account-wide one first, then meetings and webinars by ID. */
  async list(): Promise<RuleSet[]> {
    const sets = Object.values(await this.redis.hgetall(this.setsKey())).flatMap((text) => parseRuleSet(text) ?? []);
    return sets.sort((a, b) => order(a) - order(b) || targetKey(a.target).localeCompare(targetKey(b.target)));
  }

  /** Stores the set; when its mode differs from the stored one (or it is new) its shadow tally starts again. */
  async save(rules: RuleSet): Promise<void> {
    await this.write(rules, undefined);
  }

  /**
   * Stores `next` only if the stored set is still `previous` (undefined: still none), as `save` does; false when
   * someone changed it in between. A command reads, changes and writes back: two admins changing one set at once
   * must not drop each other's change.
   */
  async replace(previous: RuleSet | undefined, next: RuleSet): Promise<boolean> {
    return this.write(next, previous === undefined ? '' : JSON.stringify(RuleSet.parse(previous)));
  }

  private async write(rules: RuleSet, expected: string | undefined): Promise<boolean> {
    const parsed = RuleSet.parse(rules);
    const args = [targetKey(parsed.target), JSON.stringify(parsed), parsed.mode, expected === undefined ? 'any' : 'expect', expected ?? ''];
    return (await saveRuleSet.run(this.redis, [this.setsKey(), this.tallyKey(parsed.target)], args)) === 1;
  }

  /** Removes the set and its tally; false when there was none. */
  async delete(target: RuleTarget): Promise<boolean> {
    const result = await this.redis.multi().hdel(this.setsKey(), targetKey(target)).del(this.tallyKey(target)).exec();
    const [error, removed] = result?.[0] ?? [new Error('rules delete: transaction discarded'), 0];
    if (error) throw error;
    return Number(removed) > 0;
  }

  /** Counts one thing the rules would have done in shadow mode. */
  async recordShadow(target: RuleTarget, action: RuleAction): Promise<void> {
    await this.redis.hincrby(this.tallyKey(target), action, 1);
  }

  /** What the rules would have done since the current mode began. */
  async shadowTally(target: RuleTarget): Promise<Record<RuleAction, number>> {
    const counts = await this.redis.hmget(this.tallyKey(target), ...RULE_ACTIONS);
    return Object.fromEntries(RULE_ACTIONS.map((action, i) => [action, Number(counts[i] ?? 0)])) as Record<RuleAction, number>;
  }

  private setsKey(): string {
    return redisKey(this.keyPrefix, 'rules', 'sets');
  }
  private tallyKey(target: RuleTarget): string {
    return redisKey(this.keyPrefix, 'rules', 'shadow', targetKey(target));
  }
}

function order(rules: RuleSet): number {
  return rules.target.kind === 'account' ? 0 : 1;
}

function parseRuleSet(text: string | null | undefined): RuleSet | undefined {
  if (!text) return undefined;
  try {
    const parsed = RuleSet.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// Read the stored set and write the new one in one step, so a tally is never reset by a save that did not change
// the mode nor kept across one that did, and a replace never overwrites a set it did not read.
const saveRuleSet = new RedisScript(`
local sets_key, tally_key = KEYS[1], KEYS[2]
local field, json, mode, check, expected = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local before = redis.call('HGET', sets_key, field)
if check == 'expect' and (before or '') ~= expected then return 0 end
local same = false
if before then
  local ok, set = pcall(cjson.decode, before)
  same = ok and type(set) == 'table' and set.mode == mode
end
if not same then redis.call('DEL', tally_key) end
redis.call('HSET', sets_key, field, json)
return 1
`);
