// Views are pure builders (docs/ARCHITECTURE.md, "Who may import whom"): data in, blocks and sentences out. Every file
// of src/views may import other views, anything as a type, a few libraries that compute, and the pure error helpers
// below; never runtime code of commands/, slack/, jobs/, zoom/ or Redis. Read from the source, so a new import that
// breaks the rule fails here before it ships.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const VIEWS = join(ROOT, 'src/views');

/**
 * Modules a view may run, each importing nothing but one another and the pure libraries: the error base and error
 * classification, and the zod shapes of Zoom's event objects (alerts read an event's object through them).
 */
const PURE_HELPERS = ['src/errors.ts', 'src/redis-errors.ts', 'src/zoom/errors.ts', 'src/zoom/event-objects.ts', 'src/zoom/schemas.ts'];
/** Libraries that only compute. */
const PURE_PACKAGES = ['luxon', 'csv-stringify/sync', 'zod'];

interface Import {
  from: string;
  typeOnly: boolean;
}

/** The import and export-from statements of a file, multi-line ones too, with whether they bring only types. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s+'([^']+)'/gms)) {
    const [, , typeWord, names = '', from = ''] = m;
    const braced = /^\{([\s\S]*)\}$/.exec(names.trim());
    const allTypes = braced !== null && braced[1]!.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '));
    found.push({ from, typeOnly: typeWord !== undefined || allTypes });
  }
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) found.push({ from: m[1]!, typeOnly: false });
  return found;
}

/** A relative import as a path from the repository root (`src/zoom/errors.ts`); a package name as it is. */
function target(file: string, from: string): string {
  if (!from.startsWith('.')) return from;
  return relative(ROOT, resolve(dirname(file), from)).replace(/\.js$/, '.ts');
}

function runtimeImports(file: string): string[] {
  return importsOf(file).filter((i) => !i.typeOnly).map((i) => target(file, i.from));
}

describe('src/views imports only views, types, pure libraries and the pure error helpers', () => {
  const files = readdirSync(VIEWS).filter((f) => f.endsWith('.ts')).map((f) => join(VIEWS, f));

  it('reads every view and its imports (so the rule cannot pass on nothing)', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files.flatMap((f) => importsOf(f)).length).toBeGreaterThan(50);
    // The parser sees a type-only import as one, and a runtime one as runtime.
    expect(importsOf(join(VIEWS, 'errors.ts'))).toContainEqual({ from: '../slack/authorize.js', typeOnly: true });
    expect(runtimeImports(join(VIEWS, 'errors.ts'))).toContain('src/errors.ts');
  });

  it.each(files.map((f) => relative(ROOT, f)))('%s', (file) => {
    const allowed = (t: string) =>
      t.startsWith('src/views/') || PURE_HELPERS.includes(t) || PURE_PACKAGES.includes(t);
    expect(runtimeImports(join(ROOT, file)).filter((t) => !allowed(t))).toEqual([]);
  });

  it.each(PURE_HELPERS)('%s runs no code but the other pure helpers and libraries', (helper) => {
    expect(runtimeImports(join(ROOT, helper)).filter((t) => !PURE_HELPERS.includes(t) && !PURE_PACKAGES.includes(t))).toEqual([]);
  });
});
