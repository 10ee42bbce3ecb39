// Entry point: reads the environment, starts the role this process plays, and shuts down cleanly.
import { existsSync } from 'node:fs';
import { ConfigError, resolveStartMode, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { runProcess } from './run.js';
import { stopWithin } from './shutdown.js';

const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  // A .env in the working directory fills in what the real environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let mode;
  try {
    mode = resolveStartMode(process.env, { forceSandbox: process.argv.includes('--sandbox') });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (mode.kind === 'refused') {
    console.error(mode.reason);
    process.exit(1);
  }
  if (mode.kind === 'sandbox') {
    await runSandboxMode();
    return;
  }
  await runReal(mode.config);
}

/** The embedded Zoom sandbox and Slack console around the real bot; loaded only in this mode. */
async function runSandboxMode(): Promise<void> {
  const { runSandbox, SandboxError } = await import('./sandbox/index.js');
  try {
    // Handlers first, as in runReal; the sandbox's own logger exists once it has started.
    let log: Logger | undefined;
    const starting = runSandbox().then((sandbox) => ((log = sandbox.log), sandbox));
    onShutdown(() => log, async () => (await starting).stop());
    await starting;
  } catch (error) {
    if (error instanceof SandboxError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function runReal(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: config.role });
  // Handlers first: a signal while the process is still starting (it already listens before its workers are up) must
  // stop it cleanly too, once it is up, rather than kill it with Node's default action.
  const starting = runProcess(config, log);
  onShutdown(() => log, async () => (await starting).stop());
  await starting;
}

function onShutdown(logger: () => Logger | undefined, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const log = logger() ?? createLogger('info');
    log.info({ signal }, 'shutting down');
    void stopWithin(stop, SHUTDOWN_DEADLINE_MS, log).then((code) => process.exit(code));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  // A closed terminal: without this Node dies at once and the sandbox's private redis-server outlives it.
  process.on('SIGHUP', handler);
}

main().catch((error: unknown) => {
  console.error('ZoomOps failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
