// What a person can do in the console page, turned into what Slack would do: typing in the composer (a message,
// or a slash command sent to the bot), clicking or choosing in a message, and submitting or closing a modal.
// Failures the person would see in Slack ("failed with the error …") are posted as ephemeral Slackbot notices.
import type { Logger } from '../../log.js';
import {
  messageActionPayload,
  sendSigned,
  slashCommandForm,
  viewActionPayload,
  viewClosedPayload,
  viewSubmissionPayload,
  type BotAnswer,
  type BotEndpoint,
  type ElementState,
  type ResponseUrls,
} from './interactions.js';
import { jsonField } from './web-api.js';
import type { OpenView, Workspace } from './workspace.js';

export const SLACKBOT = 'USLACKBOT';

export type ViewValues = Record<string, Record<string, ElementState>>;

export class ConsoleError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class ConsoleActions {
  constructor(
    private readonly workspace: Workspace,
    private readonly responseUrls: ResponseUrls,
    private readonly opts: { command: string; bot: () => BotEndpoint | undefined; log: Logger },
  ) {}

  /** The composer: `/zoom …` goes to the bot as a slash command; anything else is an ordinary message. */
  async type(user: string, channel: string, rawText: string): Promise<void> {
    this.requireMember(user, channel);
    const text = rawText.trim();
    if (!text) return;
    const slash = /^(\/\S+)(?:\s+([\s\S]*))?$/.exec(text);
    if (!slash) {
      this.workspace.post({ channel, user, text });
      return;
    }
    const [, command, args = ''] = slash;
    // Slack shows a typed command only to the one who typed it; the console does the same, for context.
    this.workspace.post({ channel, user, text, visibleTo: user });
    if (command !== this.opts.command) {
      this.notice(user, channel, `\`${command}\` is not a valid command. In this sandbox the bot answers \`${this.opts.command}\`.`);
      return;
    }
    const responseUrl = this.responseUrls.issue({ user, channel });
    const triggerId = this.workspace.issueTrigger(user, channel);
    const form = slashCommandForm(this.workspace, { user, channel, command, text: args.trim(), responseUrl, triggerId });
    const answer = await this.deliver(user, channel, form, command);
    // An app may answer a command in its acknowledgement itself, as text or JSON.
    if (answer?.status === 200 && answer.body.trim()) {
      const body = jsonField<Record<string, any>>(answer.body) ?? { text: answer.body };
      const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
      this.responseUrls.answer(id, body);
    }
  }

  /** A button click, menu choice or date pick in a message. */
  async act(user: string, input: { channel: string; ts: string; blockId: string; action: ElementState }): Promise<void> {
    const message = this.workspace.find(input.channel, input.ts);
    if (!message || (message.visibleTo && message.visibleTo !== user)) throw new ConsoleError('That message is gone.', 404);
    const responseUrl = this.responseUrls.issue({ user, channel: message.channel, messageTs: message.ts });
    const triggerId = this.workspace.issueTrigger(user, message.channel);
    const payload = messageActionPayload(this.workspace, { user, message, blockId: input.blockId, action: input.action, responseUrl, triggerId });
    await this.deliver(user, message.channel, { payload: JSON.stringify(payload) }, 'This action');
  }

  /** A button or menu inside a modal. */
  async actInView(user: string, input: { viewId: string; blockId: string; action: ElementState; values: ViewValues }): Promise<void> {
    const open = this.ownView(user, input.viewId);
    const triggerId = this.workspace.issueTrigger(user, open.origin.channel);
    const payload = viewActionPayload(this.workspace, { user, open, blockId: input.blockId, action: input.action, values: input.values, triggerId });
    await this.deliverToView(open, { payload: JSON.stringify(payload) });
  }

