// `/zoom api` input: paths stay under ZOOM_API_URL whatever encoding is tried; bodies must be JSON.
import { describe, expect, it } from 'vitest';
import { parseApiRequest } from '../../../src/commands/api.js';
import { UsageError } from '../../../src/commands/errors.js';

const BASE = 'https://api.zoom.us/v2';

function refusal(path: string, body?: string, method = 'GET'): string {
  try {
    parseApiRequest(method, path, body, BASE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${method} ${path} was accepted`);
}

describe('parseApiRequest accepts', () => {
  it('a path with a query, keeping its encoding', () => {
    expect(parseApiRequest('get', '/users/jane%40example.com/meetings?type=upcoming&page_size=30', undefined, BASE)).toEqual({
      method: 'GET',
      path: '/users/jane%40example.com/meetings',
      query: { type: 'upcoming', page_size: '30' },
    });
  });

  it('a path without its leading slash, an email in a segment, and a double-encoded meeting UUID', () => {
    expect(parseApiRequest('DELETE', 'users/jane@example.com', undefined, BASE).path).toBe('/users/jane@example.com');
    expect(parseApiRequest('GET', '/meetings/%252Fab%252Fcd%253D%253D/recordings', undefined, BASE).path).toBe('/meetings/%252Fab%252Fcd%253D%253D/recordings');
  });

  it('a path under a base with no path of its own (a local sandbox) and under one with /v2', () => {
    expect(parseApiRequest('GET', '/users', undefined, 'http://127.0.0.1:4010').path).toBe('/users');
    expect(parseApiRequest('GET', '/users/me', undefined, 'http://127.0.0.1:4010/').path).toBe('/users/me');
    expect(parseApiRequest('GET', '/users', undefined, 'https://api.zoom.us/v2').path).toBe('/users');
    expect(parseApiRequest('GET', '/users', undefined, 'https://api.zoom.us/v2/').path).toBe('/users');
  });

  it('a JSON body for a write', () => {
    expect(parseApiRequest('PATCH', '/users/u1', '{"dept": "Ops", "tags": [1, 2]}', BASE).body).toEqual({ dept: 'Ops', tags: [1, 2] });
  });
});

describe('parseApiRequest refuses', () => {
  it.each([
    ['an absolute URL', 'https://evil.example.com/v2/users', 'is a full URL'],
    ['an absolute URL to Zoom itself', 'https://api.zoom.us/v2/users', 'is a full URL'],
    ['another scheme', 'javascript:alert(1)', 'is a full URL'],
    ['a scheme-relative host', '//evil.example.com/users', 'names another host'],
    ['a dot-dot segment', '/users/../../oauth/token', '".." segments'],
    ['a trailing dot-dot', '/users/..', '".." segments'],
    ['a dot segment', '/./users', '".." segments'],
    ['encoded dots', '/users/%2e%2e/%2e%2e/oauth', '".." segments'],
    ['encoded dots in upper case', '/users/%2E%2E/x', '".." segments'],
    ['mixed encoded dots', '/users/.%2E/x', '".." segments'],
    ['double-encoded dots', '/users/%252e%252e/x', '".." segments'],
    ['triple-encoded dots', '/users/%25252E%25252e/x', '".." segments'],
    ['a backslash', '/users\\..\\oauth', 'backslash'],
    ['an encoded backslash', '/users/%5c..%5coauth', 'backslash'],
    ['CRLF', '/users\r\nHost: evil', 'control character'],
    ['encoded CRLF', '/users/%0d%0aHost:%20evil', 'control character'],
    ['double-encoded CRLF', '/users/%250d%250a', 'control character'],
    ['a NUL byte', '/users/%00', 'control character'],
    ['an empty segment', '/users//me', 'empty segment'],
    ['a space', '/users/jane doe', 'percent-encoded'],
    ['a broken escape', '/users/%zz', 'not a percent-encoding'],
    ['a fragment', '/users#x', 'fragment'],
  ])('%s', (_name, path, said) => {
    const message = refusal(path);
    expect(message).toContain(said);
    expect(message).toContain('Give a path under ZOOM_API_URL');
  });

  it('a CRLF in the query', () => {
    expect(refusal('/users?status=active%0d%0aX:1')).toContain('control character');
  });

  it('anything the URL parser would put outside a base with a path prefix', () => {
    // %2e is a dot to the URL parser too: the last check compares where the URL really lands.
    expect(() => parseApiRequest('GET', '/x', undefined, 'https://zoom.example.com/proxy/v2')).not.toThrow();
    expect(refusal('/%2e%2e/admin')).toContain('".." segments');
  });

  it('a body that is not JSON, naming the parse error', () => {
    expect(refusal('/users', '{"email": "a@b.c",}', 'POST')).toMatch(/^The body is not valid JSON \(.+\)\. Write it as JSON/);
  });

  it('a body on a GET, and an unknown method', () => {
    expect(refusal('/users', '{}')).toContain('A GET takes no body');
    expect(refusal('/users', undefined, 'TRACE')).toContain('"TRACE" is not a method');
  });

  it('a query parameter given twice', () => {
    expect(refusal('/users?status=active&status=pending')).toContain('gives "status" twice');
  });
});
