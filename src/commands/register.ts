// Wires the command table, the buttons and the modals into Bolt: ack first, then authorize, then act;
// every failure becomes one ephemeral sentence (views/errors.ts) and the process keeps running.
import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { ActionDef, CommandDef } from './command.js';
import type { CommandInvocation, Invocation, Services } from './context.js';
import { parseArgs } from './grammar.js';
import { sessionActions, sessionCommands } from './meetings-webinars.js';
import { SESSION_KINDS, submitSessionForm } from './meeting-webinar-form.js';
import { panelistCommands } from './panelists.js';
import { registrantActions, registrantCommands } from './registrants.js';
import { digestActions } from './digest.js';
import { jobCommands } from './jobs.js';
import { apiActions, apiCommands } from './api.js';
import { chatActions, chatCommands } from './chat.js';
import { phoneActions, phoneCommands } from './phone.js';
import { recordingActions, recordingCommands } from './recordings.js';
import { userActions, userCommands } from './users.js';
import { watchCommands } from './watch.js';
import { doctorCommands } from './doctor.js';
import { ruleCommands } from './rules.js';
import { ruleUndoActions } from './rule-undo.js';
import { rulesApplyActions } from './rules-apply.js';
import { budgetedZoom } from './zoom-budget.js';
import { route } from './router.js';
import { NotAllowedError, mayDo, refused, roleOf } from '../slack/authorize.js';
import { directMessage, replyVia, type Reply } from '../slack/respond.js';
import { textMessage } from '../views/blocks.js';
import { CANCEL_CONFIRMATION } from '../views/confirm.js';
import { renderError } from '../views/errors.js';
import { helpMessage } from '../views/help.js';
import { LINK_ONLY_ACTIONS } from '../views/alerts.js';
import { SESSION_FORM_CALLBACK } from '../views/meetings-webinars.js';
import { CodedError } from '../errors.js';
import { SHARE_RECORDING_CALLBACK } from '../views/share-recording.js';
import { shareFormChoice, submitShareForm } from './share-recording.js';

export const COMMANDS: readonly CommandDef[] = [
  ...sessionCommands('meeting'),
  ...sessionCommands('webinar'),
  ...registrantCommands('meeting'),
  ...registrantCommands('webinar'),
  ...panelistCommands,
  ...jobCommands,
  ...phoneCommands,
  ...recordingCommands,
  ...chatCommands,
  ...userCommands,
  ...apiCommands,
  ...watchCommands,
  ...doctorCommands,
  ...ruleCommands,
];
export const ACTIONS: readonly ActionDef[] = [
  ...sessionActions('meeting'),
  ...sessionActions('webinar'),
  ...registrantActions,
  ...digestActions,
  ...phoneActions,
  ...recordingActions,
  ...chatActions,
  ...userActions,
  ...apiActions,
  ...ruleUndoActions,
  ...rulesApplyActions,
  { actionId: CANCEL_CONFIRMATION, access: 'read', run: (inv) => inv.reply(textMessage('Cancelled; nothing was changed.'), { replaceOriginal: true }) },
];

