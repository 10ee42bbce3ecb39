// What the processes of bench/webhooks.ts agree on: the webhook secret and the run's fixed shape.
export const BENCH_SECRET = 'bench-secret';
/** Events spread over this many event types, one watching channel each. */
export const BENCH_CHANNELS = 100;
