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