export function registerCommands(app: App, services: Services): void {
  const command = services.config.slack.command;

  app.command(command, async ({ ack, command: body }) => {
    await ack();
    const reply = replyVia(body.response_url);
    await guarded(services, body.user_id, reply, async (inv) => {
      const routed = route(body.text, COMMANDS, command);
      if (routed.kind === 'help') {
        await reply(helpMessage(command, helpGroups(routed.resource)));
        return;
      }
      const { def, argText } = routed;
      if (!mayDo(inv.role, def.access)) throw new NotAllowedError(`run \`${command} ${def.path.join(' ')}\``, refused(services, inv.role));
      const args = parseArgs(argText, def.args, { command, usage: `${command} ${def.usage}` });
      const commandInv: CommandInvocation = { ...inv, channelId: body.channel_id, triggerId: body.trigger_id, responseUrl: body.response_url };
      await def.run(commandInv, args);
    }, body.channel_id);
  });

  // A button keeps the action_id it was posted with, so a renamed one answers to its former IDs too.
  for (const action of ACTIONS) for (const actionId of [action.actionId, ...(action.formerActionIds ?? [])]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action: button }) => {
      await ack();
      const reply = replyVia(body.response_url);
      await guarded(services, body.user.id, reply, async (inv) => {
        if (!mayDo(inv.role, action.access)) throw new NotAllowedError('use this button', refused(services, inv.role));
        // Ephemeral answers come without `message`; only a channel message can be rewritten with chat.update.
        const message = body.message && body.channel ? { channel: body.channel.id, ts: body.message.ts, blocks: (body.message.blocks ?? []) as KnownBlock[] } : undefined;
        const form = body.trigger_id ? { triggerId: body.trigger_id, responseUrl: body.response_url } : {};
        await action.run({ ...inv, ...(message ? { message } : {}), ...form }, button.value ?? '');
      }, body.channel?.id ?? body.user.id);
    });
  }

  // Link buttons open their URL in the browser; Slack still sends the click, and an unanswered one shows an error.
  for (const actionId of LINK_ONLY_ACTIONS) app.action(actionId, async ({ ack }) => ack());

  for (const kind of SESSION_KINDS) {
    app.view<ViewSubmitAction>({ callback_id: SESSION_FORM_CALLBACK[kind], type: 'view_submission' }, (args) => submitSessionForm(kind, args, services));
  }

  // Share to Slack's "where" modal: a missing channel is shown under the field; otherwise it closes and the answer
  // comes in the DM (a modal has no response_url).
  app.view<ViewSubmitAction>({ callback_id: SHARE_RECORDING_CALLBACK, type: 'view_submission' }, async ({ ack, body, view }) => {
    const choice = shareFormChoice(view);
    if ('errors' in choice) {
      await ack({ response_action: 'errors', errors: choice.errors });
      return;
    }
    await ack();
    const dm = directMessage(services.slack, body.user.id);
    await guarded(services, body.user.id, dm, async (inv) => {
      if (!mayDo(inv.role, 'write')) throw new NotAllowedError('share recordings', refused(services, inv.role));
      await dm(textMessage(await submitShareForm(inv, choice)));
    }, choice.channel);
  });

}

/** The command table grouped by resource, for `help` (all of it) or `help <resource>`. */
export function helpGroups(resource?: string): Array<{ resource: string; entries: CommandDef[] }> {
  const resources = [...new Set(COMMANDS.map((d) => d.path[0]!))].filter((r) => !resource || r === resource);
  return resources.map((r) => ({ resource: r, entries: COMMANDS.filter((d) => d.path[0] === r) }));
}

/**
 * Who is asking and may they: the role is settled before anything else, and every error — usage, Zoom,
 * Redis — ends as one sentence to the user while the details go to the log.
 */
export function guarded(
  services: Services,
  userId: string,
  reply: Reply,
  work: (inv: Invocation) => Promise<void>,
  channelId: string,
): Promise<void> {
  return services.inflight.run(async () => {
    let zone = 'UTC';
    try {
      const person = await services.directory.person(userId);
      zone = person.tz;
      const role = await roleOf(userId, services.config.access, services.directory);
      if (role === 'none') throw new NotAllowedError('use ZoomOps', refused(services, role));
      // Each command or button counts its own Zoom calls (zoom-budget.ts).
      await work({ services: { ...services, zoom: budgetedZoom(services.zoom) }, person, role, channelId, reply });
    } catch (error) {
      const reference = randomUUID().slice(0, 8);
      services.log[isExpected(error) ? 'info' : 'error']({ err: error, reference, userId }, 'request failed');
      try {
        await reply(textMessage(renderError(error, { zone, reference, command: services.config.slack.command })));
      } catch (replyError) {
        services.log.error({ err: replyError, reference }, 'could not tell the user about the failure');
      }
    }
  });
}

/** Refusals the user caused or Zoom decided (the error says so: `expected`): worth a line in the log, not an alarm. */
function isExpected(error: unknown): boolean {
  return error instanceof CodedError && error.expected;
}
