// The audit line as Slack shows it: text escaped (a topic cannot ping anyone), channels and people as real links.
import { describe, expect, it } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { AuditLog } from '../../../src/slack/audit.js';

function auditTo(channel = 'CAUDIT') {
  const posted: Array<{ channel: string; text: string }> = [];
  const client = { chat: { postMessage: async (m: { channel: string; text: string }) => (posted.push(m), { ok: true }) } } as unknown as WebClient;
  return { posted, audit: new AuditLog(client, channel, pino({ level: 'silent' })) };
}

describe('AuditLog', () => {
  it('escapes the words and links the channels and people among them', async () => {
    const { posted, audit } = auditTo();
    await audit.record({
      userId: 'UADMIN',
      action: ['Approve all of "<!channel> party" (job reg-1): 3 changed', ', cancelled by ', { user: 'UOTHER' }, ' in ', { channel: 'C1' }],
      outcome: 'ok',
    });
    expect(posted).toEqual([
      { channel: 'CAUDIT', text: ':white_check_mark: <@UADMIN> Approve all of "&lt;!channel&gt; party" (job reg-1): 3 changed, cancelled by <@UOTHER> in <#C1>', unfurl_links: false, unfurl_media: false },
    ]);
  });

  it('names ZoomOps itself for a change nobody asked for', async () => {
    const { posted, audit } = auditTo();
    await audit.record({ userId: null, action: 'removed a watch', outcome: 'failed', detail: 'Redis <down>' });
    expect(posted[0]!.text).toBe(':x: ZoomOps removed a watch — Redis &lt;down&gt;');
  });
});
