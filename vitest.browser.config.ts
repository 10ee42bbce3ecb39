import { defineConfig } from 'vitest/config';

// The browser suite (npm run test:browser): headless Chromium (Debian's package, no browser download) against the
// sandbox as `npm run sandbox` starts it. One file at a time: each starts its own sandbox and browser on 2 cores.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    restoreMocks: true,
  },
});
