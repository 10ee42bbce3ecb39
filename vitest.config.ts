import { configDefaults, defineConfig } from 'vitest/config';

// Tests talk to a real Redis (REDIS_URL, default 127.0.0.1:6379, else a private redis-server for the run: see
// test/setup/redis.ts); every file uses its own key prefix, so files may run in parallel.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser suite drives Chromium against the sandbox; it runs on its own (npm run test:browser).
    // So does the Redis Cluster and Sentinel suite (npm run test:redis-topologies).
    exclude: [...configDefaults.exclude, 'test/browser/**', 'test/topologies/**'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    restoreMocks: true,
    globalSetup: ['test/setup/redis.ts'],
  },
});
