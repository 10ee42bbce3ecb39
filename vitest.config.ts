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
    // A developer's own proxy settings would send the bot's calls through undici's fetch, which nock does not see;
    // the proxy tests set these themselves (test/helpers/forward-proxy.ts).
    env: { HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', NO_PROXY: '', no_proxy: '' },
  },
});
