// The install faults the console page can switch on, so each ✗ line of `/zoom doctor` can be clicked through in the
// sandbox. Each acts on the Zoom sandbox and on what the sandbox's bot keeps in Redis, as time would in a real install:
// - a missing scope: the token answer lists every sandbox scope but the withheld ones, and the bot's shared token is
//   dropped so the next use mints one that says so (a real app's token changes within the hour);
// - a silent webhook: Zoom delivers no event, and the bot's note of the last event is moved 8 days back, as if a week
//   of silence had passed; switching it off puts the note back unless a newer event replaced it.
import { Redis } from 'ioredis';
import { z } from 'zod';
import { lastEventKey, readLastEvent } from '../doctor/last-event.js';
import { tokenKeys } from '../zoom/token.js';
import { SANDBOX_SCOPES } from './zoom/auth.js';
import type { ZoomSandbox } from './zoom/index.js';

/** How far back a silent webhook moves the last event: past the doctor's 7 days. */
const SILENCE_DAYS = 8;

export const FaultChange = z.strictObject({
  withheldScopes: z
    .array(z.string())
    .max(SANDBOX_SCOPES.length)
    .refine((scopes) => scopes.every((s) => SANDBOX_SCOPES.includes(s)), { message: 'withheldScopes may only name scopes the sandbox grants (GET /console/faults lists them)' })
    .optional(),
  silentWebhook: z.boolean().optional(),
});
export type FaultChange = z.infer<typeof FaultChange>;

export interface FaultState {
  /** Every scope the sandbox's Zoom app can grant. */
  scopes: readonly string[];
  withheldScopes: string[];
  silentWebhook: boolean;
}

export interface SandboxFaults {
  state(): FaultState;
  apply(change: FaultChange): Promise<FaultState>;
  close(): void;
}

export function sandboxFaults(zoom: ZoomSandbox, redisUrl: string, keyPrefix: string): SandboxFaults {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  /** The note as it was before the silence, and as the silence left it. */
  let moved: { before: string; after: string } | undefined;
  const state = (): FaultState => ({ scopes: SANDBOX_SCOPES, withheldScopes: zoom.faults.withheldScopes, silentWebhook: zoom.faults.webhooksSilenced });

  async function silence(on: boolean): Promise<void> {
    if (on === zoom.faults.webhooksSilenced) return;
    zoom.faults.silenceWebhooks(on);
    const key = lastEventKey(keyPrefix);
    if (on) {
      const last = await readLastEvent(redis, keyPrefix);
      if (!last) return;
      const before = JSON.stringify(last);
      const after = JSON.stringify({ ...last, at: last.at - SILENCE_DAYS * 86_400_000 });
      await redis.set(key, after);
      moved = { before, after };
    } else if (moved) {
      if ((await redis.get(key)) === moved.after) await redis.set(key, moved.before);
      moved = undefined;
    }
  }

  return {
    state,
    async apply(change) {
      if (change.withheldScopes) {
        zoom.faults.withholdScopes(change.withheldScopes);
        const keys = tokenKeys(keyPrefix, zoom.accountId);
        await redis.del(keys.token, keys.scope);
      }
      if (change.silentWebhook !== undefined) await silence(change.silentWebhook);
      return state();
    },
    close: () => redis.disconnect(),
  };
}
