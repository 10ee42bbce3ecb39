// Every event the watch topics relay (docs/command-grammar.md), rendered from Zoom's own webhook examples
// (test/fixtures/zoom-events.json) as a reader in Berlin sees it: what happened, to what, who did it, when, and
// the links and buttons. A change to any alert's wording or a lost detail fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alertMessage, digestListMessage, digestMessage } from '../../../src/views/alerts.js';
import { EVENT_TOPICS, type ZoomEvent } from '../../../src/zoom/events.js';

const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/zoom-events.json', import.meta.url), 'utf8')) as Record<string, ZoomEvent>;
// Zoom's OpenAPI examples of these two, which the fixture file does not carry.
const teamChatChannel = (event: string): ZoomEvent => ({
  event,
  event_ts: 1581370790388,
  payload: {
    account_id: 'AAAAAABBBB',
    operator: 'user@example.com',
    operator_id: 'z8yCxjabcdEFGHfp8uQ',
    operator_member_id: 'V0xKXVARQVmlXMYVbGoTEA',
    by_external_user: false,
    object: { name: 'Team Chat', id: '6dfgdfgdg444447b0egga', type: 1, date_time: '2020-02-10T21:39:50Z', timestamp: 1581370790388 },
  },
}) as ZoomEvent;
const examples: Record<string, ZoomEvent> = {
  ...fixtures,
  'team_chat.channel_archived': teamChatChannel('team_chat.channel_archived'),
  'team_chat.channel_unarchived': teamChatChannel('team_chat.channel_unarchived'),
};

