// Starts the Redis Cluster and the Sentinel set once for the topology suite and stops them after it.
import type { TestProject } from 'vitest/node';
import { startCluster, startSentinels } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    clusterNodes: string[];
    sentinel: { nodes: string[]; sentinels: string[]; masterName: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster();
  try {
    const sentinel = await startSentinels();
    project.provide('clusterNodes', cluster.nodes);
    project.provide('sentinel', { nodes: sentinel.nodes, sentinels: sentinel.sentinels, masterName: sentinel.masterName });
    return async () => {
      await Promise.all([cluster.stop(), sentinel.stop()]);
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
