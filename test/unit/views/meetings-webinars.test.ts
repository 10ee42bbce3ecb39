// The meeting and webinar views: each kind's names, type labels and buttons, and the past marker.
import { describe, expect, it } from 'vitest';
import { upcomingFirst } from '../../../src/commands/meetings-webinars.js';
import { hasEnded, sessionListMessage } from '../../../src/views/meeting-webinar-list.js';
import { sessionCard, type Session } from '../../../src/views/meetings-webinars.js';

const NOW = '2026-11-29T10:00:00Z';
const at = (id: string, start_time?: string, duration = 60): Session =>
  ({ id, topic: `T${id}`, type: 5, ...(start_time ? { start_time } : {}), duration }) as Session;

describe('sessionCard', () => {
  it('names a webinar and its type by Zoom’s webinar numbers', () => {
    const card = JSON.stringify(sessionCard('webinar', { ...at('91234567890', '2026-12-03T16:00:00Z'), type: 9, timezone: 'Asia/Tokyo' }, 'UTC').blocks);
    expect(card).toContain('*Webinar ID*\\n912 3456 7890');
    expect(card).toContain('*Type*\\nRecurring');
    expect(card).toContain("*Webinar's time zone*\\nAsia/Tokyo");
  });

  it('takes a webinar without a type for Zoom’s default, a plain webinar', () => {
    const { type: _, ...untyped } = at('91234567890');
    expect(JSON.stringify(sessionCard('webinar', untyped as Session, 'UTC').blocks)).toContain('*Type*\\nWebinar');
  });
});

describe('sessionListMessage', () => {
  it('gives a webinar list webinar buttons, a note, and past marks only when asked', () => {
    const message = sessionListMessage('webinar', {
      sessions: [at('91234567001', '2026-11-20T10:00:00Z'), at('91234567002', '2026-12-20T10:00:00Z')],
      userLabel: 'ada@example.com',
      type: 'scheduled',
      zone: 'UTC',
      next: { userId: 'u1', userLabel: 'ada@example.com', type: 'scheduled', token: 't2' },
      note: 'What this shows.',
      now: NOW,
    });
    const ids = JSON.stringify(message.blocks).match(/"action_id":"[^"]+"/g);
    expect(ids).toEqual(['"action_id":"webinar.details"', '"action_id":"webinar.details"', '"action_id":"webinar.list.next"']);
    expect(JSON.stringify(message.blocks)).toContain('What this shows.');
    expect(JSON.stringify(message.blocks)).toContain('ID 912 3456 7001 · past');
    expect(JSON.stringify(message.blocks)).not.toContain('ID 912 3456 7002 · past');
  });
});

describe('hasEnded and upcomingFirst', () => {
  it('counts a session running now as not ended', () => {
    expect(hasEnded(at('1', '2026-11-29T09:30:00Z', 60), NOW)).toBe(false);
    expect(hasEnded(at('1', '2026-11-29T08:30:00Z', 60), NOW)).toBe(true);
    expect(hasEnded(at('1'), NOW)).toBe(false);
  });

  it('orders upcoming soonest first, then those without a time, then past ones latest first', () => {
    const sessions = [
      at('past-old', '2026-11-01T10:00:00Z'),
      at('later', '2026-12-10T10:00:00Z'),
      at('no-time'),
      at('past-recent', '2026-11-20T10:00:00Z'),
      at('live', '2026-11-29T09:30:00Z'),
      at('soon', '2026-12-01T10:00:00Z'),
    ];
    expect(upcomingFirst(sessions, NOW).map((s) => s.id)).toEqual(['live', 'soon', 'later', 'no-time', 'past-recent', 'past-old']);
  });
});