  /** The modal's submit button; answers the inline errors to show, if the app sent any. */
  async submitView(user: string, viewId: string, values: ViewValues): Promise<{ errors?: Record<string, string> }> {
    const open = this.ownView(user, viewId);
    const triggerId = this.workspace.issueTrigger(user, open.origin.channel);
    const payload = viewSubmissionPayload(this.workspace, { user, open, values, triggerId, responseUrls: [] });
    const answer = await this.deliverToView(open, { payload: JSON.stringify(payload) });
    if (!answer) return {};
    const body = answer.body.trim() ? jsonField<Record<string, any>>(answer.body) : undefined;
    switch (body?.response_action) {
      case 'errors':
        open.errors = (body.errors ?? {}) as Record<string, string>;
        this.workspace.changed({ user });
        return { errors: open.errors };
      case 'update':
        this.workspace.updateView(open, body.view);
        return {};
      case 'push':
        this.workspace.pushView(user, body.view, open.origin);
        return {};
      case 'clear':
        this.workspace.closeView(open, { all: true });
        return {};
      default:
        // An empty acknowledgement closes the view that was submitted.
        this.workspace.closeView(open);
        return {};
    }
  }

  async closeView(user: string, viewId: string): Promise<void> {
    const open = this.ownView(user, viewId);
    this.workspace.closeView(open);
    const bot = this.opts.bot();
    if (open.view.notify_on_close && bot) {
      await sendSigned(bot, { payload: JSON.stringify(viewClosedPayload(this.workspace, { user, open })) }).catch((error: unknown) =>
        this.opts.log.warn({ err: error }, 'the bot did not take view_closed'),
      );
    }
  }

  /** A Slackbot line only this person sees, as Slack shows its own errors. */
  notice(user: string, channel: string, text: string): void {
    this.workspace.post({ channel, user: SLACKBOT, text, visibleTo: user });
  }

  private ownView(user: string, viewId: string): OpenView {
    const open = this.workspace.findView(viewId);
    if (!open || open.user !== user) throw new ConsoleError('That dialog is no longer open.', 404);
    return open;
  }

  private requireMember(user: string, channel: string): void {
    const found = this.workspace.channels.get(channel);
    if (!this.workspace.users.has(user)) throw new ConsoleError(`No user ${user} in the sandbox.`, 404);
    if (!found || (found.kind === 'im' ? found.user !== user : !found.members.has(user))) {
      throw new ConsoleError('You are not in that channel.', 403);
    }
  }

  /** Sends to the bot; what goes wrong is told the way Slack tells it, and the answer is returned when it came. */
  private async deliver(user: string, channel: string, form: Record<string, string>, what: string): Promise<BotAnswer | undefined> {
    const problem = (error: string) => this.notice(user, channel, `${what} failed with the error "${error}".`);
    const bot = this.opts.bot();
    if (!bot) {
      problem('dispatch_failed');
      return undefined;
    }
    try {
      const answer = await sendSigned(bot, form);
      if (answer.status !== 200) {
        this.opts.log.warn({ status: answer.status }, 'the bot refused a request from the console');
        problem(answer.status === 401 ? 'dispatch_failed' : `http_error (${answer.status})`);
        return undefined;
      }
      return answer;
    } catch (error) {
      problem(error instanceof Error && error.name === 'TimeoutError' ? 'operation_timeout' : 'dispatch_failed');
      return undefined;
    }
  }

  private async deliverToView(open: OpenView, form: Record<string, string>): Promise<BotAnswer | undefined> {
    const bot = this.opts.bot();
    const trouble = () => {
      open.problem = 'We had some trouble connecting. Try again?';
      this.workspace.changed({ user: open.user });
    };
    if (!bot) {
      trouble();
      return undefined;
    }
    try {
      const answer = await sendSigned(bot, form);
      if (answer.status !== 200) {
        trouble();
        return undefined;
      }
      if (open.problem) {
        delete open.problem;
        this.workspace.changed({ user: open.user });
      }
      return answer;
    } catch {
      trouble();
      return undefined;
    }
  }
}
