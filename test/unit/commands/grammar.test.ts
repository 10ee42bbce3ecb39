// parseArgs: positionals, flags and free text against one command's ArgSpec.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/commands/errors.js';
import { parseArgs, type ArgSpec } from '../../../src/commands/grammar.js';

const list: ArgSpec = {
  flags: {
    user: { type: 'string', alias: 'u', example: 'jane@example.com' },
    type: { type: 'string', choices: ['scheduled', 'live', 'upcoming', 'previous'] },
    from: { type: 'string', example: '-7d' },
    to: { type: 'string' },
    public: { type: 'boolean' },
    limit: { type: 'number' },
  },
};
const get: ArgSpec = {
  positionals: [{ name: 'meetingId', type: 'meetingId' }],
  flags: { public: { type: 'boolean' } },
};
const recordings: ArgSpec = { positionals: [{ name: 'meetingId', type: 'meetingId', allowUuid: true }] };
const register: ArgSpec = {
  positionals: [{ name: 'meetingId', type: 'meetingId' }, { name: 'email' }],
  flags: { first: { type: 'string' }, last: { type: 'string' } },
};
const approve: ArgSpec = {
  positionals: [{ name: 'meetingId', type: 'meetingId' }, { name: 'registrant', variadic: true, optional: true }],
  flags: { 'all-pending': { type: 'boolean' } },
};
const chatSend: ArgSpec = {
  positionals: [{ name: 'target' }],
  flags: { as: { type: 'string' } },
  rest: { name: 'message', unquote: true },
};
const api: ArgSpec = {
  positionals: [{ name: 'method', choices: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] }, { name: 'path' }],
  rest: { name: 'body', optional: true },
};

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs: flags', () => {
  it('reads --name value and --name=value', () => {
    expect(parseArgs('--user jane@x.com --type=previous', list).flags).toEqual({
      user: 'jane@x.com',
      type: 'previous',
    });
  });

  it('takes a value that starts with a dash', () => {
    expect(parseArgs('--from -7d --to -1d', list).flags).toEqual({ from: '-7d', to: '-1d' });
  });

  it('takes a quoted value with spaces, also after =', () => {
    const spec: ArgSpec = { flags: { start: { type: 'string' }, topic: { type: 'string' } } };
    expect(parseArgs('--start "tomorrow 9:30" --topic="Weekly sync"', spec).flags).toEqual({
      start: 'tomorrow 9:30',
      topic: 'Weekly sync',
    });
  });

  it('reads boolean flags standing alone, before or after other words', () => {
    expect(parseArgs('--public 812 3456 7890', get)).toMatchObject({
      positionals: ['81234567890'],
      flags: { public: true },
    });
    expect(parseArgs('812 3456 7890 --public', get).flags).toEqual({ public: true });
    expect(parseArgs('--public=false 812345678', get).flags).toEqual({ public: false });
    expect(() => parseArgs('--public=maybe 812345678', get)).toThrow('--public is a switch and takes no value');
  });

  it('accepts aliases, upper-case names and dashes that Slack turned into an em dash', () => {
    expect(parseArgs('-u me \u2014type live --FROM today', list).flags).toEqual({
      user: 'me',
      type: 'live',
      from: 'today',
    });
  });

  it('checks choices and returns the listed spelling', () => {
    expect(parseArgs('--type PREVIOUS', list).flags).toEqual({ type: 'previous' });
    expect(() => parseArgs('--type upcomng', list)).toThrow(
      '"upcomng" is not a valid --type: choose scheduled, live, upcoming or previous. Did you mean upcoming?',
    );
  });

  it('checks number flags', () => {
    expect(parseArgs('--limit 25', list).flags).toEqual({ limit: '25' });
    expect(() => parseArgs('--limit lots', list)).toThrow('"lots" is not a number for --limit');
  });

  it('refuses an unknown flag, naming the closest known one', () => {
    const error = usageError(() => parseArgs('--strat 9:00', { flags: { start: { type: 'string' } } }));
    expect(error.message).toBe('Unknown flag --strat: did you mean --start?');
    expect(() => parseArgs('--usr me', list)).toThrow('did you mean --user?');
  });

  it('lists the known flags when nothing is close', () => {
    expect(() => parseArgs('--banana 1', list, { command: 'meeting list' })).toThrow(
      'Unknown flag --banana: meeting list takes --user, --type, --from, --to, --public, --limit.',
    );
    expect(() => parseArgs('812345678 --public', { positionals: get.positionals }, { command: 'meeting end' }))
      .toThrow('Unknown flag --public: meeting end takes no flags.');
    expect(() => parseArgs('--zzz', {})).toThrow('Unknown flag --zzz: this command takes no flags.');
  });

  it('refuses a flag without its value, naming the flag', () => {
    expect(() => parseArgs('--user', list)).toThrow('--user needs a value, e.g. --user jane@example.com.');
    // The next word being a flag is not taken as the value.
    expect(() => parseArgs('--user --public', list)).toThrow('--user needs a value');
    // Unless it is quoted: then it is meant literally.
    expect(parseArgs('--user "--public"', list).flags).toEqual({ user: '--public' });
    expect(() => parseArgs('--to', list)).toThrow('--to needs a value right after it.');
  });

  it('refuses a valued flag given twice, and lets a boolean repeat', () => {
    expect(() => parseArgs('--from -7d --from -1d', list)).toThrow('--from is given twice: give it once.');
    expect(parseArgs('--public --public', list).flags).toEqual({ public: true });
  });

  it('stores an alias under the main name, so an alias and the name count as one flag', () => {
    expect(() => parseArgs('-u me --user jane@x.com', list)).toThrow('--user is given twice');
  });

  it('reads no flag after a bare --, and never a quoted word as a flag', () => {
    const spec: ArgSpec = { positionals: [{ name: 'words', variadic: true }], flags: { public: { type: 'boolean' } } };
    expect(parseArgs('-- --public', spec)).toMatchObject({ positionals: ['--public'], flags: {} });
    expect(parseArgs('"--public" x', spec)).toMatchObject({ positionals: ['--public', 'x'], flags: {} });
  });
});

