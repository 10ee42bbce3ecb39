import { describe, expect, it } from 'vitest';
import { EVENT_TOPICS, ZoomEvent, eventIdentity, meetingInstanceOf } from '../../../src/zoom/events.js';
import { zoomEvent } from '../../helpers/zoom-events.js';

const key = (e: unknown) => eventIdentity(ZoomEvent.parse(e));

describe('eventIdentity', () => {
  it('keys a meeting event on its name and instance UUID, not on its time', () => {
    const started = zoomEvent('meeting.started');
    expect(key(started)).toBe('meeting.started:4444AAAiAAAAAiAiAiiAii==|||');
    expect(key({ ...started, event_ts: 1 })).toBe(key(started));
    expect(key(zoomEvent('meeting.ended'))).not.toBe(key(started));
  });

  it('ignores the download URLs by which Zoom’s duplicates of recording.completed differ', () => {
    const first = zoomEvent('recording.completed');
    const again = zoomEvent('recording.completed', (e) => {
      for (const f of e.payload.object.recording_files) f.download_url += '?retry=2';
      e.download_token = 'another';
    });
    expect(key(again)).toBe(key(first));
    expect(key(first)).toContain('388ffb46-1541-460d-8447-4624451a1db7,ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8');
  });

  it('keys registrations on the registrant', () => {
    const jill = zoomEvent('meeting.registration_created');
    const jack = zoomEvent('meeting.registration_created', (e) => (e.payload.object.registrant.id = 'other'));
    expect(key(jill)).not.toBe(key(jack));
  });

  it('adds event_ts only for events that repeat for one object', () => {
    const updated = zoomEvent('meeting.updated');
    expect(key({ ...updated, event_ts: 2 })).not.toBe(key(updated));
    const signIn = zoomEvent('user.signed_in');
    expect(key({ ...signIn, event_ts: 2 })).not.toBe(key(signIn));
    const created = zoomEvent('user.created');
    expect(key({ ...created, event_ts: 2 })).toBe(key(created));
  });

  it('gives both Team Chat families of one posted message one identity', () => {
    const legacy = zoomEvent('chat_message.sent', (e) => (e.payload.object.id = 'M1'));
    const modern = zoomEvent('team_chat.channel_message_posted', (e) => (e.payload.object.message_id = 'M1'));
    expect(key(modern)).toBe(key(legacy));
  });

  it('keys an unknown event without an object ID on its time and object', () => {
    const a = { event: 'account.updated', event_ts: 1, payload: { object: { name: 'x' } } };
    expect(key(a)).not.toBe(key({ ...a, event_ts: 2 }));
    expect(key(a)).toBe(key({ ...a }));
  });
});

it('threads meeting, webinar and recording events under the instance UUID', () => {
  expect(meetingInstanceOf(ZoomEvent.parse(zoomEvent('recording.completed')))).toBe('4444AAAiAAAAAiAiAiiAii==');
  expect(meetingInstanceOf(ZoomEvent.parse(zoomEvent('phone.callee_ended')))).toBeUndefined();
});

it('lists the topics of docs/command-grammar.md', () => {
  expect(Object.keys(EVENT_TOPICS)).toEqual(['meetings', 'webinars', 'registrations', 'recordings', 'phone', 'chat-channels', 'chat-messages', 'user-activity', 'events']);
  expect(EVENT_TOPICS['chat-channels']).toContain('team_chat.channel_unarchived');
});
