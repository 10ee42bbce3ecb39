import { defineConfig } from 'vitest/config';

// The browser suite (npm run test:browser): headless Chromium (Debian's package, no browser download) against the
// sandbox as `npm run sandbox` starts it. One file at a time: each starts its own sandbox and browser on 2 cores.
// Global setup: Chromium must be there, and Redis as for `npm test` (REDIS_URL, else a private redis-server).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    restoreMocks: true,
    globalSetup: ['test/setup/chromium.ts', 'test/setup/redis.ts'],
  },
});
