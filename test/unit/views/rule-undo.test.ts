// The decision message after an Undo: only the undone line changes, whichever way the line carries its button.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { applyPreviewText, markUndone, undoneNotice } from '../../../src/views/rule-undo.js';

const ref = (r: string, at = 1) => JSON.stringify({ k: 'webinar', s: '81234567890', r, e: `${r}@acme.com`, d: 'approve', at });
const undo = (r: string, at = 1) => ({ type: 'button', text: { type: 'plain_text', text: 'Undo' }, action_id: 'rules.undo', value: ref(r, at) }) as const;
const other = { type: 'button', text: { type: 'plain_text', text: 'Card' }, action_id: 'registrant.card', value: 'x' } as const;
const notice = undoneNotice('UADMIN', 'approve');

describe('markUndone', () => {
  it('drops the button of an actions-block line and puts the notice in its place, keeping other buttons', () => {
    const blocks: KnownBlock[] = [
      { type: 'section', text: { type: 'mrkdwn', text: 'Approved jane@acme.com' } },
      { type: 'actions', elements: [undo('jane')] },
      { type: 'section', text: { type: 'mrkdwn', text: 'Approved omar@acme.com' } },
      { type: 'actions', elements: [undo('omar'), other] },
    ];

    const out = markUndone(blocks, [{ line: { r: 'jane', at: 1 }, notice }, { line: { r: 'omar', at: 1 }, notice }]);

    expect(out[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: ':leftwards_arrow_with_hook: Undone by <@UADMIN> — now denied' }] });
    expect(out[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `Approved omar@acme.com\n${notice}` } });
    expect(out[3]).toEqual({ type: 'actions', elements: [other] });
    expect(out).toHaveLength(4);
  });

  it('leaves a line of the same registrant decided at another time as it is', () => {
    const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved jane@acme.com' }, accessory: undo('jane', 2) }];
    expect(markUndone(blocks, [{ line: { r: 'jane', at: 1 }, notice }])).toEqual(blocks);
  });

  it('keeps a full message at 50 blocks: the notice goes into the line above the kept buttons', () => {
    const blocks: KnownBlock[] = Array.from({ length: 25 }, (_, i): KnownBlock[] => [
      { type: 'section', text: { type: 'mrkdwn', text: `line ${i}` } },
      { type: 'actions', elements: [undo(`r${i}`), other] },
    ]).flat();
    const out = markUndone(blocks, [{ line: { r: 'r3', at: 1 }, notice }]);
    expect(out).toHaveLength(50);
    expect(JSON.stringify(out)).not.toContain(JSON.stringify(ref('r3')));
    expect(out[6]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `line 3\n${notice}` } });
  });
});

describe('applyPreviewText', () => {
  it('reads as the admin expects: counts, the approving domains, the cap', () => {
    expect(
      applyPreviewText({ kind: 'webinar', sessionId: '81234567890', pending: 350, approve: 300, approveDomains: ['acme.com', 'b.com', 'c.com', 'd.com', 'e.com', 'f.com'], deny: 40, leave: 10, pastCap: 0, capLeft: 0 }),
    ).toBe('350 pending for webinar 812 3456 7890: approve 300 (acme.com, b.com, c.com, d.com, e.com, …), deny 40, leave 10; cap leaves 0 places');
  });
});