const EXPECTED: Record<string, { text: string; context: string; buttons?: string[] }> = {
  'meeting.created': { text: ":calendar: *Meeting scheduled:* My Meeting (123 456 7890) for Tue 13 Jul 2021, 23:44 CEST (1 h) — by admin@example.com\n<https://example.com|Join link>", context: "Zoom `meeting.created` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.updated': { text: ":pencil2: *Meeting updated:* My Meeting (123 456 7890) for Tue 13 Jul 2021, 23:44 CEST (1 h) — by admin@example.com\n<https://example.com/meeting|Join link>\nChanged: settings", context: "Zoom `meeting.updated` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.deleted': { text: ":wastebasket: *Meeting deleted:* My Meeting (123 456 7890) — by admin@example.com\nOccurrence: Tue 13 Jul 2021, 23:44 CEST", context: "Zoom `meeting.deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.started': { text: ":large_green_circle: *Meeting started:* My Meeting (123 456 7890) at Tue 13 Jul 2021, 23:44 CEST", context: "Zoom `meeting.started` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.ended': { text: ":checkered_flag: *Meeting ended:* My Meeting (123 456 7890) after 1 h 16 min — by admin@example.com\nTue 13 Jul 2021, 23:44 CEST – Wed 14 Jul 2021, 01:00 CEST", context: "Zoom `meeting.ended` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.created': { text: ":calendar: *Webinar scheduled:* My Webinar (123 456 7890) for Tue 13 Jul 2021, 23:44 CEST (1 h) — by admin@example.com\n<https://example.com|Join link>", context: "Zoom `webinar.created` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.updated': { text: ":pencil2: *Webinar updated:* My Webinar (123 456 7890) for Tue 13 Jul 2021, 23:44 CEST (1 h) — by admin@example.com\nChanged: settings", context: "Zoom `webinar.updated` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.deleted': { text: ":wastebasket: *Webinar deleted:* My Webinar (123 456 7890) — by admin@example.com\nOccurrence: Tue 13 Jul 2021, 23:44 CEST", context: "Zoom `webinar.deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.started': { text: ":large_green_circle: *Webinar started:* My Webinar (123 456 7890) at Tue 13 Jul 2021, 23:44 CEST", context: "Zoom `webinar.started` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.ended': { text: ":checkered_flag: *Webinar ended:* My Webinar (123 456 7890) after 1 h 16 min\nTue 13 Jul 2021, 23:44 CEST – Wed 14 Jul 2021, 01:00 CEST", context: "Zoom `webinar.ended` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.registration_created': { text: ":ticket: *New registration:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for meeting My Meeting (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST)", context: "Zoom `meeting.registration_created` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.registration_approved': { text: ":white_check_mark: *Registration approved:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for meeting My Meeting (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — by admin@example.com", context: "Zoom `meeting.registration_approved` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.registration_denied': { text: ":no_entry_sign: *Registration denied:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for meeting My Meeting (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — by admin@example.com", context: "Zoom `meeting.registration_denied` · Wed 14 Jul 2021, 04:44 CEST" },
  'meeting.registration_cancelled': { text: ":x: *Registration cancelled:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for meeting My Meeting (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — by admin@example.com", context: "Zoom `meeting.registration_cancelled` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.registration_created': { text: ":ticket: *New registration:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for webinar My Webinar (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST)", context: "Zoom `webinar.registration_created` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.registration_approved': { text: ":white_check_mark: *Registration approved:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for webinar My Webinar (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — by admin@example.com", context: "Zoom `webinar.registration_approved` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.registration_denied': { text: ":no_entry_sign: *Registration denied:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for webinar My Webinar (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST)", context: "Zoom `webinar.registration_denied` · Wed 14 Jul 2021, 04:44 CEST" },
  'webinar.registration_cancelled': { text: ":x: *Registration cancelled:* Jill Chill <mailto:jchill@example.com|jchill@example.com> for webinar My Webinar (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — by admin@example.com", context: "Zoom `webinar.registration_cancelled` · Wed 14 Jul 2021, 04:44 CEST" },
  'recording.completed': { text: ":film_frames: *Recording ready:* My Personal Recording (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — 2 files, 3.3 MB · host jchill@example.com\n• M4A, audio only: 247 KB\n• MP4, shared screen with speaker view: 283 KB", context: "Zoom `recording.completed` · Wed 14 Jul 2021, 04:44 CEST", buttons: ["Download", "Open in Zoom"] },
  'recording.transcript_completed': { text: ":memo: *Transcript ready:* My Personal Recording (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — 1 file, 530 KB · host jchill@example.com\n• TRANSCRIPT, audio transcript: 142 B", context: "Zoom `recording.transcript_completed` · Wed 14 Jul 2021, 04:44 CEST", buttons: ["Download", "Open in Zoom"] },
  'recording.trashed': { text: ":wastebasket: *Recording moved to the trash:* My Personal Recording (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — 2 files, 3.3 MB · host jchill@example.com\n• M4A, audio only: 247 KB\n• MP4, shared screen with speaker view: 283 KB", context: "Zoom `recording.trashed` · Wed 14 Jul 2021, 04:44 CEST", buttons: ["Open in Zoom"] },
  'recording.deleted': { text: ":fire: *Recording deleted for good:* My Personal Recording (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — 2 files, 3.3 MB — by admin@example.com\n• M4A, audio only: 247 KB\n• MP4, shared screen with speaker view: 283 KB", context: "Zoom `recording.deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'recording.recovered': { text: ":recycle: *Recording recovered from the trash:* My Personal Recording (123 456 7890) (Tue 13 Jul 2021, 23:44 CEST) — 2 files, 3.3 MB — by admin@example.com\n• M4A, audio only: 247 KB\n• MP4, shared screen with speaker view: 283 KB", context: "Zoom `recording.recovered` · Wed 14 Jul 2021, 04:44 CEST", buttons: ["Download", "Open in Zoom"] },
  'phone.caller_ended': { text: ":telephone_receiver: *Call ended:* +12058945456 → ext 12092592844 at Thu 19 Aug 2021, 02:58 CEST · no conversation · not answered", context: "Zoom `phone.caller_ended` · Thu 19 Aug 2021, 02:59 CEST" },
  'phone.callee_ended': { text: ":telephone_receiver: *Call ended:* +12092592844 → ext 1002 at Thu 19 Aug 2021, 23:12 CEST · talked 6 s · Call connected", context: "Zoom `phone.callee_ended` · Thu 19 Aug 2021, 23:12 CEST" },
  'phone.callee_missed': { text: ":no_entry: *Missed call* from +12092592844 to ext 1002 at Thu 19 Aug 2021, 23:15 CEST, rang 13 s", context: "Zoom `phone.callee_missed` · Thu 19 Aug 2021, 23:15 CEST" },
  'phone.voicemail_received': { text: ":mailbox_with_mail: *Voicemail* from Rascoe Thomas (+12055967465) for Chris's_CQ01_2_members (58011) (3 s) at Thu 19 Aug 2021, 02:16 CEST", context: "Zoom `phone.voicemail_received` · Thu 19 Aug 2021, 02:16 CEST" },
  'chat_channel.created': { text: ":speech_balloon: *Team Chat channel created:* Team Chat (Tara Smith, Sasha Taylor) — by user@example.com", context: "Zoom `chat_channel.created` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_channel.updated': { text: ":speech_balloon: *Team Chat channel updated:* Team Chat — by user@example.com", context: "Zoom `chat_channel.updated` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_channel.deleted': { text: ":speech_balloon: *Team Chat channel deleted:* Team Chat — by user@example.com", context: "Zoom `chat_channel.deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_channel.member_invited': { text: ":speech_balloon: *Team Chat channel members invited:* Team Chat (Tara Smith) — by user@example.com", context: "Zoom `chat_channel.member_invited` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_channel.member_joined': { text: ":speech_balloon: *Team Chat channel someone joined:* Team Chat — by user@example.com", context: "Zoom `chat_channel.member_joined` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_channel.member_left': { text: ":speech_balloon: *Team Chat channel someone left:* Team Chat — by user@example.com", context: "Zoom `chat_channel.member_left` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_channel.member_removed': { text: ":speech_balloon: *Team Chat channel members removed:* Team Chat (Tara Smith) — by user@example.com", context: "Zoom `chat_channel.member_removed` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_message.sent': { text: ":speech_balloon: *user@example.com* posted in *Team Chat* at Mon 10 Feb 2020, 22:39 CET\n> Hello world.", context: "Zoom `chat_message.sent` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_message.updated': { text: ":speech_balloon: *user@example.com* edited a message in *Team Chat* at Mon 10 Feb 2020, 22:39 CET\n> Hello to the world.", context: "Zoom `chat_message.updated` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_message.deleted': { text: ":speech_balloon: *user@example.com* deleted a message in *Team Chat* at Mon 10 Feb 2020, 22:39 CET", context: "Zoom `chat_message.deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'chat_message.replied': { text: ":speech_balloon: *user@example.com* replied in *Team Chat* at Mon 10 Feb 2020, 22:39 CET\n> Hello world.", context: "Zoom `chat_message.replied` · Wed 14 Jul 2021, 04:44 CEST" },
  'team_chat.channel_message_posted': { text: ":speech_balloon: *user@example.com* posted in *Team Chat* at Mon 10 Feb 2020, 22:39 CET\n> @Jill Chill, this is a test message", context: "Zoom `team_chat.channel_message_posted` · Wed 14 Jul 2021, 04:44 CEST" },
  'team_chat.channel_message_updated': { text: ":speech_balloon: *user@example.com* edited a message in *Team Chat* at Mon 10 Feb 2020, 22:39 CET\n> @Jill Chill, this is a test message", context: "Zoom `team_chat.channel_message_updated` · Wed 14 Jul 2021, 04:44 CEST" },
  'team_chat.channel_message_deleted': { text: ":speech_balloon: *user@example.com* deleted a message in *Team Chat* at Mon 10 Feb 2020, 22:39 CET", context: "Zoom `team_chat.channel_message_deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'user.signed_in': { text: ":arrow_right: *jchill@example.com* signed in on android 5.7.4.1585 at Mon 26 Jul 2021, 22:13 CEST", context: "Zoom `user.signed_in` · Wed 14 Jul 2021, 04:44 CEST" },
  'user.signed_out': { text: ":arrow_left: *jchill@example.com* signed out on android 5.7.4.1585 at Mon 26 Jul 2021, 22:13 CEST", context: "Zoom `user.signed_out` · Wed 14 Jul 2021, 04:44 CEST" },
  'user.created': { text: ":bust_in_silhouette: *Jill Chill (jchill@example.com)* was added to the account — by admin@example.com", context: "Zoom `user.created` · Wed 14 Jul 2021, 04:44 CEST" },
  'user.activated': { text: ":white_check_mark: *Dana Lee (jchill@example.com)* was activated — by admin@example.com", context: "Zoom `user.activated` · Wed 14 Jul 2021, 04:44 CEST" },
  'user.deactivated': { text: ":no_entry: *Jill Chill (jchill@example.com)* was deactivated — by admin@example.com", context: "Zoom `user.deactivated` · Wed 14 Jul 2021, 04:44 CEST" },
  'user.deleted': { text: ":wastebasket: *Jill Chill (jchill@example.com)* was deleted — by admin@example.com", context: "Zoom `user.deleted` · Wed 14 Jul 2021, 04:44 CEST" },
  'team_chat.channel_archived': { text: ":speech_balloon: *Team Chat channel archived:* Team Chat — by user@example.com", context: "Zoom `team_chat.channel_archived` · Mon 10 Feb 2020, 22:39 CET" },
  'team_chat.channel_unarchived': { text: ":speech_balloon: *Team Chat channel unarchived:* Team Chat — by user@example.com", context: "Zoom `team_chat.channel_unarchived` · Mon 10 Feb 2020, 22:39 CET" },
};

const watched = [...new Set(Object.values(EVENT_TOPICS).flat())];

describe('alerts of every watched event', () => {
  it('has an expectation for each event a topic relays', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...watched].sort());
  });

  it.each(watched)('%s', (name) => {
    const message = alertMessage(structuredClone(examples[name]!), 'Europe/Berlin');
    const blocks = message.blocks as any[];
    const expected = EXPECTED[name]!;
    expect(blocks[0].text.text).toBe(expected.text);
    // The notification: the first line without emphasis.
    expect(message.text).toBe(expected.text.split('\n')[0]!.replace(/\*/g, ''));
    expect(blocks.at(-1).elements[0].text).toBe(expected.context);
    const buttons = blocks.find((b) => b.type === 'actions')?.elements.map((b: any) => b.text.text);
    expect(buttons).toEqual(expected.buttons);
  });

  it('links the recording’s Download and Open in Zoom buttons to the meeting and its share page', () => {
    const blocks = alertMessage(structuredClone(examples['recording.completed']!), 'UTC').blocks as any[];
    const [download, open] = blocks[1].elements;
    expect(download).toMatchObject({ action_id: 'recordings.download' });
    // The topic and number go along, so the job started from it is named as people know the meeting.
    expect(JSON.parse(download.value)).toEqual({ meetingId: '4444AAAiAAAAAiAiAiiAii==', n: '1234567890', t: 'My Personal Recording' });
    expect(open.url).toBe((examples['recording.completed']!.payload.object as { share_url: string }).share_url);
  });

  it('asks for the transcript only on a transcript alert, the files the automatic download of that event fetches', () => {
    const event = structuredClone(examples['recording.transcript_completed']!);
    const blocks = alertMessage(event, 'UTC').blocks as any[];
    const download = blocks.find((b) => b.type === 'actions').elements[0];
    expect(JSON.parse(download.value)).toMatchObject({ meetingId: (event.payload.object as { uuid: string }).uuid, type: 'transcript' });
  });
});

describe('an alert of any length', () => {
  it('cuts a long notification text within Slack’s 40,000 characters, as its blocks are cut, instead of being refused', () => {
    const event = structuredClone(examples['chat_channel.member_invited']!);
    const members = Array.from({ length: 4000 }, (_, i) => ({ id: `id${i}`, display_name: `Member number ${i} of the big list` }));
    (event.payload.object as { members: unknown[] }).members = members;
    const message = alertMessage(event, 'UTC');
    // Precondition: without the cut the text would be over the limit.
    expect(members.reduce((n, m) => n + m.display_name.length + 2, 0)).toBeGreaterThan(40_000);
    expect(Array.from(message.text).length).toBeLessThanOrEqual(40_000);
    expect(message.text.startsWith(':speech_balloon: Team Chat channel members invited: Team Chat (Member number 0 of the big list,')).toBe(true);
    expect(message.text.endsWith('…')).toBe(true);
    for (const block of message.blocks as any[]) {
      if (block.type === 'section') expect(Array.from(block.text.text as string).length).toBeLessThanOrEqual(3000);
    }
  });
});

describe('the list behind a digest’s Show all', () => {
  it('puts every line in sections of at most 3,000 characters, oldest first', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `:ticket: *New registration:* Guest ${i} <mailto:guest${i}@example.com|guest${i}@example.com> for meeting Weekly sync`);
    const list = digestListMessage(lines);
    const texts = list.blocks!.map((b) => (b as { text: { text: string } }).text.text);
    expect(texts.every((t) => t.length <= 3_000)).toBe(true);
    expect(texts.join('\n').split('\n')).toEqual(lines.map((l) => `• ${l}`));
    expect(list.text).toBe('All 120 Zoom events of this digest');
  });

  it('says how many did not fit when the lines need more than a message’s 50 blocks', () => {
    const lines = Array.from({ length: 1_000 }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(290)}`);
    const list = digestListMessage(lines);
    expect(list.blocks).toHaveLength(50);
    const listed = list.blocks!.slice(0, 49).flatMap((b) => (b as { text: { text: string } }).text.text.split('\n'));
    expect(listed).toEqual(lines.slice(0, listed.length).map((l) => `• ${l}`));
    expect(list.blocks![49]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `The first ${listed.length} of 1000: a Slack message holds no more.` }] });
  });
});

describe('a digest whose waiting registrants were all decided from its buttons', () => {
  const waiting = ['r1', 'r2'].map((r) => ({ k: 'meeting' as const, s: '1234567890', r, l: `:hourglass_flowing_sand: *Registration waiting for approval:* ${r}` }));
  const texts = (pending: Record<string, number>) =>
    JSON.stringify(digestMessage({ counts: { 'meeting.registration_created': 2 }, lines: waiting.map((w) => w.l), zone: 'UTC', pending, showAll: '1733150000000-0a1b2c3d', waiting, decided: { r1: { action: 'approve', by: 'U1' }, r2: { action: 'deny', by: 'U1' } } }).blocks);

  it('says nothing waits instead of offering to review or approve none', () => {
    // The positive control: one still waiting keeps the session's buttons and its count.
    expect(texts({ 'meeting:1234567890': 1 })).toContain('Review 1 waiting · meeting 123 456 7890');
    const none = texts({ 'meeting:1234567890': 0 });
    expect(none).not.toContain('digest.review_pending');
    expect(none).not.toContain('digest.approve_pending');
    expect(none).toContain('Nothing waiting for approval · meeting 123 456 7890');
    expect(none).toContain('*Nothing waiting for approval*: each was decided');
    expect(none).toContain('✓ approved by <@U1>');
  });
});
