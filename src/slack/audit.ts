// One line per write action in ZOOMOPS_AUDIT_CHANNEL: who did what, and how it ended.
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import { escapeMrkdwn } from '../views/format.js';

/**
 * A piece of an action's words: text, escaped (it may hold a topic, someone else's text), or a channel or a person,
 * shown as Slack's link or mention (escaping would show `<#C…>` or `<@U…>` as typed).
 */
export type AuditPart = string | { channel: string } | { user: string };
export type AuditAction = string | readonly AuditPart[];

export interface AuditEntry {
  /** Who did it; null for ZoomOps itself, a change nobody asked for (the watches of a channel that is gone). */
  userId: string | null;
  /** What was done, in words: `deleted meeting 812 3456 7890 "Weekly sync"`. */
  action: AuditAction;
  outcome: 'ok' | 'failed';
  detail?: string;
}

export class AuditLog {
  constructor(
    private readonly client: WebClient,
    private readonly channel: string | undefined,
    private readonly log: Logger,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    this.log.info({ audit: entry }, 'audit');
    if (!this.channel) return;
    const mark = entry.outcome === 'ok' ? ':white_check_mark:' : ':x:';
    // Topics and Zoom's messages are other people's text: escaped, so a topic cannot ping a channel.
    const detail = entry.detail ? ` — ${escapeMrkdwn(entry.detail)}` : '';
    const who = entry.userId === null ? 'ZoomOps' : `<@${entry.userId}>`;
    const text = `${mark} ${who} ${auditText(entry.action)}${detail}`;
    try {
      await this.client.chat.postMessage({ channel: this.channel, text, unfurl_links: false, unfurl_media: false });
    } catch (error) {
      // The action itself already happened; a lost audit line must not turn it into a failure for the admin.
      this.log.error({ err: error, audit: entry }, 'could not post the audit line');
    }
  }
}

function auditText(action: AuditAction): string {
  const parts = typeof action === 'string' ? [action] : action;
  return parts.map((p) => (typeof p === 'string' ? escapeMrkdwn(p) : 'channel' in p ? `<#${escapeMrkdwn(p.channel)}>` : `<@${escapeMrkdwn(p.user)}>`)).join('');
}
