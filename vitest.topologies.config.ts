import { defineConfig } from 'vitest/config';

// npm run test:redis-topologies: the bot on a real local Redis Cluster (3 masters, 3 replicas) and a Sentinel set
// (master, replica, three Sentinels), started on free ports by the global set-up. One file at a time: the suite
// kills masters, and the two cores are shared with eight redis-servers.
export default defineConfig({
  test: {
    include: ['test/topologies/**/*.test.ts'],
    globalSetup: ['test/topologies/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    restoreMocks: true,
  },
});