describe('parseArgs: meeting ID flags', () => {
  const rules: ArgSpec = {
    positionals: [{ name: 'email', optional: true }],
    flags: { meeting: { type: 'meetingId' }, webinar: { type: 'meetingId' }, cap: { type: 'number' } },
  };

  it('joins an ID typed in groups after the flag, inline or not, and reads on after it', () => {
    expect(parseArgs('--webinar 812 3456 7890 --cap 5', rules).flags).toEqual({ webinar: '81234567890', cap: '5' });
    expect(parseArgs('--meeting=812 3456 7890', rules).flags).toEqual({ meeting: '81234567890' });
    expect(parseArgs('--meeting 812-3456-7890 ana@acme.com', rules)).toMatchObject({ flags: { meeting: '81234567890' }, named: { email: 'ana@acme.com' } });
    expect(parseArgs('--webinar "812 3456 7890"', rules).flags).toEqual({ webinar: '81234567890' });
  });

  it('refuses a missing or malformed ID with the flag\'s noun', () => {
    expect(usageError(() => parseArgs('--webinar --cap 5', rules)).message).toBe('--webinar needs a webinar ID, e.g. --webinar 812 3456 7890.');
    expect(usageError(() => parseArgs('--webinar', rules)).message).toBe('--webinar needs a webinar ID, e.g. --webinar 812 3456 7890.');
    expect(usageError(() => parseArgs('--webinar 812 34', rules)).message).toBe(
      '"812 34" is not a webinar ID (it has 5 digits): Zoom webinar IDs have 9 to 12 digits, e.g. 812 3456 7890.',
    );
    expect(usageError(() => parseArgs('--meeting 81234567890 --meeting 81234567891', rules)).message).toBe('--meeting is given twice: give it once.');
  });
});

