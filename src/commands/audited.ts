// Every write an admin makes goes through here, so the audit channel hears of it whatever the outcome.
import type { Invocation } from './context.js';
import type { AuditAction } from '../slack/audit.js';
import { directMessage, tellAfterWrite } from '../slack/respond.js';
import { textMessage } from '../views/blocks.js';

/**
 * Runs a write and records it in the audit channel, whatever the outcome. `done`, when given, words the line of a
 * write that went through from what it returned (a watch it replaced, the one it removed); undefined when the write
 * found nothing to change, which is no write and gets no line.
 */
export async function audited<T>(inv: Invocation, action: AuditAction, write: () => Promise<T>, done?: (result: T) => AuditAction | undefined): Promise<T> {
  try {
    const result = await write();
    const said = done ? done(result) : action;
    if (said !== undefined) await inv.services.audit.record({ userId: inv.person.id, action: said, outcome: 'ok' });
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

/**
 * After a confirmed action: the prompt is replaced by what happened, and the admin keeps a copy in a DM.
 * The action already happened, so a failure to tell is logged, never reported as the action failing.
 */
export async function settle(inv: Invocation, result: string): Promise<void> {
  const message = textMessage(result);
  await tellAfterWrite(inv.services.log, message, [(m) => inv.reply(m, { replaceOriginal: true })]);
  await tellAfterWrite(inv.services.log, message, [directMessage(inv.services.slack, inv.person.id)]);
}
