// The shape of one `/zoom` command: the table of these drives routing, authorization and help alike.
import type { Access, ActionInvocation, CommandInvocation, ParsedCommand } from './context.js';
import type { ArgSpec } from './grammar.js';

export interface CommandDef {
  /** Words after the slash command that select it: `['meeting', 'list']`. */
  path: string[];
  /** Usage without the slash command: `meeting get <meetingId>`. */
  usage: string;
  summary: string;
  example?: string;
  access: Access;
  args: ArgSpec;
  run(inv: CommandInvocation, args: ParsedCommand): Promise<void>;
}

/** A button: found by its action_id, authorized like a command, given the button's value. */
export interface ActionDef {
  actionId: string;
  /** IDs the same button was posted with before; Slack keeps a posted button's action_id, so these still work. */
  formerActionIds?: readonly string[];
  access: Access;
  run(inv: ActionInvocation, value: string): Promise<void>;
}
