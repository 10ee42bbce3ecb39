// The bot's environment (contract.md), parsed by one zod schema into a typed Config.
// Every problem is named in one message so an operator fixes them all in one go; secrets are never echoed.
import { z } from 'zod';

export type Role = 'all' | 'web' | 'worker';
export type ZoomPlan = 'free' | 'pro' | 'business';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Slack user (`U…`/`W…`) and user-group (`S…`) IDs from ZOOMOPS_ADMINS / ZOOMOPS_VIEWERS. */
export interface Principals {
  users: string[];
  groups: string[];
}

export interface Config {
  role: Role;
  port: number;
  redisUrl: string;
  logLevel: LogLevel;
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    /** Socket Mode when an app-level token is set, else HTTP on POST /slack/events. */
    socketMode: boolean;
    apiUrl: string;
    command: string;
  };
  zoom: {
    accountId: string;
    clientId: string;
    clientSecret: string;
    /** One secret, or two during a rotation; URL validation answers with the first. */
    webhookSecrets: string[];
    apiUrl: string;
    oauthUrl: string;
    plan: ZoomPlan;
    wsSubscriptionId?: string;
    wsUrl: string;
  };
  access: {
    /** Unset: the workspace's admins and owners are the bot's admins. */
    admins?: Principals;
    viewers?: Principals;
  };
  auditChannel?: string;
  recordings: {
    dir: string;
    downloadConcurrency: number;
    extraDownloadHosts: string[];
    /** The HTTP client of recording downloads (README, "Recording downloads"): the project's own http1.ts (default), or undici. */
    downloadClient?: 'http1' | 'undici';
  };
}

/** Variables whose presence decides between real mode and the sandbox (contract.md, "Processes and start-up"). */
export const CREDENTIAL_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'ZOOM_ACCOUNT_ID',
  'ZOOM_CLIENT_ID',
  'ZOOM_CLIENT_SECRET',
  'ZOOM_WEBHOOK_SECRET_TOKEN',
  'ZOOM_WS_SUBSCRIPTION_ID',
] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`ZoomOps cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export type StartMode =
  | { kind: 'real'; config: Config }
  | { kind: 'sandbox' }
  | { kind: 'refused'; reason: string };

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((v) => blankToUndefined(v) ?? fallback, schema);

const proxyUrl = optional(
  z.string().refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), {
    error: 'must be an http:// or https:// proxy URL such as http://proxy.example.com:3128',
  }),
);

// A secret's schema never reports the received value (zod would otherwise quote it back).
const secret = (what: string) =>
  z.string({ error: `is missing (${what})` }).min(1, { error: `is missing (${what})` });

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
    error: (issue) => `must be an http(s) URL, got "${String(issue.input)}"`,
  });

const principalList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .superRefine((ids, ctx) => {
    const bad = ids.filter((id) => !/^[UWS][A-Z0-9]{2,}$/.test(id));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must list Slack user IDs (U…/W…) or user-group IDs (S…), separated by commas; not IDs: ${bad
          .map((b) => `"${b}"`)
          .join(', ')}`,
      });
    }
  })
  .transform((ids): Principals => ({
    users: ids.filter((id) => !id.startsWith('S')),
    groups: ids.filter((id) => id.startsWith('S')),
  }));

