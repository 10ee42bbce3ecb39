// One line per write action in ZOOMOPS_AUDIT_CHANNEL: who did what, and how it ended.
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import { escapeMrkdwn } from '../views/format.js';

export interface AuditEntry {
  userId: string;
  /** What was done, in words: `deleted meeting 812 3456 7890 "Weekly sync"`. */
  action: string;
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
    const text = `${mark} <@${entry.userId}> ${escapeMrkdwn(entry.action)}${detail}`;
    try {
      await this.client.chat.postMessage({ channel: this.channel, text, unfurl_links: false, unfurl_media: false });
    } catch (error) {
      // The action itself already happened; a lost audit line must not turn it into a failure for the admin.
      this.log.error({ err: error, audit: entry }, 'could not post the audit line');
    }
  }
}
