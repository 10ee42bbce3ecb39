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

describe('files the documents name', () => {
  // A path in backticks (`zoom/client.ts`, `src/config.ts`, `downloads/job.ts`) or a relative link. ARCHITECTURE.md
  // names files from src/, jobs/README.md from its own folder; a bare name (`transfer.ts`, said beside its folder)
  // must at least be a file of the repository.
  const PATH = /`((?:\.\.\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:ts|js|mjs|json|md))`/g;
  const LINK = /\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g;
  const repositoryFiles = ['src', 'test', 'bench', 'scripts', 'docs'].flatMap((dir) => filesUnder(join(ROOT, dir)));
  const names = new Set(repositoryFiles.map((file) => file.slice(file.lastIndexOf('/') + 1)).concat(readdirSync(ROOT)));
  const exists = (path: string) => {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  };

  /** The files `text` (the document at `doc`) names that are not there. */
  function missingFiles(doc: string, text: string): string[] {
    const folder = join(ROOT, doc, '..');
    const paths = [...text.matchAll(PATH)].map((m) => m[1]!).filter((path) => {
      if (!path.includes('/')) return !exists(join(folder, path)) && !names.has(path);
      return ![join(ROOT, path), join(ROOT, 'src', path), join(folder, path)].some(exists);
    });
    const links = [...text.matchAll(LINK)].map((m) => m[1]!).filter((link) => !/^[a-z]+:/.test(link) && !exists(join(folder, link)));
    return [...paths, ...links];
  }

  const DOCUMENTS = [...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`), 'src/jobs/README.md', 'README.md'];

  it('is told apart from a file that is not there', () => {
    const made = 'see `zoom/client.ts`, `src/config.ts`, `downloads/job.ts`, `transfer.ts` and [jobs](../src/jobs/README.md)';
    expect(missingFiles('docs/ARCHITECTURE.md', made.replace('`downloads/job.ts`', ''))).toEqual([]);
    expect(missingFiles('src/jobs/README.md', '`downloads/job.ts`, `queues.ts`')).toEqual([]);
    expect(missingFiles('docs/ARCHITECTURE.md', '`zoom/nowhere.ts`, `nowhere.ts`, [x](nowhere.md), `views/meeting-webinar-form.ts`')).toEqual([
      'zoom/nowhere.ts', 'nowhere.ts', 'views/meeting-webinar-form.ts', 'nowhere.md',
    ]);
  });

  it.each(DOCUMENTS)('%s names only files that exist', (doc) => {
    const text = read(doc);
    expect([...text.matchAll(PATH)].length + [...text.matchAll(LINK)].length).toBeGreaterThan(0);
    expect(missingFiles(doc, text)).toEqual([]);
  });
});

it('ARCHITECTURE.md shows each of its three commands in at most three files, each function where it says (issue 16)', () => {
  const doc = read('docs/ARCHITECTURE.md');
  const table = doc.slice(doc.indexOf('Three commands, file by file'), doc.indexOf('What lies between'));
  const rows = table.split('\n').filter((line) => line.startsWith('| `/zoom'));
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    const [command, ...cells] = row.split(' | ').map((cell) => cell.replace(/^\| |\s\|$/g, ''));
    const files = new Set(cells.flatMap((cell) => [...cell.matchAll(/`((?:commands|views|zoom|jobs)\/[\w/.-]+\.ts)`/g)].map((m) => m[1]!)));
    expect(files.size, command).toBeGreaterThanOrEqual(2);
    expect(files.size, `${command}: ${[...files].join(', ')}`).toBeLessThanOrEqual(3);
    const sources = [...files].map((file) => read(`src/${file}`));
    const functions = cells.flatMap((cell) => [...cell.matchAll(/`([A-Za-z_]\w*)`/g)].map((m) => m[1]!));
    expect(functions.length, command).toBeGreaterThan(0);
    const declared = (name: string) => sources.some((source) => new RegExp(`\\b(?:function|const|let|class)\\s+${name}\\b`).test(source));
    expect(functions.filter((name) => !declared(name)), command).toEqual([]);
  }
});
