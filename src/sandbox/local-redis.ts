// A Redis for a run on one machine (the sandbox, the test suites): REDIS_URL when it answers, else a private
// redis-server from the PATH on a free port (nothing saved) that the caller stops, else one sentence saying what to
// install. One implementation, so the sandbox and `npm test` behave alike on a fresh machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

const HOST = '127.0.0.1';

/** No Redis can be had; the message is one sentence saying what to do. */
export class NoRedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export interface LocalRedis {
  url: string;
  /** Set when this call started a private redis-server; stops it. */
  stop?: () => Promise<void>;
}

/**
 * `url` if it answers PING; else a private redis-server (no persistence) on 127.0.0.1; else a NoRedisError naming
 * `who` ("The ZoomOps sandbox", "npm test") in its sentence.
 */
export async function provideRedis(url: string, opts: { who: string; log?: Logger }): Promise<LocalRedis> {
  if (await answersPing(url)) return { url };
  const port = await freePort();
  const child = await spawnRedis(port);
  if (!child) {
    throw new NoRedisError(
      `${opts.who} needs Redis: nothing answers on ${url} and redis-server is not on the PATH; install it (apt-get install redis-server, or brew install redis) or set REDIS_URL.`,
    );
  }
  const privateUrl = `redis://${HOST}:${port}`;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  };
  for (let i = 0; i < 50; i++) {
    if (await answersPing(privateUrl)) {
      opts.log?.info({ port }, 'started a private redis-server (nothing is saved)');
      return { url: privateUrl, stop };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new NoRedisError(`A private redis-server did not start on port ${port}; set REDIS_URL to a Redis that runs.`);
}

function spawnRedis(port: number): Promise<ChildProcess | undefined> {
  return new Promise((done) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child.once('error', () => done(undefined));
    child.once('spawn', () => done(child));
  });
}

export async function answersPing(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_500, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
