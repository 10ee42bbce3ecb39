// The Zoom calls one command or button may make. Zoom's daily budget is the account's, shared by every user and job;
// a list that walks months × users × pages (recordings of everyone since 2000) could spend it on one click. Each
// command and button gets the same Zoom client counting its calls: lists that can stop early say what they left out
// (callsLeft tells them how many remain); anything else that would go past the cap is answered with one sentence.
// Jobs (CSV exports, downloads) are not bound by it: they run paced by the rate limiter, with bounds of their own.
import type { ZoomClient } from '../zoom/client.js';
import { UsageError } from './errors.js';

/** The most Zoom calls one command or button may cause, for admins and viewers alike. */
export const ZOOM_CALLS_PER_REQUEST = 60;

const CALLS_LEFT = Symbol('zoomCallsLeft');

class ZoomCallsSpent extends UsageError {
  constructor(readonly max: number) {
    super(
      `This needed more than ${max} Zoom calls, the most one command or button may make (Zoom's daily budget is ` +
        'shared by the whole account), so ZoomOps stopped before finishing. Narrow it (a shorter --from/--to range, ' +
        'one --user instead of --all), or ask for the CSV with --csv where the command has it: that runs as a paced job.',
    );
  }
}

/** The same client, counting the requests made through it; past `max`, a request throws ZoomCallsSpent unsent. */
export function budgetedZoom(zoom: ZoomClient, max = ZOOM_CALLS_PER_REQUEST): ZoomClient {
  let used = 0;
  return new Proxy(zoom, {
    get(target, prop, receiver) {
      if (prop === CALLS_LEFT) return max - used;
      const value: unknown = Reflect.get(target, prop, receiver);
      // page() and paginate() send through request(), so counting request and requestRaw counts every call once.
      if ((prop === 'request' || prop === 'requestRaw') && typeof value === 'function') {
        return (...args: unknown[]) => {
          if (used >= max) return Promise.reject(new ZoomCallsSpent(max));
          used += 1;
          return (value as (...a: unknown[]) => unknown).apply(receiver, args);
        };
      }
      return value;
    },
  });
}

/** Calls this client may still make: what is left of a command's budget, or unbounded outside one (a job). */
export function callsLeft(zoom: ZoomClient): number {
  const left = (zoom as unknown as Record<symbol, unknown>)[CALLS_LEFT];
  return typeof left === 'number' ? left : Number.POSITIVE_INFINITY;
}
