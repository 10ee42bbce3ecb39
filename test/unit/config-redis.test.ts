// The Redis deployment variables: one Redis, a cluster's seeds, or Sentinels; and the key prefix.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const REAL = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'sign-secret-value',
  ZOOM_ACCOUNT_ID: 'acct',
  ZOOM_CLIENT_ID: 'cid',
  ZOOM_CLIENT_SECRET: 'super-secret-value',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig({ ...REAL, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Redis topology', () => {
  it('is one Redis at REDIS_URL, under the prefix zoomops, by default', () => {
    const config = parseConfig(REAL);
    expect(config.redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(config.keyPrefix).toBe('zoomops');
  });

  it('reads cluster seeds, with the credentials of the first seed that has them and TLS from rediss://', () => {
    const config = parseConfig({
      ...REAL,
      REDIS_URL: 'redis://ignored:6379',
      REDIS_CLUSTER_NODES: 'rediss://h1:7000, rediss://ops:p%40ss@h2:7001,rediss://[::1]:7002',
    });
    expect(config.redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: 'ops',
      password: 'p@ss',
      tls: true,
    });
  });

  it("reads Sentinels, with REDIS_URL's user, password, database and TLS for the master", () => {
    const config = parseConfig({
      ...REAL,
      REDIS_URL: 'rediss://app:secret@unused-host:6379/2',
      REDIS_SENTINELS: 's1:26379,s2:26380',
      REDIS_SENTINEL_NAME: 'zoomops-master',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    expect(config.redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'zoomops-master',
      sentinelPassword: 'sentinel-secret',
      db: 2,
      username: 'app',
      password: 'secret',
      tls: true,
    });
  });

  it('names a bad seed without echoing its password, and a bad Sentinel address', () => {
    const problems = problemsOf({ REDIS_CLUSTER_NODES: 'redis://h1:7000,http://u:hunter2@h2:7001' });
    expect(problems).toEqual(['REDIS_CLUSTER_NODES must be a redis:// or rediss:// URL, got "http://u:***@h2:7001"']);
    expect(problemsOf({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS must list host:port pairs separated by commas, got "s1"',
    ]);
  });

  it('refuses a cluster and Sentinels together, and Sentinels without the master name', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://h1:7000', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set: a Redis deployment is either a cluster or watched by Sentinels, set one',
    ]);
    expect(problemsOf({ REDIS_SENTINELS: 's1:26379' })).toEqual([
      "REDIS_SENTINELS and REDIS_SENTINEL_NAME go together: the Sentinels' addresses and the name of the master they watch",
    ]);
  });

  it('takes a key prefix that cannot break a hash tag or a key pattern', () => {
    expect(parseConfig({ ...REAL, ZOOMOPS_KEY_PREFIX: 'zoomops-eu.2' }).keyPrefix).toBe('zoomops-eu.2');
    expect(problemsOf({ ZOOMOPS_KEY_PREFIX: 'zoom}ops' })).toEqual([
      'ZOOMOPS_KEY_PREFIX must be 1 to 64 letters, digits, dots, dashes or underscores, got "zoom}ops"',
    ]);
  });
});
