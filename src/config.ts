// The bot's environment (docs/configuration.md), parsed by one zod schema into a typed Config.
// Every problem is named in one message so an operator fixes them all in one go; secrets are never echoed.
import { z } from 'zod';
import { CodedError } from './errors.js';

export type Role = 'all' | 'web' | 'worker';
export type ZoomPlan = 'free' | 'pro' | 'business';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Slack user (`U…`/`W…`) and user-group (`S…`) IDs from ZOOMOPS_ADMINS / ZOOMOPS_VIEWERS. */
export interface Principals {
  users: string[];
  groups: string[];
}

/** A Redis server's address as Sentinel or cluster seeds list it. */
export interface RedisHost {
  host: string;
  port: number;
}

/** Credentials and TLS of the Redis servers that hold the data (from REDIS_URL, or the first cluster seed that has them). */
export interface RedisAuth {
  username?: string;
  password?: string;
  tls: boolean;
}

/** Which kind of Redis deployment the bot talks to; every connection it makes follows this. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | ({ kind: 'cluster'; nodes: RedisHost[] } & RedisAuth)
  | ({ kind: 'sentinel'; sentinels: RedisHost[]; name: string; sentinelPassword?: string; db: number } & RedisAuth);

export interface Config {
  role: Role;
  port: number;
  redisUrl: string;
  redis: RedisTopology;
  /** ZOOMOPS_KEY_PREFIX: the namespace inside every hash tag of every key and queue. */
  keyPrefix: string;
  /** ZOOMOPS_REDIS_WAIT: an accepted event waits for a replica's copy before its 200 (when the master has replicas). */
  waitForReplica: boolean;
  /**
   * ZOOMOPS_EVENT_SHARDS: queues (each with its relay state on its own cluster slot) the Zoom events are spread over;
   * 1 on one Redis or Sentinel (one master does all the work anyway), 8 on a cluster.
   */
  eventShards: number;
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
  /** Operator endpoints: unset metrics token means loopback callers only; unset board token means no board. */
  ops: { metricsToken?: string; boardToken?: string };
}

/** The credentials of real mode; a placeholder copied from .env.example into any of them is refused. */
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

export class ConfigError extends CodedError<'config_invalid'> {
  /** `hint`: a closing sentence on another way forward (the sandbox, for `npm start`). */
  constructor(readonly problems: string[], hint?: string) {
    super('config_invalid', `ZoomOps cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}${hint ? `\n${hint}` : ''}`, { expected: true });
  }
}

export type StartMode =
  | { kind: 'real'; config: Config }
  | { kind: 'sandbox' }
  | { kind: 'refused'; reason: string };

/**
 * Event shards on a cluster by default: enough that a 3- to 8-master cluster has every master taking events (a slot per
 * shard, spread by the hash), few enough that each process's relay keeps a handful of blocking connections.
 */
const CLUSTER_EVENT_SHARDS = 8;
/** Every shard is a relay worker with its own blocking connection in every worker process. */
const MAX_EVENT_SHARDS = 64;

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

/**
 * Loopback hosts: 127.0.0.0/8, ::1 and localhost. Only to them may the bot speak plain http/ws (a local fake or
 * the sandbox); anywhere else tokens and client secrets would cross the network readable.
 */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A URL whose scheme is the secure one, or the plain one towards a loopback host. */
const transportUrl = (secure: 'https' | 'wss', plain: 'http' | 'ws') =>
  z.string().refine(
    (v) => {
      if (!URL.canParse(v)) return false;
      const url = new URL(v);
      return url.protocol === `${secure}:` || (url.protocol === `${plain}:` && isLoopbackHost(url.hostname));
    },
    {
      error: (issue) =>
        `must be a${secure === 'https' ? 'n' : ''} ${secure}:// URL (${plain}:// only for a loopback host), got "${String(issue.input)}"`,
    },
  );

const httpUrl = transportUrl('https', 'http');

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

const isRedisUrl = (v: string) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol);
const redisUrl = z.string().refine(isRedisUrl, {
  error: (issue) => `must be a redis:// or rediss:// URL, got "${redactUrl(String(issue.input))}"`,
});
/** REDIS_URL's message never quoted the value (it may hold a password); kept as it was. */
const singleRedisUrl = z.string().refine(isRedisUrl, {
  error: 'must be a redis:// or rediss:// URL',
});

/** A URL as it may appear in a message: its password replaced, so a typo never prints a secret. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** `host:port`, the way Sentinel addresses are written. */
const hostPort = z.string().transform((raw, ctx): RedisHost => {
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `must list host:port pairs separated by commas, got "${raw}"` });
    return z.NEVER;
  }
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
});

