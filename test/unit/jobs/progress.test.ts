// A job's progress message is updated at most every 2 s (README, "Jobs"); the final summary always goes out.
import type { WebClient } from '@slack/web-api';
import { expect, it } from 'vitest';
import { ProgressMessage } from '../../../src/jobs/progress.js';
import type { Config } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import type { RedisClient } from '../../../src/redis.js';
import type { SlackPacing } from '../../../src/slack/pacing.js';

it('drops an update within 2 s of the last one, sends the next after that, and always sends the final one', async () => {
  const updates: string[] = [];
  const slack = { chat: { update: async ({ text }: { text: string }) => void updates.push(text) } } as unknown as WebClient;
  // The workspace's chat.update budget always has room here: only the 2 s interval decides.
  const pacing = { updates: { tryTake: async () => 0, take: async () => undefined } } as unknown as SlackPacing;
  let now = 10_000;
  // No summary was ever posted anew in place of this message (that needs Slack to refuse the update).
  const redis = { hget: async () => null } as unknown as RedisClient;
  const services = { slack, pacing, log: silentLogger, redis, keyPrefix: 'zoomops', config: {} as Config };
  const progress = new ProgressMessage(services, { channel: 'D1', ts: '1.000001' }, undefined, () => now);

  await progress.update({ text: '10 %' });
  now += 1_999;
  await progress.update({ text: '20 %' });
  now += 1;
  await progress.update({ text: '30 %' });
  now += 10;
  await progress.update({ text: 'done' }, { final: true });

  expect(updates).toEqual(['10 %', '30 %', 'done']);
});
