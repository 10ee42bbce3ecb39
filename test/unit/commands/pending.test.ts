// One-time pending actions: taken once, only by the asker; another admin's click leaves the asker's action intact.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPending, stashPending } from '../../../src/commands/pending.js';
import type { Invocation } from '../../../src/commands/context.js';
import { UsageError } from '../../../src/commands/errors.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const Payload = z.object({ what: z.string() });
let redis: Redis;
const prefix = uniquePrefix('pending');

/** Just what the pending store reads from an invocation: Redis, the key prefix and who is acting. */
function as(userId: string): Pick<Invocation, 'services' | 'person'> {
  return {
    services: { redis, keyPrefix: prefix },
    person: { id: userId, name: userId, tz: 'UTC', isWorkspaceAdmin: false },
  } as unknown as Pick<Invocation, 'services' | 'person'>;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => expect.fail('expected a refusal'), (e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

beforeAll(() => {
  redis = testRedis();
});

afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

describe('pending actions', () => {
  it("keep the payload under the asker's key with the TTL, and give it back once", async () => {
    const value = await stashPending(as('UASKER'), 'api-call', { what: 'PATCH /users/u1' }, 900);

    expect(value).toMatch(/^UASKER:[0-9a-f-]{36}$/);
    const key = `{${prefix}:pending}:api-call:UASKER:${value.slice('UASKER:'.length)}`;
    expect(await redis.ttl(key)).toBeGreaterThan(890);
    await expect(claimPending(as('UASKER'), 'api-call', value, Payload)).resolves.toEqual({ what: 'PATCH /users/u1' });
    expect(await refusal(claimPending(as('UASKER'), 'api-call', value, Payload))).toBe(
      'This confirmation was already used or has expired; nothing was done. Run the command again.',
    );
  });

  it("refuse another user's click without destroying the asker's action", async () => {
    const value = await stashPending(as('UASKER'), 'api-call', { what: 'DELETE /users/u2' }, 900);

    expect(await refusal(claimPending(as('UOTHER'), 'api-call', value, Payload))).toBe(
      'This confirmation belongs to <@UASKER>; nothing was done.',
    );
    // A forged value naming the clicker cannot reach the asker's key either.
    const forged = value.replace('UASKER', 'UOTHER');
    expect(await refusal(claimPending(as('UOTHER'), 'api-call', forged, Payload))).toContain('already used or has expired');
    await expect(claimPending(as('UASKER'), 'api-call', value, Payload)).resolves.toEqual({ what: 'DELETE /users/u2' });
  });

  it('are kept apart by kind', async () => {
    const value = await stashPending(as('UASKER'), 'chat-pick', { what: 'hello' }, 900);
    expect(await refusal(claimPending(as('UASKER'), 'api-call', value, Payload))).toContain('already used or has expired');
    await expect(claimPending(as('UASKER'), 'chat-pick', value, Payload)).resolves.toEqual({ what: 'hello' });
  });

  it('refuse a value that is not theirs, and a payload that no longer fits the schema', async () => {
    for (const made of ['', '{"what":"x"}', 'UASKER:not-a-uuid', 'uasker:0b0c3f8e-3f0e-4a8e-9f6e-2f1d6c8b9a7e', `UASKER:${'0'.repeat(36)}:x`]) {
      expect(await refusal(claimPending(as('UASKER'), 'api-call', made, Payload))).toBe('This button is out of date; run the command again.');
    }
    const value = await stashPending(as('UASKER'), 'api-call', { other: 1 }, 900);
    expect(await refusal(claimPending(as('UASKER'), 'api-call', value, Payload))).toBe('This button is out of date; run the command again.');
  });

  it('expire after their TTL', async () => {
    const value = await stashPending(as('UASKER'), 'api-call', { what: 'x' }, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await refusal(claimPending(as('UASKER'), 'api-call', value, Payload))).toContain('already used or has expired');
  });
});
