// The repository explains itself: comments point at docs/ (never at documents a clone does not have), the
// configuration reference names every variable the code reads, and the jobs README names every queue.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/jobs/queues.js';

const ROOT = join(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('documents a clone does not have', () => {
  // Spelled in pieces so that this file does not name them itself.
  const outside = new RegExp(
    [
      ...['contract', 'commands', 'design'].map((name) => `\\b${name}\\.md\\b`),
      `zoom-${'facts'}`,
      `(\\.\\.|/work)/${'shared'}\\b`,
    ].join('|'),
  );

  it('is recognised when a comment names one', () => {
    expect(outside.test(`// see ${'contract'}.md`)).toBe(true);
    expect(outside.test(`// zoom-${'facts'} §2.1`)).toBe(true);
    expect(outside.test(`// ../${'shared'}/reference`)).toBe(true);
    expect(outside.test('// see docs/command-grammar.md')).toBe(false);
  });

  it('is named by no file under src/, test/, bench/ or docs/, nor by the README', () => {
    const files = ['src', 'test', 'bench', 'docs'].flatMap((dir) => filesUnder(join(ROOT, dir))).concat(join(ROOT, 'README.md'));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (outside.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('is replaced by docs/ files that exist', () => {
    const named = new Set(
      filesUnder(join(ROOT, 'src'))
        .concat(filesUnder(join(ROOT, 'test')))
        .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bdocs\/([\w.-]+\.md)\b/g)].map((m) => m[1]!)),
    );
    expect(named.size).toBeGreaterThan(0);
    const existing = new Set(readdirSync(join(ROOT, 'docs')));
    expect([...named].filter((name) => !existing.has(name))).toEqual([]);
  });
});

it('docs/configuration.md describes every variable src/config.ts reads', () => {
  const config = read('src/config.ts');
  // The keys of the environment schema, indented inside `envSchema`, and the credential list.
  const variables = new Set([...config.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm), ...config.matchAll(/^\s+'([A-Z][A-Z0-9_]{2,})',$/gm)].map((m) => m[1]!));
  expect(variables).toContain('REDIS_URL');
  expect(variables).toContain('SLACK_BOT_TOKEN');
  const doc = read('docs/configuration.md');
  expect([...variables].filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
});

it('src/jobs/README.md names every queue', () => {
  const readme = read('src/jobs/README.md');
  expect(QUEUE_NAMES.length).toBe(6);
  expect(QUEUE_NAMES.filter((queue) => !readme.includes(`\`${queue}\``))).toEqual([]);
});
