// What `npm start` costs before the bot runs: the full TypeScript build on a clean dist/, then the check that finds
// dist/ up to date (scripts/build-if-stale.mjs, tsc --build with dist/.tsbuildinfo). BENCH_RUNS no-op runs (default 3).
//   npx tsx bench/prestart.ts        (removes and rebuilds this checkout's dist/)
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const runs = Number(process.env.BENCH_RUNS ?? 3);

function timed(label: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`${label}: the build failed`);
  console.log(`${label}: ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

rmSync('dist', { recursive: true, force: true });
timed('full build (no dist/)');
const noop = Array.from({ length: runs }, (_, i) => timed(`up-to-date check ${i + 1}`)).sort((a, b) => a - b);
console.log(`up-to-date check: median ${(noop[Math.floor(noop.length / 2)]! / 1000).toFixed(2)} s over ${runs} runs`);
