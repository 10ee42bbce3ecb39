// The bot on a real Redis Cluster and a real Sentinel set: a command, a bulk approval job, a recording download job,
// webhooks relayed to Slack, the events' shards on slots of their own, a master killed mid-stream with every event
// answered 200 reaching Slack exactly once, and a plain client refused on a cluster node.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import nock from 'nock';
import { connectRedis, CLUSTER_NODE_REFUSAL, isCluster, waitForRedis, type RedisClient } from '../../src/redis.js';
import { silentLogger } from '../../src/log.js';
import { eventQueueName } from '../../src/jobs/event-shards.js';
import { queuePrefix } from '../../src/jobs/queues.js';
import { shardKey } from '../../src/redis-keys.js';
import { runProcess } from '../../src/run.js';
import { WatchStore } from '../../src/slack/watches.js';
import { nockZoom, startTestBot, startTestNetwork, testConfig, type TestBot } from '../helpers/bot.js';
import { slackDriver } from '../helpers/driver.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { FileServer } from '../helpers/file-server.js';
import { uniquePrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { ZOOM_SECRET, postWebhook, zoomEvent } from '../helpers/zoom-events.js';
import { commandCalls, killRedis, masterPorts } from './servers.js';

const ADMIN = 'UADMIN';
const CHANNEL = 'C1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


interface Topology {
  name: string;
  env: () => Record<string, string>;
  /** Every redis-server of the deployment. */
  nodes: () => string[];
  /** The port of the master that holds the events queue (shard 0 of the events): the one to kill. */
  eventsMaster: (redis: RedisClient, keyPrefix: string) => Promise<number>;
}

/** The port of the cluster master serving this key's slot. */
async function masterOf(redis: RedisClient, key: string): Promise<number> {
  if (!isCluster(redis)) throw new Error('expected the cluster client');
  const slot = Number(await redis.cluster('KEYSLOT', key));
  const range = (await redis.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
  const port = range?.[2]?.[1];
  if (!port) throw new Error(`no master serves slot ${slot}`);
  return port;
}

const TOPOLOGIES: Topology[] = [
  {
    name: 'Redis Cluster (3 masters, 3 replicas)',
    env: () => ({ REDIS_CLUSTER_NODES: inject('clusterNodes').map((n) => `redis://${n}`).join(',') }),
    nodes: () => inject('clusterNodes'),
    eventsMaster: (redis, keyPrefix) => masterOf(redis, `${queuePrefix(keyPrefix, 'events')}:x`),
  },
  {
    name: 'Sentinel (master, replica, three Sentinels)',
    env: () => ({
      REDIS_SENTINELS: inject('sentinel').sentinels.join(','),
      REDIS_SENTINEL_NAME: inject('sentinel').masterName,
    }),
    nodes: () => inject('sentinel').nodes,
    eventsMaster: async () => Number(inject('sentinel').nodes[0]!.split(':')[1]),
  },
];

/**
 * A recording ready for download: its alert carries a Download button, so the relay never folds it into a digest and
 * each event shows as one message of its own (registrations may fold during the catch-up after a failover).
 */
function recordingReady(i: number) {
  return zoomEvent('recording.completed', (e) => {
    e.payload.object.uuid = `topology-${i}==`;
    e.payload.object.id = 81000000000 + i;
    e.payload.object.topic = `Failover-recording-${i}-end`;
  });
}

/** A registration waiting for approval. */
function registration(i: number) {
  return zoomEvent('meeting.registration_created', (e) => {
    e.payload.object.registrant.id = `reg-${i}`;
    e.payload.object.registrant.email = `person${i}@example.com`;
    e.payload.object.registrant.status = 'pending';
  });
}

/** Posts as Zoom does: an answer other than 200 is retried (Zoom retries for hours; the test for 30 s). */
async function deliverToBot(url: string, event: unknown): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await postWebhook(url, event).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the bot did not accept an event within 30 s (last answer ${res?.status ?? 'none'})`);
    await sleep(250);
  }
}

// First, while every node of the cluster is up (the topology tests below kill masters).
describe('a plain REDIS_URL on a cluster node', () => {
  it('stops start-up with one sentence naming REDIS_CLUSTER_NODES', async () => {
    const config = testConfig('http://127.0.0.1:9/api/', { REDIS_URL: `redis://${inject('clusterNodes')[0]}` });
    await expect(runProcess(config, silentLogger, { keyPrefix: uniquePrefix('refused') })).rejects.toThrow(CLUSTER_NODE_REFUSAL);
    expect(CLUSTER_NODE_REFUSAL).toMatch(/^[^.]*REDIS_CLUSTER_NODES[^.]*\.$/);
  });
});

