// `npm start` and `npm run sandbox` run this first. It builds dist/ from src/ only when a source changed: `tsc --build`
// keeps dist/.tsbuildinfo and skips an up-to-date tree in about a second instead of a full build. In an image installed
// with `npm ci --omit=dev` TypeScript is absent, so the dist/ built into the image is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  if (existsSync(join(root, 'dist', 'main.js'))) process.exit(0);
  console.error('dist/ is not built and TypeScript is not installed (npm ci --omit=dev leaves it out): run npm ci and npm run build first, then prune.');
  process.exit(1);
}

const build = spawnSync(process.execPath, [tsc, '--build', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
