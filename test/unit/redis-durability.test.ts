// The start-up warning when Redis could lose accepted work (README, "Redis"): a maxmemory-policy other than
// noeviction, or no AOF. Read from CONFIG GET on a stand-in, so the shared test Redis is never reconfigured.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import { checkDurability } from '../../src/redis.js';

function standIn(settings: Record<string, string> | 'refused') {
  return {
    config: async (_get: string, name: string) => {
      if (settings === 'refused') throw new Error("ERR unknown command 'CONFIG'");
      return [name, settings[name] ?? ''];
    },
  } as unknown as Redis;
}

function recordingLog() {
  const warnings: string[] = [];
  const log = { warn: (_obj: unknown, message: string) => void warnings.push(message) } as unknown as Logger;
  return { log, warnings };
}

describe('checkDurability', () => {
  it('says nothing for noeviction with AOF on', async () => {
    const { log, warnings } = recordingLog();
    expect(await checkDurability(standIn({ 'maxmemory-policy': 'noeviction', appendonly: 'yes' }), log)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('warns once, naming both problems, for an evicting Redis without AOF', async () => {
    const { log, warnings } = recordingLog();
    const problems = await checkDurability(standIn({ 'maxmemory-policy': 'allkeys-lru', appendonly: 'no' }), log);
    expect(problems).toEqual([
      'maxmemory-policy is "allkeys-lru" (use noeviction, or Redis may evict queued events and jobs)',
      'AOF persistence is off (appendonly no): a Redis restart loses accepted events and jobs',
    ]);
    expect(warnings).toEqual([`Redis could lose accepted work: ${problems.join('; ')}`]);
  });

  it('warns that it could not tell when CONFIG is refused (managed Redis)', async () => {
    const { log, warnings } = recordingLog();
    expect(await checkDurability(standIn('refused'), log)).toEqual([]);
    expect(warnings).toEqual(['Could not read Redis settings (CONFIG GET refused); make sure it uses noeviction and AOF']);
  });
});