/** A whole number within bounds, read from text; the message quotes what was received. */
const wholeNumber = (what: string, min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `must be ${what} from ${min} to ${max}, got "${raw}"` });
      return z.NEVER;
    }
    return value;
  });

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: secret('the bot token, xoxb-…').refine((v) => v.startsWith('xoxb-'), {
      error: 'must be a bot token starting with xoxb-',
    }),
    SLACK_SIGNING_SECRET: optional(z.string()),
    SLACK_APP_TOKEN: optional(
      z.string().refine((v) => v.startsWith('xapp-'), { error: 'must be an app-level token starting with xapp-' }),
    ),
    SLACK_API_URL: withDefault(httpUrl, 'https://slack.com/api/'),
    ZOOM_ACCOUNT_ID: secret('the Account ID of the Server-to-Server OAuth app'),
    ZOOM_CLIENT_ID: secret('the Client ID of the Server-to-Server OAuth app'),
    ZOOM_CLIENT_SECRET: secret('the Client Secret of the Server-to-Server OAuth app'),
    ZOOM_WEBHOOK_SECRET_TOKEN: optional(z.string()),
    ZOOM_API_URL: withDefault(httpUrl, 'https://api.zoom.us/v2'),
    ZOOM_OAUTH_URL: withDefault(httpUrl, 'https://zoom.us/oauth/token'),
    ZOOM_PLAN: withDefault(
      z.enum(['free', 'pro', 'business'], {
        error: (issue) => `must be free, pro or business, got "${String(issue.input)}"`,
      }),
      'pro',
    ),
    ZOOM_WS_SUBSCRIPTION_ID: optional(z.string()),
    ZOOM_WS_URL: withDefault(
      z.string().refine((v) => URL.canParse(v) && /^wss?:$/.test(new URL(v).protocol), {
        error: (issue) => `must be a ws(s) URL, got "${String(issue.input)}"`,
      }),
      'wss://ws.zoom.us/ws',
    ),
    REDIS_URL: withDefault(
      z.string().refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), {
        error: 'must be a redis:// or rediss:// URL',
      }),
      'redis://127.0.0.1:6379',
    ),
    PORT: withDefault(wholeNumber('a port number', 1, 65535), '3000'),
    ZOOMOPS_ROLE: withDefault(
      z.enum(['all', 'web', 'worker'], {
        error: (issue) => `must be all, web or worker, got "${String(issue.input)}"`,
      }),
      'all',
    ),
    ZOOMOPS_COMMAND: withDefault(
      z.string().regex(/^\/[a-z0-9_-]{1,31}$/, { error: 'must be a slash command such as /zoom or /zoomadmin' }),
      '/zoom',
    ),
    ZOOMOPS_ADMINS: optional(principalList),
    ZOOMOPS_VIEWERS: optional(principalList),
    ZOOMOPS_AUDIT_CHANNEL: optional(
      z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'must be a Slack channel ID such as C0123ABCD' }),
    ),
    ZOOMOPS_RECORDINGS_DIR: withDefault(z.string(), './data/recordings'),
    ZOOMOPS_DOWNLOAD_CONCURRENCY: withDefault(wholeNumber('a whole number', 1, 32), '2'),
    ZOOMOPS_DOWNLOAD_HOSTS: optional(
      z
        .string()
        .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
        .refine((hosts) => hosts.every((h) => /^[a-z0-9.-]+(:\d+)?$/.test(h)), {
          error: 'must list host names separated by commas (no scheme or path)',
        }),
    ),
    ZOOMOPS_DOWNLOAD_CLIENT: withDefault(
      z.enum(['http1', 'undici'], {
        error: (issue) => `must be http1 or undici, got "${String(issue.input)}"`,
      }),
      'http1',
    ),
    // Read by the proxy code itself (src/outbound-proxy.ts); checked here so that a typo fails the start-up, without
    // quoting the value (it may carry the proxy's password).
    https_proxy: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    HTTP_PROXY: proxyUrl,
    LOG_LEVEL: withDefault(
      z.enum(['debug', 'info', 'warn', 'error'], {
        error: (issue) => `must be debug, info, warn or error, got "${String(issue.input)}"`,
      }),
      'info',
    ),
  });

/** Rules that span variables; checked on the raw environment so they are reported beside every other problem. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (!set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN')) {
    problems.push('SLACK_SIGNING_SECRET is missing: set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode');
  }
  if ((env.ZOOM_WEBHOOK_SECRET_TOKEN ?? '').split(',').filter((s) => s.trim()).length > 2) {
    problems.push(
      'ZOOM_WEBHOOK_SECRET_TOKEN holds at most two secrets (the new and the old one, during a rotation), separated by a comma',
    );
  }
  return problems;
}

/** Parses the environment of real mode; throws ConfigError naming every problem. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  return {
    role: e.ZOOMOPS_ROLE,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      socketMode: Boolean(e.SLACK_APP_TOKEN),
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      command: e.ZOOMOPS_COMMAND,
    },
    zoom: {
      accountId: e.ZOOM_ACCOUNT_ID,
      clientId: e.ZOOM_CLIENT_ID,
      clientSecret: e.ZOOM_CLIENT_SECRET,
      webhookSecrets: (e.ZOOM_WEBHOOK_SECRET_TOKEN ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      apiUrl: e.ZOOM_API_URL.replace(/\/+$/, ''),
      oauthUrl: e.ZOOM_OAUTH_URL,
      plan: e.ZOOM_PLAN,
      wsSubscriptionId: e.ZOOM_WS_SUBSCRIPTION_ID,
      wsUrl: e.ZOOM_WS_URL,
    },
    access: { admins: e.ZOOMOPS_ADMINS, viewers: e.ZOOMOPS_VIEWERS },
    auditChannel: e.ZOOMOPS_AUDIT_CHANNEL,
    recordings: {
      dir: e.ZOOMOPS_RECORDINGS_DIR,
      downloadConcurrency: e.ZOOMOPS_DOWNLOAD_CONCURRENCY,
      extraDownloadHosts: e.ZOOMOPS_DOWNLOAD_HOSTS ?? [],
      downloadClient: e.ZOOMOPS_DOWNLOAD_CLIENT,
    },
  };
}

/**
 * Decides how `npm start` runs: real mode with every credential, the sandbox with none of them (never in
 * production), and a ConfigError naming what is missing when only some are set.
 */
export function resolveStartMode(env: NodeJS.ProcessEnv, opts: { forceSandbox?: boolean } = {}): StartMode {
  if (opts.forceSandbox) return { kind: 'sandbox' };
  const anyCredential = CREDENTIAL_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
  if (!anyCredential) {
    if (env.NODE_ENV === 'production') {
      return {
        kind: 'refused',
        reason:
          'NODE_ENV=production and no Slack or Zoom credentials are set; ZoomOps will not start the sandbox in ' +
          'production. Set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), ZOOM_ACCOUNT_ID, ' +
          'ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.',
      };
    }
    return { kind: 'sandbox' };
  }
  return { kind: 'real', config: parseConfig(env) };
}
