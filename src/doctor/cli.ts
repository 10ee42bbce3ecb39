// `npm run doctor`: the `/zoom doctor` checks on the terminal, for operators before a deploy. Exit code 1 while any
// check fails (or the environment cannot even be read), 0 when all pass.
import { createServices } from '../app.js';
import { ConfigError, parseConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { connectRedis, waitForRedis } from '../redis.js';
import { lineText } from '../views/doctor.js';
import { allGood, runDoctor, type DoctorOptions } from './index.js';
import { bad } from './line.js';

export interface DoctorRun extends DoctorOptions {
  keyPrefix?: string;
  /** Where the report goes, one line at a time; default stdout. */
  print?: (line: string) => void;
}

export async function doctorMain(env: NodeJS.ProcessEnv, opts: DoctorRun = {}): Promise<number> {
  const print = opts.print ?? ((line: string) => console.log(line));
  let config;
  try {
    config = parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // ConfigError names variables, never their values.
    for (const problem of error.problems) {
      const what = /[.!?]$/.test(problem) ? problem : `${problem}.`;
      print(lineText(bad('Runtime', what, 'Fix it in the environment or in .env, then run the doctor again.'), '[Runtime]'));
    }
    return 1;
  }
  const redis = connectRedis(config.redis);
  redis.on('error', () => undefined);
  const services = createServices({ config, redis, log: silentLogger, ...(opts.keyPrefix ? { keyPrefix: opts.keyPrefix } : {}) });
  try {
    try {
      await waitForRedis(redis, 5_000);
    } catch {
      print(lineText(bad('Runtime', 'Redis does not answer at REDIS_URL.', 'Check REDIS_URL and that Redis is running.'), '[Runtime]'));
      return 1;
    }
    const lines = await runDoctor(services, opts);
    for (const line of lines) print(lineText(line, `[${line.area}]`));
    return allGood(lines) ? 0 : 1;
  } finally {
    await services.jobs.close();
    redis.disconnect();
  }
}
