// The process logger (pino: structured JSON, cheap when a level is off) and its adapter for Bolt.
import { pino } from 'pino';
import { LogLevel as BoltLogLevel, type Logger as BoltLogger } from '@slack/bolt';

export type Logger = pino.Logger;
export type Level = 'debug' | 'info' | 'warn' | 'error';

// Field names that may carry a secret anywhere in a logged object; pino replaces their values.
const REDACTED_PATHS = [
  'token',
  'accessToken',
  'access_token',
  'authorization',
  'Authorization',
  'clientSecret',
  'client_secret',
  'signingSecret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.authorization',
  '*.Authorization',
  '*.clientSecret',
  '*.client_secret',
  'headers.authorization',
  'req.headers.authorization',
  'download_token',
  '*.download_token',
];

export function createLogger(level: Level = 'info', base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { app: 'zoomops', ...base }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

/** A logger that drops everything, for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Bolt wants its own Logger shape; this forwards to pino so every line shares one format. */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const join = (msgs: unknown[]) => msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msgs) => child.debug(join(msgs)),
    info: (...msgs) => child.info(join(msgs)),
    warn: (...msgs) => child.warn(join(msgs)),
    error: (...msgs) => child.error(join(msgs)),
    setLevel: () => undefined,
    getLevel: () => BoltLogLevel.INFO,
    setName: () => undefined,
  };
}
