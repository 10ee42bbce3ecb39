// The base of ZoomOps's own errors, as bolt-js's CodedError: a stable `code` to act on and to choose the sentence
// by (views/errors.ts), and `expected`: the user or Zoom caused it (a typo, a refusal), so it is worth an info line
// in the log, not an alarm. The text an admin reads is written in views/, never here. No imports: views may use it.

/** Every code, in one list, so two errors cannot share one by accident. */
export type ErrorCode =
  | 'zoomops_usage'
  | 'zoomops_not_allowed'
  | 'zoomops_outsider'
  | 'zoom_refused'
  | 'zoom_daily_limit'
  | 'zoom_unavailable'
  | 'zoom_bad_response'
  | 'redis_unavailable'
  | 'redis_refused'
  | 'config_invalid'
  | 'slack_response_url_refused'
  | 'slack_channel_gone'
  | 'slack_pace_saturated'
  | 'relay_try_under_way'
  | 'webhook_too_large'
  | 'export_cancelled'
  | 'download_refused'
  | 'download_stopped'
  | 'download_retry'
  | 'download_start_over'
  | 'download_disk_write'
  | 'http_protocol'
  | 'connection_cut'
  | 'proxy_refused';

export interface CodedErrorOptions {
  /** Caused by the user or decided by Zoom, not a fault of ZoomOps (default false). */
  expected?: boolean;
  cause?: unknown;
}

export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly expected: boolean;

  constructor(code: C, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = code;
    this.expected = options.expected ?? false;
  }
}

/** A CodedError with one of these codes, typed as the class that carries them. */
export function hasCode<E extends CodedError>(error: unknown, ...codes: ReadonlyArray<E['code']>): error is E {
  return error instanceof CodedError && (codes as readonly string[]).includes(error.code);
}
