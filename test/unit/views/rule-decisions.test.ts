// The rules' messages as a channel reads them: a batch with one Undo button per registrant (its value the UndoRef the
// Undo handler reads), Zoom's refusals named, and shadow reports of 100 registrations — all within what Slack accepts.
import { describe, expect, it } from 'vitest';
import { UndoRef } from '../../../src/rules/model.js';
import { slackRefusal } from '../../../src/sandbox/slack/block-kit-limits.js';
import { decisionBatchMessage, shadowReportMessage } from '../../../src/views/rule-decisions.js';

// Zoom allows 128 characters in an email: the longest an Undo value gets.
const longEmail = (i: number) => `${'x'.repeat(110)}${i}@mailinator.com`.slice(-128);

describe('a batch of decisions', () => {
  const decided = Array.from({ length: 28 }, (_, i) => ({
    email: longEmail(i),
    name: `Guest ${i}`,
    reason: 'mailinator.com is on the deny list',
    undo: { k: 'webinar', s: '81234567890', r: `reg-${i}`, e: longEmail(i), d: 'deny', at: 1_796_000_000_000, o: '1765382400000' } as UndoRef,
  }));
  const message = decisionBatchMessage({
    kind: 'webinar',
    sessionId: '81234567890',
    topic: 'Launch',
    occurrence: '1765382400000',
    action: 'deny',
    decided,
    failed: [{ email: 'a@mailinator.com', reason: 'mailinator.com is on the deny list', refusal: 'Registrant not found (Zoom code 3000)' }, { email: 'b@mailinator.com', reason: 'x', refusal: 'y' }],
    command: '/zoom',
  });

  it('says what was done, one line per registrant with an Undo button that carries what the Undo handler reads', () => {
    expect(message.text).toBe('The rules denied 28 registrations for webinar Launch (812 3456 7890), occurrence 1765382400000; Zoom refused 2');
    const buttons = (message.blocks ?? []).flatMap((b) => ('accessory' in b && b.accessory?.type === 'button' ? [b.accessory] : []));
    expect(buttons).toHaveLength(28);
    expect(buttons.every((b) => b.action_id === 'rules.undo' && b.text.text === 'Undo')).toBe(true);
    expect(UndoRef.parse(JSON.parse(buttons[3]!.value!))).toEqual(decided[3]!.undo);
    expect(JSON.stringify(message.blocks)).toContain('Zoom refused 2 registrations; they are still pending');
    expect(JSON.stringify(message.blocks)).toContain('Registrant not found (Zoom code 3000)');
  });

  it('stays within Slack’s limits with 30 registrants of the longest emails', () => {
    expect(message.blocks!.length).toBeLessThanOrEqual(50);
    expect(slackRefusal('chat.postMessage', { channel: 'C1', text: message.text, blocks: message.blocks } as never)).toBeUndefined();
  });
});

describe('a shadow report', () => {
  it('gives each of 100 registrations its line, within Slack’s limits', () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({
      kind: 'meeting' as const,
      sessionId: '81234567890',
      topic: 'Weekly sync with a rather long topic name',
      email: longEmail(i),
      name: `Guest number ${i}`,
      action: (['approve', 'deny', 'leave'] as const)[i % 3]!,
      reason: 'gmail.com is on neither list',
      capped: 50,
    }));
    const message = shadowReportMessage({ lines, command: '/zoom' });
    const text = JSON.stringify(message.blocks);
    expect(lines.every((l) => text.includes(`|${l.email}>`))).toBe(true);
    expect(message.text).toBe('Shadow mode: the rules would have decided 100 registrations (34 approve, 33 deny, 33 leave)');
    expect(slackRefusal('chat.postMessage', { channel: 'C1', text: message.text, blocks: message.blocks } as never)).toBeUndefined();
  });
});
