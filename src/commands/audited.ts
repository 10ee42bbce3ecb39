// Every write an admin makes goes through here, so the audit channel hears of it whatever the outcome.
import type { Invocation } from './context.js';

/** Runs a write and records it in the audit channel, whatever the outcome. */
export async function audited<T>(inv: Invocation, action: string, write: () => Promise<T>): Promise<T> {
  try {
    const result = await write();
    await inv.services.audit.record({ userId: inv.person.id, action, outcome: 'ok' });
    return result;
  } catch (error) {
    await inv.services.audit.record({
      userId: inv.person.id,
      action,
      outcome: 'failed',
      detail: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
