import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/commands/errors.js';
import { RedisUnavailableError } from '../../../src/redis-errors.js';
import { NotAllowedError } from '../../../src/slack/authorize.js';
import { renderError } from '../../../src/views/errors.js';
import { ZoomApiError, ZoomRateLimitError, ZoomUnavailableError } from '../../../src/zoom/errors.js';

const refused = { method: 'GET', path: '/meetings/1', status: 404, zoomCode: 3001, zoomMessage: 'Meeting does not exist: 1.', trackingId: 'WEB_1' };

describe('renderError', () => {
  it('gives a usage error with its usage line', () => {
    const text = renderError(new UsageError('"soon" is not a time.', { usage: '/zoom meeting create --start <when>' }));
    expect(text).toBe('"soon" is not a time.\nUsage: `/zoom meeting create --start <when>`');
  });

  it('gives Zoom’s message and code, a hint for the code, and the tracking ID', () => {
    expect(renderError(new ZoomApiError(refused))).toBe(
      'Zoom refused: Meeting does not exist: 1 (code 3001). Check the ID with `/zoom meeting list`. Zoom tracking ID: WEB_1.',
    );
  });

  it('points a webinar’s unknown ID to `webinar list`, not `meeting list`', () => {
    const webinar = { ...refused, path: '/webinars/81234567890/registrants', zoomMessage: 'Webinar does not exist: 81234567890.' };
    expect(renderError(new ZoomApiError(webinar), { command: '/zoomadmin' })).toContain('Check the ID with `/zoomadmin webinar list`.');
  });

  it('says when a daily limit resets, in the reader’s zone', () => {
    const error = new ZoomRateLimitError({ ...refused, status: 429, zoomCode: 429, zoomMessage: 'daily limit', resetsAt: new Date('2026-11-30T00:00:00Z'), accountWide: true });
    expect(renderError(error, { zone: 'Europe/Berlin' })).toContain('It resets Mon 30 Nov 2026, 01:00 CET; nothing was changed.');
  });

  it('tells apart "Zoom is down" for a read and "may have happened" for a write', () => {
    const read = renderError(new ZoomUnavailableError({ method: 'GET', path: '/meetings/1', reason: 'HTTP 503' }));
    const write = renderError(new ZoomUnavailableError({ method: 'POST', path: '/users/me/meetings', reason: 'timed out', inDoubt: true }));
    expect(read).toBe('Zoom is not answering right now, so nothing was changed. Try again in a minute.');
    expect(write).toBe('Zoom did not answer in time, so the change may or may not have been made. Check in Zoom before trying again.');
  });

  it('sends a refused user to the workspace admins, without naming ZOOMOPS_ADMINS, when that variable is unset', () => {
    const stranger = renderError(new NotAllowedError('use ZoomOps', { role: 'none' }));
    expect(stranger).toContain('You are not allowed to use ZoomOps');
    expect(stranger).toContain("this workspace's Slack admins and owners");
    expect(stranger).not.toContain('ZOOMOPS_ADMINS');
    const viewer = renderError(new NotAllowedError('run `/zoom meeting delete`', { role: 'viewer' }));
    expect(viewer).toContain('you may list and look up');
    expect(viewer).not.toContain('ZOOMOPS_ADMINS');
  });

  it('names the listed admins and user groups when ZOOMOPS_ADMINS is set', () => {
    const admins = { users: ['U1', 'U2'], groups: ['S9'] };
    expect(renderError(new NotAllowedError('use ZoomOps', { role: 'none', admins }))).toContain('Ask a ZoomOps admin (<@U1>, <@U2> or <!subteam^S9>)');
  });

  it('names Redis, refusals and unexpected errors without leaking their text', () => {
    expect(renderError(new RedisUnavailableError())).toContain('cannot reach its Redis');
    expect(renderError(new NotAllowedError('use ZoomOps'))).toContain('You are not allowed to use ZoomOps');
    const unexpected = renderError(new Error('token xoxb-secret at line 3'), { reference: 'abc123' });
    expect(unexpected).toContain('reference abc123');
    expect(unexpected).not.toContain('xoxb-secret');
  });
});