describe('parseArgs: positionals', () => {
  it('joins a meeting ID typed in groups', () => {
    expect(parseArgs('812 3456 7890', get).positionals).toEqual(['81234567890']);
    expect(parseArgs('812-3456-7890', get).positionals).toEqual(['81234567890']);
    expect(parseArgs('"812 3456 7890"', get).positionals).toEqual(['81234567890']);
    expect(parseArgs('81234567890', get).named).toEqual({ meetingId: '81234567890' });
  });

  it('stops joining before an email, and before a group that would pass 12 digits', () => {
    expect(parseArgs('812 3456 7890 jane@x.com --first Jane', register)).toEqual({
      positionals: ['81234567890', 'jane@x.com'],
      named: { meetingId: '81234567890', email: 'jane@x.com' },
      flags: { first: 'Jane' },
    });
    expect(parseArgs('812345678 901 jane@x', register).positionals).toEqual(['812345678901', 'jane@x']);
    const variadic = parseArgs('81234567890 1234 5678', approve);
    expect(variadic.named).toEqual({ meetingId: '81234567890', registrant: ['1234', '5678'] });
  });

  it('refuses IDs of the wrong length', () => {
    expect(() => parseArgs('8123456789012', get)).toThrow(
      '"8123456789012" is not a meeting ID (it has 13 digits): ' +
        'Zoom meeting IDs have 9 to 12 digits, e.g. 812 3456 7890.',
    );
    expect(() => parseArgs('1234 5678', get)).toThrow('"1234 5678" is not a meeting ID (it has 8 digits)');
  });

  it('accepts a meeting UUID only where the spec allows it', () => {
    expect(parseArgs('4444AAAiAAAAAiAiAiiAii==', recordings).positionals).toEqual(['4444AAAiAAAAAiAiAiiAii==']);
    expect(() => parseArgs('4444AAAiAAAAAiAiAiiAii==', get)).toThrow('is not a meeting ID');
  });

  it('collects a variadic positional among flags', () => {
    expect(parseArgs('812345678 a@x.com --all-pending b@x.com', approve)).toMatchObject({
      named: { meetingId: '812345678', registrant: ['a@x.com', 'b@x.com'] },
      flags: { 'all-pending': true },
    });
    expect(parseArgs('812345678 --all-pending', approve).named).toEqual({ meetingId: '812345678' });
  });

  it('checks positional choices', () => {
    expect(parseArgs('get /users/me', api).positionals).toEqual(['GET', '/users/me']);
    expect(() => parseArgs('GETT /users', api)).toThrow('"GETT" is not a valid <method>');
  });

  it('names a missing positional and an unexpected word', () => {
    expect(() => parseArgs('', get, { command: 'meeting get' })).toThrow(
      'meeting get needs <meetingId>, e.g. 812 3456 7890.',
    );
    expect(() => parseArgs('812345678 extra', get, { command: 'meeting get' })).toThrow(
      'Unexpected "extra": meeting get takes only <meetingId>.',
    );
    expect(() => parseArgs('foo', list, { command: 'meeting list' })).toThrow(
      'Unexpected "foo": meeting list takes only flags.',
    );
  });

  it("adds the command's usage line to every error", () => {
    const info = { command: 'meeting get', usage: '/zoom meeting get <meetingId>' };
    const error = usageError(() => parseArgs('abc', get, info));
    expect(error.usage).toBe('/zoom meeting get <meetingId>');
    expect(error.message).toMatch(/^"abc" is not a meeting ID/);
  });

  it('reports an unclosed quote', () => {
    expect(() => parseArgs('--user "jane', list)).toThrow(UsageError);
  });
});

describe('parseArgs: free text', () => {
  it('returns everything after the target verbatim, with inner quotes and runs of spaces', () => {
    const parsed = parseArgs('--as me ops-team Deploy  at "5pm"  -- don\'t   forget --public', chatSend);
    expect(parsed).toEqual({
      positionals: ['ops-team'],
      named: { target: 'ops-team' },
      flags: { as: 'me' },
      rest: 'Deploy  at "5pm"  -- don\'t   forget --public',
    });
  });

  it('removes one pair of quotes around the whole message only', () => {
    expect(parseArgs('ops "Hello   team"', chatSend).rest).toBe('Hello   team');
    expect(parseArgs('ops \u201CShe said "yes" to it\u201D', chatSend).rest).toBe('She said "yes" to it');
    expect(parseArgs('ops "Hi" and "bye"', chatSend).rest).toBe('"Hi" and "bye"');
  });

  it('takes a message with an unbalanced quote as typed', () => {
    expect(parseArgs("ops 'tis the \"season", chatSend).rest).toBe("'tis the \"season");
  });

  it('accepts a quoted target with spaces', () => {
    expect(parseArgs('"Sales team" hi', chatSend)).toMatchObject({ positionals: ['Sales team'], rest: 'hi' });
  });

  it('requires the message unless the spec makes it optional', () => {
    expect(() => parseArgs('ops', chatSend, { command: 'chat send' })).toThrow(
      'chat send needs <message> after <target>.',
    );
    expect(parseArgs('GET /users', api).rest).toBeUndefined();
  });

  it('returns a JSON body verbatim, quotes included', () => {
    const body = '{"topic": "Q4  review", "settings": {"approval_type": 0}}';
    expect(parseArgs(`PATCH /meetings/812 ${body}`, api).rest).toBe(body);
    expect(parseArgs('POST /x "quoted"', api).rest).toBe('"quoted"');
  });

  it('reads flags first when a command has free text but no positionals', () => {
    const spec: ArgSpec = { flags: { public: { type: 'boolean' } }, rest: { name: 'text' } };
    expect(parseArgs('--public hello --public "x', spec)).toMatchObject({
      flags: { public: true },
      rest: 'hello --public "x',
    });
  });
});

describe('parseArgs: spec mistakes', () => {
  it('refuses a variadic positional that is not last', () => {
    expect(() => parseArgs('', { positionals: [{ name: 'a', variadic: true }, { name: 'b' }] })).toThrow(
      'variadic <a> is not last',
    );
  });
});
