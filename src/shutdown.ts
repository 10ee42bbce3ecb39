// The exit status of a shutdown: an orchestrator must be able to tell a clean stop from one cut off at its deadline
// (work still running was abandoned; jobs come back after their lock expires, but someone should look).
import type { Logger } from './log.js';

/** Runs `stop` and resolves with the exit code: 0 when it ended in time, 1 when it failed or ran past `deadlineMs`. */
export async function stopWithin(stop: () => Promise<void>, deadlineMs: number, log: Logger): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  try {
    const outcome = await Promise.race([stop().then(() => 'done' as const), deadline]);
    if (outcome === 'late') {
      log.error({ deadlineMs }, `shutdown did not finish within ${deadlineMs / 1000} s; exiting with status 1, work still running was cut off`);
      return 1;
    }
    return 0;
  } catch (error) {
    log.error({ err: error }, 'error while shutting down; exiting with status 1');
    return 1;
  } finally {
    clearTimeout(timer);
  }
}
