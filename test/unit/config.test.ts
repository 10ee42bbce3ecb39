import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, resolveStartMode } from '../../src/config.js';

const REAL = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'sign-secret-value',
  ZOOM_ACCOUNT_ID: 'acct',
  ZOOM_CLIENT_ID: 'cid',
  ZOOM_CLIENT_SECRET: 'super-secret-value',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('start mode', () => {
  it('runs the sandbox when no credential is set, but never in production', () => {
    expect(resolveStartMode({})).toEqual({ kind: 'sandbox' });
    expect(resolveStartMode({ NODE_ENV: 'production' }).kind).toBe('refused');
  });

  it('always runs the sandbox when asked, whatever is set', () => {
    expect(resolveStartMode(REAL, { forceSandbox: true })).toEqual({ kind: 'sandbox' });
  });

  it('names every missing variable at once when only some are set', () => {
    let error: ConfigError | undefined;
    try {
      resolveStartMode({ ZOOM_CLIENT_ID: 'cid' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'ZOOM_ACCOUNT_ID', 'ZOOM_CLIENT_SECRET']) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('ZOOM_CLIENT_ID ');
  });
});

describe('parseConfig', () => {
  it('fills the contract defaults and picks HTTP mode with a signing secret', () => {
    const config = parseConfig(REAL);
    expect(config).toMatchObject({
      role: 'all',
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      logLevel: 'info',
      slack: { socketMode: false, apiUrl: 'https://slack.com/api/', command: '/zoom' },
      zoom: { apiUrl: 'https://api.zoom.us/v2', oauthUrl: 'https://zoom.us/oauth/token', plan: 'pro', webhookSecrets: [] },
      recordings: { dir: './data/recordings', downloadConcurrency: 2, extraDownloadHosts: [] },
    });
  });

  it('uses Socket Mode when an app token is set, without a signing secret', () => {
    const { SLACK_SIGNING_SECRET: _, ...rest } = REAL;
    const config = parseConfig({ ...rest, SLACK_APP_TOKEN: 'xapp-1' });
    expect(config.slack.socketMode).toBe(true);
  });

  it('splits admins and viewers into users and user groups, and two webhook secrets during a rotation', () => {
    const config = parseConfig({
      ...REAL,
      ZOOMOPS_ADMINS: 'U01, S02 ,W03',
      ZOOMOPS_VIEWERS: 'U09',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'new,old',
      ZOOM_API_URL: 'https://api.zoomgov.com/v2/',
    });
    expect(config.access.admins).toEqual({ users: ['U01', 'W03'], groups: ['S02'] });
    expect(config.access.viewers).toEqual({ users: ['U09'], groups: [] });
    expect(config.zoom.webhookSecrets).toEqual(['new', 'old']);
    expect(config.zoom.apiUrl).toBe('https://api.zoomgov.com/v2');
  });

  it('names each malformed value with what was received, but never echoes a secret', () => {
    const problems = problemsOf({
      ...REAL,
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      PORT: 'eighty',
      ZOOM_PLAN: 'enterprise',
      ZOOMOPS_ADMINS: 'alice',
      ZOOMOPS_ROLE: 'both',
      REDIS_URL: 'localhost:6379',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toContain('PORT must be a port number from 1 to 65535, got "eighty"');
    expect(problems.join('\n')).toContain('ZOOM_PLAN must be free, pro or business, got "enterprise"');
    expect(problems.join('\n')).toContain('"alice"');
    expect(problems.join('\n')).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(problems.join('\n')).not.toContain('xoxp-user-token-secret');
  });

  it('asks for a signing secret or an app token when neither is set', () => {
    const { SLACK_SIGNING_SECRET: _, ...rest } = REAL;
    expect(problemsOf(rest)).toEqual([
      'SLACK_SIGNING_SECRET is missing: set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode',
    ]);
  });
});

// The Redis deployment variables: one Redis, a cluster's seeds, or Sentinels; and the key prefix.
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
    const problems = problemsOf({ ...REAL, REDIS_CLUSTER_NODES: 'redis://h1:7000,http://u:hunter2@h2:7001' });
    expect(problems).toEqual(['REDIS_CLUSTER_NODES must be a redis:// or rediss:// URL, got "http://u:***@h2:7001"']);
    expect(problemsOf({ ...REAL, REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS must list host:port pairs separated by commas, got "s1"',
    ]);
  });

  it('refuses a cluster and Sentinels together, and Sentinels without the master name', () => {
    expect(problemsOf({ ...REAL, REDIS_CLUSTER_NODES: 'redis://h1:7000', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set: a Redis deployment is either a cluster or watched by Sentinels, set one',
    ]);
    expect(problemsOf({ ...REAL, REDIS_SENTINELS: 's1:26379' })).toEqual([
      "REDIS_SENTINELS and REDIS_SENTINEL_NAME go together: the Sentinels' addresses and the name of the master they watch",
    ]);
  });

  it('takes a key prefix that cannot break a hash tag or a key pattern', () => {
    expect(parseConfig({ ...REAL, ZOOMOPS_KEY_PREFIX: 'zoomops-eu.2' }).keyPrefix).toBe('zoomops-eu.2');
    expect(problemsOf({ ...REAL, ZOOMOPS_KEY_PREFIX: 'zoom}ops' })).toEqual([
      'ZOOMOPS_KEY_PREFIX must be 1 to 64 letters, digits, dots, dashes or underscores, got "zoom}ops"',
    ]);
  });
});
