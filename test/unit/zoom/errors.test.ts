import { describe, expect, it } from 'vitest';
import {
  ZoomApiError,
  ZoomRateLimitError,
  ZoomResponseError,
  ZoomUnavailableError,
  parseZoomErrorBody,
} from '../../../src/zoom/errors.js';

describe('ZoomApiError', () => {
  it("says what Zoom refused, in Zoom's words, with Zoom's code", () => {
    const error = new ZoomApiError({
      status: 404,
      zoomCode: 3001,
      zoomMessage: 'Meeting does not exist: 123.',
      trackingId: 'v=2.0;clid=us05;rid=WEB_1',
      method: 'GET',
      path: '/meetings/123',
    });
    expect(error.message).toBe('Zoom refused GET /meetings/123: Meeting does not exist: 123 (code 3001)');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ZoomApiError');
    expect(error).toMatchObject({ code: 'zoom_refused', expected: true, status: 404, zoomCode: 3001, trackingId: 'v=2.0;clid=us05;rid=WEB_1' });
  });

  it('falls back to the HTTP status when Zoom gave no message', () => {
    const error = new ZoomApiError({ status: 403, zoomMessage: '', method: 'DELETE', path: '/meetings/1' });
    expect(error.message).toBe('Zoom refused DELETE /meetings/1: HTTP 403');
  });
});

describe('ZoomRateLimitError', () => {
  it('is a ZoomApiError whose message says when the quota resets', () => {
    const error = new ZoomRateLimitError({
      status: 429,
      zoomCode: 429,
      zoomMessage: 'You have reached the maximum daily rate limit for this API.',
      method: 'GET',
      path: '/users',
      resetsAt: new Date('2026-12-01T00:00:00Z'),
      accountWide: true,
    });
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error.name).toBe('ZoomRateLimitError');
    expect(error.message).toContain('GET /users');
    expect(error.message).toContain('resets at 2026-12-01 00:00 UTC');
  });
});

describe('ZoomUnavailableError', () => {
  it('warns that a write in doubt may have been applied', () => {
    const cause = new Error('socket hang up');
    const error = new ZoomUnavailableError({
      method: 'POST',
      path: '/users/me/meetings',
      reason: 'timed out after 30000 ms',
      inDoubt: true,
      cause,
    });
    expect(error.name).toBe('ZoomUnavailableError');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'Zoom did not answer POST /users/me/meetings (timed out after 30000 ms); ' +
        'the change may or may not have been applied, so check in Zoom before retrying',
    );
  });
});

describe('ZoomResponseError', () => {
  it('names the path and the first problem', () => {
    const error = new ZoomResponseError({ method: 'GET', path: '/meetings/1', status: 200, issue: 'topic: Required' });
    expect(error.message).toBe('Zoom answered GET /meetings/1 in an unexpected shape: topic: Required');
  });
});

describe('parseZoomErrorBody', () => {
  it('reads the REST form', () => {
    expect(parseZoomErrorBody('{"code":124,"message":"Invalid access token."}')).toEqual({
      code: 124,
      message: 'Invalid access token.',
    });
  });

  it('adds the fields of a validation failure', () => {
    const body = JSON.stringify({
      code: 300,
      message: 'Validation Failed.',
      errors: [{ field: 'duration', message: 'Invalid field.' }],
    });
    expect(parseZoomErrorBody(body)).toEqual({ code: 300, message: 'Validation Failed. (duration: Invalid field.)' });
  });

  it('reads the OAuth form', () => {
    expect(parseZoomErrorBody('{"reason":"Invalid client_id or client_secret","error":"invalid_client"}')).toEqual({
      code: undefined,
      message: 'Invalid client_id or client_secret (invalid_client)',
    });
  });

  it('copes with an empty or non-JSON body', () => {
    expect(parseZoomErrorBody('')).toEqual({});
    expect(parseZoomErrorBody('<html>Bad gateway</html>')).toEqual({});
    expect(parseZoomErrorBody('null')).toEqual({});
  });
});