for (const topology of TOPOLOGIES) {
  describe(topology.name, () => {
    const keyPrefix = uniquePrefix('topology');
    let slack: FakeSlack;
    let redis: RedisClient;
    let bot: TestBot;
    let recordingsDir: string;
    /** Zoom's storage, where the recording files' download_url points (downloads use their own sockets, not nock's). */
    const storage = new FileServer();
    const env = () => ({
      ...topology.env(),
      ZOOM_WEBHOOK_SECRET_TOKEN: ZOOM_SECRET,
      ZOOMOPS_ADMINS: ADMIN,
      ZOOMOPS_RECORDINGS_DIR: recordingsDir,
      ZOOMOPS_DOWNLOAD_HOSTS: 'localhost',
    });
    const alertsFor = (email: string) =>
      slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === CHANNEL && JSON.stringify(c.body).includes(`${email}|`));

    beforeAll(async () => {
      recordingsDir = await mkdtemp(join(tmpdir(), 'zoomops-topology-'));
      await storage.start();
      slack = new FakeSlack();
      await slack.start();
      slack.users.set(ADMIN, { id: ADMIN, email: 'admin@example.com' });
      slack.channels.set(CHANNEL, { name: 'general', is_private: false, is_member: true });
      redis = connectRedis(testConfig(slack.apiUrl, env()).redis);
      redis.on('error', () => undefined);
      await waitForRedis(redis);
      bot = await startTestBot({ slackApiUrl: slack.apiUrl, redis, keyPrefix, env: env() });
      nock.disableNetConnect();
      nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    });

    afterAll(async () => {
      await bot?.stop();
      await slack?.stop();
      await storage.stop();
      await rm(recordingsDir, { recursive: true, force: true });
      redis?.disconnect();
      nock.enableNetConnect();
    });

    it('answers a command and keeps what it set', async () => {
      const answer = await slackDriver(() => bot.url, () => slack).command('watch registrations', ADMIN);
      expect(answer.body.text).toMatch(/^:eyes: <#C1> now gets an alert for \*registrations\*/);
      expect((await new WatchStore(redis, keyPrefix).ofChannel(CHANNEL)).map((w) => w.topic)).toEqual(['registrations']);
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    });

    it('runs a bulk approval job', async () => {
      startTestNetwork(slack);
      const pending = Array.from({ length: 31 }, (_, i) => ({ id: `r${i}`, email: `p${i}@example.com`, first_name: 'P', status: 'pending' }));
      for (const [status, items] of Object.entries({ pending, approved: [], denied: [] })) {
        nockZoom()
          .get('/meetings/81234567890/registrants')
          .query((q) => q.status === status)
          .reply(200, { total_records: items.length, next_page_token: '', registrants: items })
          .persist();
      }
      const first = nockZoom()
        .put('/meetings/81234567890/registrants/status', (b) => b.action === 'approve' && b.registrants.length === 30)
        .reply(204);
      const second = nockZoom()
        .put('/meetings/81234567890/registrants/status', (b) => b.action === 'approve' && b.registrants.length === 1 && b.registrants[0].id === 'r30')
        .reply(204);
      const driver = slackDriver(() => bot.url, () => slack);
      const result = await driver.command('meeting approve 81234567890 --all-pending', ADMIN);
      const jobId = /job `(reg-[0-9a-f]{12})`/.exec(result.body.text)?.[1];
      expect(jobId).toBeDefined();
      const summary = await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('finished'), 30_000);
      expect(first.isDone() && second.isDone()).toBe(true);
      expect(JSON.stringify(summary.body.blocks)).toContain('Finished: 31 of 31 done.');
      expect(JSON.stringify(summary.body.blocks)).toContain(`job \`${jobId}\``);
      nock.cleanAll();
    });

    it('relays webhooks to Slack, each answered once a replica holds it', async () => {
      // The events' shards may sit on any master: the WAITs are counted on all of them.
      const masters = await masterPorts(topology.nodes());
      const waits = async () => (await Promise.all(masters.map((port) => commandCalls(port, 'wait')))).reduce((a, b) => a + b, 0);
      const waitsBefore = await waits();
      for (let i = 0; i < 3; i++) await deliverToBot(bot.url, registration(i));
      expect(await waits()).toBeGreaterThanOrEqual(waitsBefore + 3);
      for (let i = 0; i < 3; i++) await until(`the alert of event ${i}`, () => alertsFor(`person${i}@example.com`).length > 0, 20_000);
    });

    it('runs a recording download job: a watched recording is saved, its summary in the alert’s thread', async () => {
      startTestNetwork(slack);
      nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
      slack.channels.set('CDL', { name: 'downloads', is_private: false, is_member: true });
      const answer = await slackDriver(() => bot.url, () => slack).command('watch recordings <#CDL|downloads> --download', ADMIN);
      expect(answer.body.text).toContain('each finished recording is downloaded');
      const uuid = `download-${keyPrefix}==`;
      const meetingId = 81234567801;
      const bytes = Buffer.from('mp4 bytes '.repeat(20_000));
      storage.files.set('video', bytes);
      const listed = nockZoom()
        .get(`/meetings/${encodeURIComponent(uuid)}/recordings`)
        .reply(200, {
          uuid,
          id: meetingId,
          topic: 'Quarterly review',
          type: '2',
          start_time: '2026-03-14T15:00:00Z',
          recording_files: [
            { id: 'FV', file_type: 'MP4', file_extension: 'MP4', recording_type: 'shared_screen_with_speaker_view', file_size: bytes.length, status: 'completed', download_url: `http://localhost:${storage.port}/storage/video` },
          ],
        });
      const event = zoomEvent('recording.completed', (e) => {
        e.payload.object.uuid = uuid;
        e.payload.object.id = meetingId;
      });
      await deliverToBot(bot.url, event);
      const summary = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'CDL' && /file saved/.test(String(c.body.text)), 60_000);
      expect(summary.body.text).toBe('Download the recordings of meeting 812 3456 7801 (automatic: recordings watch): 1 file saved');
      expect(listed.isDone()).toBe(true);
      expect(await readFile(join(recordingsDir, `2026-03-14_Quarterly review_${meetingId}`, 'shared_screen_with_speaker_view_FV.mp4'))).toEqual(bytes);
      // Later recordings of this suite are not downloaded.
      await new WatchStore(redis, keyPrefix).remove('CDL', 'recordings');
      nock.cleanAll();
    });

    it('puts each shard of the events on a slot of its own (cluster: spread over the masters)', async () => {
      const shards = bot.bot.services.config.eventShards;
      const queueKeys = Array.from({ length: shards }, (_, s) => `${queuePrefix(keyPrefix, eventQueueName(s))}:x`);
      const relayKeys = Array.from({ length: shards }, (_, s) => shardKey(keyPrefix, 'relay', s, 'x'));
      if (!isCluster(redis)) {
        // One master does all the work: one shard, the `events` queue of earlier versions.
        expect(shards).toBe(1);
        return;
      }
      expect(shards).toBe(8);
      const slots = async (keys: string[]) => Promise.all(keys.map(async (k) => Number(await redis.cluster('KEYSLOT', k))));
      expect(new Set(await slots(queueKeys)).size).toBe(shards);
      expect(new Set(await slots(relayKeys)).size).toBe(shards);
      const masters = new Set(await Promise.all(queueKeys.map((k) => masterOf(redis, k))));
      expect(masters.size).toBe(3);
    });

    it('posts every event answered 200 exactly once when the master holding the events queue is killed mid-stream', async () => {
      await slackDriver(() => bot.url, () => slack).command('watch recordings', ADMIN);
      const watches = new WatchStore(redis, keyPrefix);
      await until('the recordings watch', async () => (await watches.ofTopic(CHANNEL, 'recordings')) !== undefined, 10_000);
      const recordingAlerts = (i: number) =>
        slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === CHANNEL && JSON.stringify(c.body).includes(`Failover-recording-${i}-end`));
      const master = await topology.eventsMaster(redis, keyPrefix);
      const events = Array.from({ length: 16 }, (_, i) => 100 + i);
      for (const [n, i] of events.entries()) {
        if (n === 5) await killRedis(master);
        await deliverToBot(bot.url, recordingReady(i));
      }
      for (const i of events) {
        await until(`the alert of event ${i}`, () => recordingAlerts(i).length > 0, 60_000);
      }
      // Settled: no event of any shard is left in its express lane or as a relay job (a repeat would come from one),
      // then each event's alert once.
      const jobs = bot.bot.services.jobs;
      const lanesEmpty = async () => (await Promise.all(Array.from({ length: jobs.eventShards }, (_, s) => jobs.laneBacklog(s)))).every((l) => l.count === 0);
      await until(
        'every shard of the events drained',
        async () =>
          (await lanesEmpty()) &&
          (await Promise.all(jobs.shardsOf('events').map((q) => q.getJobCounts('waiting', 'active', 'delayed')))).every((c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0),
        60_000,
        250,
      );
      expect(events.map((i) => `${i}: ${recordingAlerts(i).length}`)).toEqual(events.map((i) => `${i}: 1`));
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    });
  });
}
