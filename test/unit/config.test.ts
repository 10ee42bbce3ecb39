import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
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

const SANDBOX_HINT = 'No Slack or Zoom app yet? Try ZoomOps first without them: npm run sandbox (or remove every SLACK_* and ZOOM_* line from .env and run npm start).';

function startError(env: NodeJS.ProcessEnv, opts?: { forceSandbox?: boolean }): ConfigError {
  try {
    resolveStartMode(env, opts);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('start mode after cp .env.example .env', () => {
  const example = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')) as NodeJS.ProcessEnv;

  it('refuses the placeholders as malformed and points to the sandbox', () => {
    expect(example.SLACK_BOT_TOKEN).toBe('xoxb-...');
    const error = startError(example);
    expect(error.problems).toContain('SLACK_BOT_TOKEN is still the placeholder from .env.example: paste the real value');
    expect(error.message.endsWith(`\n${SANDBOX_HINT}`)).toBe(true);
  });

  it('refuses any placeholder left in, not only the bot token', () => {
    expect(problemsOf({ ...REAL, SLACK_APP_TOKEN: 'xapp-...', ZOOM_CLIENT_SECRET: '…' })).toEqual([
      'SLACK_APP_TOKEN is still the placeholder from .env.example: paste the real value',
      'ZOOM_CLIENT_SECRET is still the placeholder from .env.example: paste the real value',
    ]);
  });

  it('points to the sandbox whenever real mode cannot start', () => {
    expect(startError({ ZOOM_CLIENT_ID: 'cid' }).message.endsWith(`\n${SANDBOX_HINT}`)).toBe(true);
  });
});

describe('when the sandbox starts', () => {
  it('not when any SLACK_* or ZOOM_* variable is set, even one that is not a credential', () => {
    for (const name of ['SLACK_API_URL', 'ZOOM_API_URL', 'ZOOM_PLAN', 'ZOOM_WS_URL', 'SLACK_SOMETHING_NEW']) {
      const error = startError({ [name]: name === 'ZOOM_PLAN' ? 'pro' : 'https://example.com/' });
      expect(error.problems, name).toContain('SLACK_BOT_TOKEN is missing (the bot token, xoxb-…)');
    }
  });

  it('still when those variables are set but empty', () => {
    expect(resolveStartMode({ SLACK_BOT_TOKEN: '', ZOOM_PLAN: ' ' })).toEqual({ kind: 'sandbox' });
  });

  it('never in production, even when asked with --sandbox', () => {
    const refused = resolveStartMode({ NODE_ENV: 'production' }, { forceSandbox: true });
    expect(refused).toEqual({
      kind: 'refused',
      reason: 'NODE_ENV=production: ZoomOps will not start the sandbox (a fake Slack and Zoom on this machine) in production. Unset NODE_ENV to try the sandbox, or set the Slack and Zoom credentials.',
    });
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
      recordings: { dir: './data/recordings', downloadConcurrency: 2, extraDownloadHosts: [], downloadClient: 'http1' },
    });
  });

  it('takes undici as the download client when asked, and refuses any other', () => {
    expect(parseConfig({ ...REAL, ZOOMOPS_DOWNLOAD_CLIENT: 'undici' }).recordings.downloadClient).toBe('undici');
    expect(problemsOf({ ...REAL, ZOOMOPS_DOWNLOAD_CLIENT: 'curl' })).toEqual(['ZOOMOPS_DOWNLOAD_CLIENT must be http1 or undici, got "curl"']);
  });

  it('refuses a proxy variable that is not an http(s) URL, without quoting it (it may hold a password)', () => {
    const problems = problemsOf({ ...REAL, https_proxy: 'socks5://user:hunter2@proxy:1080', HTTP_PROXY: 'proxy:3128' });
    expect(problems).toEqual([
      'https_proxy must be an http:// or https:// proxy URL such as http://proxy.example.com:3128',
      'HTTP_PROXY must be an http:// or https:// proxy URL such as http://proxy.example.com:3128',
    ]);
    expect(parseConfig({ ...REAL, HTTPS_PROXY: 'http://user:pw@proxy.example.com:3128' }).role).toBe('all');
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

describe('transport of the Zoom and Slack URLs', () => {
  it('refuses plain http:// and ws:// to a remote host, naming each variable', () => {
    const problems = problemsOf({
      ...REAL,
      ZOOM_OAUTH_URL: 'http://zoom.us/oauth/token',
      ZOOM_API_URL: 'http://api.zoom.us/v2',
      SLACK_API_URL: 'http://slack.com/api/',
      ZOOM_WS_URL: 'ws://ws.zoom.us/ws',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toContain('ZOOM_OAUTH_URL must be an https:// URL (http:// only for a loopback host), got "http://zoom.us/oauth/token"');
    expect(problems.join('\n')).toContain('ZOOM_API_URL must be an https:// URL');
    expect(problems.join('\n')).toContain('SLACK_API_URL must be an https:// URL');
    expect(problems.join('\n')).toContain('ZOOM_WS_URL must be a wss:// URL (ws:// only for a loopback host), got "ws://ws.zoom.us/ws"');
  });

  it('refuses a host that only looks like loopback', () => {
    for (const url of ['http://127.0.0.1.evil.test/v2', 'http://localhost.evil.test/v2', 'http://[::2]/v2', 'http://128.0.0.1/v2']) {
      expect(problemsOf({ ...REAL, ZOOM_API_URL: url }), url).toHaveLength(1);
    }
  });

  it('accepts plain transport to loopback hosts only (a local fake or the sandbox)', () => {
    const config = parseConfig({
      ...REAL,
      ZOOM_OAUTH_URL: 'http://127.0.0.1:9000/oauth/token',
      ZOOM_API_URL: 'http://127.8.9.10:9000/v2',
      SLACK_API_URL: 'http://localhost:9001/api/',
      ZOOM_WS_URL: 'ws://[::1]:9002/ws',
    });
    expect(config.zoom.oauthUrl).toBe('http://127.0.0.1:9000/oauth/token');
    expect(config.zoom.apiUrl).toBe('http://127.8.9.10:9000/v2');
    expect(config.slack.apiUrl).toBe('http://localhost:9001/api/');
    expect(config.zoom.wsUrl).toBe('ws://[::1]:9002/ws');
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
