// The container image as the README promises it (no container engine runs here to build it; .ci/run lints the files).
// Read instruction by instruction, continuation lines joined, the runtime stage being everything after the last FROM.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8'));
const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
const runtime = all.slice(lastFrom);
const last = (keyword: string) => runtime.filter((i) => i.keyword === keyword).at(-1);

describe('Dockerfile', () => {
  it('builds in one stage and runs from another that has only production dependencies and the built output', () => {
    expect(all.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
    const buildStage = all.slice(0, lastFrom);
    expect(buildStage.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args) && !/--omit=dev/.test(i.args))).toBe(true);
    expect(buildStage.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'COPY' && /--from=\S+\s+\S*dist\b/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'COPY' && /(^|\s)(src|\.)\s/.test(`${i.args} `) && !/--from=/.test(i.args))).toBe(false);
  });

  it('runs as a user other than root', () => {
    const user = last('USER');
    expect(user, 'the runtime stage sets no USER').toBeDefined();
    expect(user!.args.split(':')[0]).not.toMatch(/^(root|0)$/);
    // Nothing after USER switches back.
    const afterUser = runtime.slice(runtime.lastIndexOf(user!) + 1);
    expect(afterUser.filter((i) => i.keyword === 'USER')).toEqual([]);
  });

  it('checks health on /healthz', () => {
    const healthcheck = last('HEALTHCHECK');
    expect(healthcheck, 'the runtime stage has no HEALTHCHECK').toBeDefined();
    expect(healthcheck!.args).toMatch(/\bCMD\b/);
    expect(healthcheck!.args).toContain('/healthz');
  });

  it('starts node in exec form, so SIGTERM reaches it', () => {
    const cmd = last('CMD');
    expect(cmd, 'the runtime stage has no CMD').toBeDefined();
    expect(JSON.parse(cmd!.args)).toEqual(['node', 'dist/main.js']);
    expect(runtime.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });
});

describe('compose.yaml', () => {
  const compose = readFileSync(new URL('../../../compose.yaml', import.meta.url), 'utf8');

  it('runs Redis with the append-only file on and no eviction', () => {
    expect(compose).toMatch(/--appendonly"?,\s*"?yes/);
    expect(compose).toMatch(/--maxmemory-policy"?,\s*"?noeviction/);
  });

  it('runs the bot as a web and a worker service', () => {
    expect(compose).toMatch(/^ {2}web:\n(?: {4}.*\n|\n)*? {6}ZOOMOPS_ROLE: web$/m);
    expect(compose).toMatch(/^ {2}worker:\n(?: {4}.*\n|\n)*? {6}ZOOMOPS_ROLE: worker$/m);
  });
});
