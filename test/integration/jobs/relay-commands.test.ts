// Issue 12: the relay's own Redis commands for one delivered alert stay within 12. Counted by MONITOR on the test Redis:
// the commands the services' connection sends, and the commands each of its scripts runs (Lua's lines follow their
// EVALSHA at once: a script runs alone), so other clients of the shared Redis do not count.
import { DelayedError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { RelayJobData } from '../../../src/ingress/accept.js';
import { relayProcessor } from '../../../src/jobs/relay.js';
import type { JobContext } from '../../../src/jobs/workers.js';
import { WatchStore } from '../../../src/slack/watches.js';
import { eventIdentity, type ZoomEvent } from '../../../src/zoom/events.js';
import { useJobFixture } from '../../helpers/jobs.js';
import { testRedis } from '../../helpers/redis.js';
import { until } from '../../helpers/wait.js';
import { zoomEvent } from '../../helpers/zoom-events.js';

const fixture = useJobFixture('relay-commands');
/** Issue 12: 15 an event in all; the event lane's front door takes about 1 (batched stream reads and acks). */
const MAX_RELAY_COMMANDS = 12;

describe('the relay’s Redis commands', () => {
  it(`delivers one alert (a meeting started, in a new instance's thread) with at most ${MAX_RELAY_COMMANDS} commands`, async () => {
    const services = fixture.services();
    const watches = new WatchStore(services.redis, services.keyPrefix);
    const ctx = { services, shutdown: new AbortController().signal } as JobContext;
    const relayJob = async (uuid: string) => {
      const event = zoomEvent('meeting.started', (e) => {
        e.payload.object.uuid = uuid;
      }) as unknown as ZoomEvent;
      const data: RelayJobData = { kind: 'event', key: eventIdentity(event), event, source: 'webhook', receivedAt: Date.now() };
      const job = await services.jobs.queue('events').add('event', data);
      return () =>
        relayProcessor.process(job, data, ctx).catch((error: unknown) => {
          if (error instanceof DelayedError) throw new Error('the relay job came back later: the scenario was not reached');
          throw error;
        });
    };
    const meetingsWatch = { topic: 'meetings', events: ['meeting.started'], narrowed: false, createdBy: 'UADMIN', zone: 'UTC', createdAt: '' };
    // A first alert, in a channel of its own (so the measured one waits for no pace), loads the relay's scripts into
    // this Redis: on a fresh server EVALSHA meets NOSCRIPT and the script is sent once more, once per server, not per
    // alert. The count below is an alert's steady cost.
    await watches.add('CWARM', meetingsWatch);
    await (await relayJob('warm-up=='))();
    await watches.remove('CWARM', 'meetings');
    await watches.add('CCOST', meetingsWatch);
    const relay = await relayJob('measured==');
    const addr = /addr=(\S+)/.exec(String(await services.redis.client('INFO')))![1]!;

    const watcher = testRedis();
    const monitor = await watcher.monitor();
    const lines: string[][] = [];
    let ours = false;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // A script's commands (source `lua`) belong to whoever sent the EVALSHA just before them.
      if (source !== 'lua') ours = source === addr;
      if (ours && String(args[0]).toLowerCase() !== 'client') lines.push(args);
    });
    await services.redis.ping();
    await until('MONITOR to show the PING', () => lines.some((l) => l[0]?.toLowerCase() === 'ping'), 2_000, 10);
    lines.length = 0;

    await relay();
    await services.redis.ping();
    await until('MONITOR to show the PING', () => lines.some((l) => l[0]?.toLowerCase() === 'ping'), 2_000, 10);
    monitor.disconnect();
    watcher.disconnect();

    const posts = (channel: string) => fixture.slack().calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
    expect(posts('CWARM')).toHaveLength(1);
    expect(posts('CCOST')).toHaveLength(1);
    const commands = lines.filter((l) => l[0]?.toLowerCase() !== 'ping').map((l) => l[0]!.toLowerCase());
    expect(commands.length, commands.join(' ')).toBeGreaterThan(0);
    expect(commands.length, commands.join(' ')).toBeLessThanOrEqual(MAX_RELAY_COMMANDS);
  });
});