const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).min(1, { error: 'must list at least one address' }));

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
      transportUrl('wss', 'ws'),
      'wss://ws.zoom.us/ws',
    ),
    REDIS_URL: withDefault(singleRedisUrl, 'redis://127.0.0.1:6379'),
    REDIS_CLUSTER_NODES: optional(commaList(redisUrl)),
    REDIS_SENTINELS: optional(commaList(hostPort)),
    REDIS_SENTINEL_NAME: optional(z.string().regex(/^[^\s,]+$/, { error: 'must be the master\'s name as the Sentinels know it (no spaces)' })),
    REDIS_SENTINEL_PASSWORD: optional(z.string()),
    ZOOMOPS_REDIS_WAIT: withDefault(
      z.enum(['on', 'off'], { error: (issue) => `must be on or off, got "${String(issue.input)}"` }),
      'on',
    ),
    ZOOMOPS_EVENT_SHARDS: optional(wholeNumber('a number of shards', 1, MAX_EVENT_SHARDS)),
    ZOOMOPS_KEY_PREFIX: withDefault(
      z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, {
        error: (issue) => `must be 1 to 64 letters, digits, dots, dashes or underscores, got "${String(issue.input)}"`,
      }),
      'zoomops',
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
    ZOOMOPS_METRICS_TOKEN: optional(z.string()),
    ZOOMOPS_BOARD_TOKEN: optional(z.string()),
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
  if (set('REDIS_CLUSTER_NODES') && set('REDIS_SENTINELS')) {
    problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set: a Redis deployment is either a cluster or watched by Sentinels, set one');
  }
  if (set('REDIS_SENTINELS') !== set('REDIS_SENTINEL_NAME')) {
    problems.push('REDIS_SENTINELS and REDIS_SENTINEL_NAME go together: the Sentinels\' addresses and the name of the master they watch');
  }
  if ((env.ZOOM_WEBHOOK_SECRET_TOKEN ?? '').split(',').filter((s) => s.trim()).length > 2) {
    problems.push(
      'ZOOM_WEBHOOK_SECRET_TOKEN holds at most two secrets (the new and the old one, during a rotation), separated by a comma',
    );
  }
  return problems;
}

// `.env.example` ships values such as `xoxb-...`; one copied unchanged is a placeholder, not a credential.
const PLACEHOLDER = /\.\.\.|…/;

/** Credentials still holding a placeholder; named instead of whatever their schema says about them. */
function placeholders(env: NodeJS.ProcessEnv): string[] {
  return CREDENTIAL_VARIABLES.filter((name) => PLACEHOLDER.test(env[name] ?? ''));
}

/** Parses the environment of real mode; throws ConfigError naming every problem. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  const unfilled = placeholders(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues
          .filter((issue) => !unfilled.includes(String(issue.path[0]) as (typeof unfilled)[number]))
          .map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`)),
    ...unfilled.map((name) => `${name} is still the placeholder from .env.example: paste the real value`),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  return {
    role: e.ZOOMOPS_ROLE,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    redis: redisTopology(e),
    keyPrefix: e.ZOOMOPS_KEY_PREFIX,
    waitForReplica: e.ZOOMOPS_REDIS_WAIT === 'on',
    eventShards: e.ZOOMOPS_EVENT_SHARDS ?? (e.REDIS_CLUSTER_NODES ? CLUSTER_EVENT_SHARDS : 1),
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
    ops: { metricsToken: e.ZOOMOPS_METRICS_TOKEN, boardToken: e.ZOOMOPS_BOARD_TOKEN },
  };
}

/** The closing sentence of every refusal of `npm start`: a new user can try the bot without any app. */
export const SANDBOX_HINT =
  'No Slack or Zoom app yet? Try ZoomOps first without them: npm run sandbox (or remove every SLACK_* and ZOOM_* line from .env and run npm start).';

function redisTopology(e: z.output<typeof envSchema>): RedisTopology {
  if (e.REDIS_CLUSTER_NODES) {
    const seeds = e.REDIS_CLUSTER_NODES.map((raw) => new URL(raw));
    // One user and password for the whole cluster: the first seed that names them speaks for all.
    const withAuth = seeds.find((u) => u.username || u.password);
    return {
      kind: 'cluster',
      nodes: seeds.map((u) => ({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379) })),
      ...(withAuth ? urlAuth(withAuth) : {}),
      tls: seeds.some((u) => u.protocol === 'rediss:'),
    };
  }
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) {
    const url = new URL(e.REDIS_URL);
    return {
      kind: 'sentinel',
      sentinels: e.REDIS_SENTINELS,
      name: e.REDIS_SENTINEL_NAME,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
      db: Number(url.pathname.slice(1) || 0),
      ...urlAuth(url),
    };
  }
  return { kind: 'single', url: e.REDIS_URL };
}

function urlAuth(url: URL): RedisAuth {
  return {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    tls: url.protocol === 'rediss:',
  };
}

/**
 * Decides how `npm start` runs: the sandbox when asked (`--sandbox`) or when no SLACK_* or ZOOM_* variable is set
 * at all, never in production; otherwise real mode, and a ConfigError naming what is missing or malformed.
 */
export function resolveStartMode(env: NodeJS.ProcessEnv, opts: { forceSandbox?: boolean } = {}): StartMode {
  const production = env.NODE_ENV === 'production';
  if (opts.forceSandbox) {
    if (!production) return { kind: 'sandbox' };
    return {
      kind: 'refused',
      reason:
        'NODE_ENV=production: ZoomOps will not start the sandbox (a fake Slack and Zoom on this machine) in production. ' +
        'Unset NODE_ENV to try the sandbox, or set the Slack and Zoom credentials.',
    };
  }
  // Any Slack or Zoom setting, not only a credential, means the operator meant real mode (a set ZOOM_API_URL with a
  // forgotten token must not silently become a sandbox).
  const anySlackOrZoom = Object.entries(env).some(([name, value]) => /^(SLACK|ZOOM)_/.test(name) && (value ?? '').trim() !== '');
  if (!anySlackOrZoom) {
    if (production) {
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
  try {
    return { kind: 'real', config: parseConfig(env) };
  } catch (error) {
    if (error instanceof ConfigError && !production) throw new ConfigError(error.problems, SANDBOX_HINT);
    throw error;
  }
}
