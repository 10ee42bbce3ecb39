// Team Chat: a user's channels (every page), sending as a user, and how a typed channel name is matched.
import { describe, expect, it } from 'vitest';
import { allUserChannels, matchChannel, sendChatMessage, type ChatChannel } from '../../../src/zoom/chat.js';
import { ZoomApiError } from '../../../src/zoom/errors.js';
import { chargedLabels, useAreaTestbed } from './testbed.js';

const { bed, api } = useAreaTestbed('zoom-chat', 'tok-chat');

const channel = (id: string, name: string): ChatChannel => ({ id, name, type: 3 });

describe('allUserChannels', () => {
  it("walks every page of the user's channels, 1000 a page", async () => {
    api()
      .get('/v2/chat/users/ana%40example.com/channels')
      .query({ page_size: '1000' })
      .reply(200, { next_page_token: 'n2', channels: [{ id: 'c1', name: 'eng', type: 3, jid: 'c1@conference.xmpp.zoom.us' }] });
    api()
      .get('/v2/chat/users/ana%40example.com/channels')
      .query({ page_size: '1000', next_page_token: 'n2' })
      .reply(200, { next_page_token: '', channels: [{ id: 'c2', name: null, type: 1 }] });

    const channels = await allUserChannels(bed().zoom, 'ana@example.com');

    expect(channels.map((c) => [c.id, c.name])).toEqual([['c1', 'eng'], ['c2', '']]);
  });
});

describe('sendChatMessage', () => {
  it('posts the message to a channel as the user (Medium) and returns Zoom’s message ID', async () => {
    const labels = chargedLabels(bed());
    api()
      .post('/v2/chat/users/u-1/messages', { message: 'Deploy at 5 — "really"', to_channel: 'c1' })
      .reply(201, { id: '8cfaf567-bf5a-4acc-b4f2-88b3d371aca5' });

    await expect(sendChatMessage(bed().zoom, 'u-1', { toChannel: 'c1' }, 'Deploy at 5 — "really"')).resolves.toBe(
      '8cfaf567-bf5a-4acc-b4f2-88b3d371aca5',
    );
    expect(labels()).toEqual(['medium']);
  });

  it('sends to a contact by email, and passes on Zoom’s refusal', async () => {
    api()
      .post('/v2/chat/users/u-1/messages', { message: 'hi', to_contact: 'bo@example.com' })
      .reply(404, { code: 1001, message: 'User does not exist: bo@example.com.' });

    const error = await sendChatMessage(bed().zoom, 'u-1', { toContact: 'bo@example.com' }, 'hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ zoomCode: 1001 });
  });
});

describe('matchChannel', () => {
  const channels = [channel('c1', 'eng'), channel('c2', 'eng-alerts'), channel('c3', 'Eng-Ops'), channel('c4', 'sales')];

  it('lets an exact name win over names that contain it', () => {
    expect(matchChannel('eng', channels)).toEqual({ kind: 'one', channel: channels[0] });
    expect(matchChannel('#eng-ops', channels)).toEqual({ kind: 'one', channel: channels[2] });
  });

  it('takes a channel ID', () => {
    expect(matchChannel('c4', channels)).toEqual({ kind: 'one', channel: channels[3] });
  });

  it('offers every channel that contains the text when none is named exactly', () => {
    expect(matchChannel('ENG-', channels)).toEqual({ kind: 'several', candidates: [channels[1], channels[2]] });
  });

  it('asks about even the only partial match (a message cannot be unsent), and finds nothing for an unknown name', () => {
    expect(matchChannel('sal', channels)).toEqual({ kind: 'several', candidates: [channels[3]] });
    expect(matchChannel('marketing', channels)).toEqual({ kind: 'none' });
  });

  it('treats two channels with the same name in different case as ambiguous', () => {
    const twins = [channel('a', 'Team'), channel('b', 'TEAM')];
    expect(matchChannel('team', twins)).toEqual({ kind: 'several', candidates: twins });
    expect(matchChannel('TEAM', twins)).toEqual({ kind: 'one', channel: twins[1] });
  });
});
