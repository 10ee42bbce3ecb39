// UsageError: a plain, named error that carries its usage line and example.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/commands/errors.js';

describe('UsageError', () => {
  it('is an Error with its own name, usage and example', () => {
    const error = new UsageError('"x" is not a time.', { usage: '/zoom meeting create', example: '--start 9:00' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.name).toBe('UsageError');
    expect(error.message).toBe('"x" is not a time.');
    expect(error.usage).toBe('/zoom meeting create');
    expect(error.example).toBe('--start 9:00');
  });

  it('gets the usage line added by the caller that knows the command', () => {
    const error = new UsageError('bad', { example: 'e' }).withUsage('meeting get <meetingId>');
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: 'bad', example: 'e', usage: 'meeting get <meetingId>' });
  });
});
