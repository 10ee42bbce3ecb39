// `npm start` builds once and then only when a source changed; in an image installed with `npm ci --omit=dev`
// (no TypeScript) it runs the dist/ already built, and says what to do when there is none.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/build-if-stale.mjs', import.meta.url);
const NODE_MODULES = new URL('../../node_modules', import.meta.url);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project laid out like this one: scripts/, src/, tsconfig.build.json, and node_modules when TypeScript is installed. */
function project(opts: { typescript: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zoomops-prestart-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src'));
  copyFileSync(SCRIPT, join(dir, 'scripts', 'build-if-stale.mjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.build.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', rootDir: 'src', outDir: 'dist', incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo', types: [] }, include: ['src'] }),
  );
  writeFileSync(join(dir, 'src', 'main.ts'), 'export const answer: number = 1;\n');
  if (opts.typescript) symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  return dir;
}

function prestart(dir: string) {
  const run = spawnSync(process.execPath, [join(dir, 'scripts', 'build-if-stale.mjs')], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

const built = (dir: string) => join(dir, 'dist', 'main.js');

describe('the build before npm start', () => {
  it('builds when dist/ is missing, leaves an up-to-date dist/ alone, and rebuilds after a source changed', { timeout: 120_000 }, () => {
    const dir = project({ typescript: true });
    expect(prestart(dir).status).toBe(0);
    expect(readFileSync(built(dir), 'utf8')).toContain('answer = 1');
    const first = statSync(built(dir)).mtimeMs;
    const info = statSync(join(dir, 'dist', '.tsbuildinfo')).mtimeMs;

    expect(prestart(dir).status).toBe(0);
    expect(statSync(built(dir)).mtimeMs).toBe(first);
    expect(statSync(join(dir, 'dist', '.tsbuildinfo')).mtimeMs).toBe(info);

    writeFileSync(join(dir, 'src', 'main.ts'), 'export const answer: number = 2;\n');
    expect(prestart(dir).status).toBe(0);
    expect(readFileSync(built(dir), 'utf8')).toContain('answer = 2');
  });

  it('runs the built dist/ as it is where TypeScript is not installed (npm ci --omit=dev)', () => {
    const dir = project({ typescript: false });
    mkdirSync(join(dir, 'dist'));
    writeFileSync(built(dir), 'export const answer = 0;\n');
    expect(prestart(dir)).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(built(dir), 'utf8')).toBe('export const answer = 0;\n');
  });

  it('says in one sentence what to do when there is neither TypeScript nor a built dist/', () => {
    const dir = project({ typescript: false });
    expect(prestart(dir)).toEqual({
      status: 1,
      stderr: 'dist/ is not built and TypeScript is not installed (npm ci --omit=dev leaves it out): run npm ci and npm run build first, then prune.\n',
    });
  });
});
