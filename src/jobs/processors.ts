// Every job kind this version runs; a worker process serves all of them.
import { recordingDownloads } from './downloads/job.js';
import { csvExports } from './exports/job.js';
import { recordingShares } from './recording-share.js';
import { registrantUpdates } from './registrant-updates.js';
import { relayProcessor } from './relay.js';
import { ruleDecisions } from './rule-decisions.js';
import type { JobProcessor } from './workers.js';

export const JOB_PROCESSORS: readonly JobProcessor<any>[] = [registrantUpdates, relayProcessor, recordingDownloads, csvExports, recordingShares, ruleDecisions];
