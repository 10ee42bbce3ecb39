import { describe, expect, it } from 'vitest';
import { encodePathSegment, meetingPathId, zoomPath } from '../../../src/zoom/ids.js';

describe('meetingPathId', () => {
  it('leaves a numeric meeting ID as it is', () => {
    expect(meetingPathId('85746065123').encoded).toBe('85746065123');
    expect(meetingPathId(85746065123).encoded).toBe('85746065123');
  });

  it('encodes a plain UUID once', () => {
    expect(meetingPathId('aDYlohsHRtCd4ii1uC2+hA==').encoded).toBe('aDYlohsHRtCd4ii1uC2%2BhA%3D%3D');
  });

  it('encodes a UUID that starts with a slash twice', () => {
    expect(meetingPathId('/abc==').encoded).toBe('%252Fabc%253D%253D');
  });

  it('encodes a UUID that contains a double slash twice', () => {
    expect(meetingPathId('a//b').encoded).toBe('a%252F%252Fb');
  });

  it('encodes a UUID with a single inner slash once', () => {
    expect(meetingPathId('a/b').encoded).toBe('a%2Fb');
  });
});

describe('zoomPath', () => {
  it('encodes each interpolated value', () => {
    expect(zoomPath`/users/${'jo+ops@example.com'}/meetings`).toBe('/users/jo%2Bops%40example.com/meetings');
    expect(zoomPath`/users/${'a/b?c'}`).toBe('/users/a%2Fb%3Fc');
  });

  it('does not encode a meeting path ID a second time', () => {
    expect(zoomPath`/meetings/${meetingPathId('/abc==')}/registrants`).toBe('/meetings/%252Fabc%253D%253D/registrants');
    expect(zoomPath`/meetings/${meetingPathId('123')}`).toBe('/meetings/123');
  });

  it('refuses an empty value, which would address a different endpoint', () => {
    expect(() => zoomPath`/users/${''}/meetings`).toThrow(/empty value/);
  });

  it('encodePathSegment is encodeURIComponent of the value', () => {
    expect(encodePathSegment(42)).toBe('42');
    expect(encodePathSegment('a b')).toBe('a%20b');
  });
});
