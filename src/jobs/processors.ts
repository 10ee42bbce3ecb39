// Every job kind this version runs; a worker process serves all of them.
import { registrantUpdates } from './registrant-updates.js';
import type { JobProcessor } from './workers.js';

export const JOB_PROCESSORS: readonly JobProcessor<any>[] = [registrantUpdates];
