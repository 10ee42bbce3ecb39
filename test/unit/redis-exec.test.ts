// A write that fails inside a MULTI or pipeline is an error, not a success: ioredis resolves exec() regardless.
import { afterAll, describe, expect, it } from 'vitest';
import { RelayState } from '../../src/jobs/relay-state.js';
import { execChecked } from '../../src/redis.js';
import { redisKey } from '../../src/redis-keys.js';
import { clearPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('redis-exec');

afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

describe('execChecked', () => {
  it('returns the replies of a batch that succeeded', async () => {
    const key = redisKey(prefix, 'jobs', 'ok');
    expect(await execChecked(redis.multi().set(key, 'v').get(key))).toEqual(['OK', 'v']);
  });

  it('rejects with the error of a failed command inside a MULTI', async () => {
    const key = redisKey(prefix, 'jobs', 'a-string');
    await redis.set(key, 'not a hash');
    await expect(execChecked(redis.multi().hset(key, 'f', 'v').pexpire(key, 1000))).rejects.toThrow(/^WRONGTYPE/);
  });

  it('makes a relay record that Redis refused fail instead of passing for delivered', async () => {
    // The posted record's key holds the wrong type: the HSET inside its MULTI fails.
    await redis.set(redisKey(prefix, 'relay', 'posted', 'evt-1'), 'corrupt');
    await expect(new RelayState(redis, prefix).recordPost('evt-1', 'C1', '1700000000.000100')).rejects.toThrow(/^WRONGTYPE/);
  });
});
