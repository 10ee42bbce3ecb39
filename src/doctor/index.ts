// `/zoom doctor` and `npm run doctor`: every check, in order, as lines; a check that throws still yields its lines'
// neighbours, so one broken part never hides the others.
import type { DoctorDeps } from './deps.js';
import { bad, reason, type DoctorArea, type DoctorLine } from './line.js';
import { runtimeChecks } from './runtime.js';
import { slackChecks } from './slack.js';
import { zoomChecks } from './zoom.js';

export interface DoctorOptions {
  /** The Node version judged; default this process's. */
  nodeVersion?: string;
}

export async function runDoctor(deps: DoctorDeps, opts: DoctorOptions = {}): Promise<DoctorLine[]> {
  const parts: Array<[DoctorArea, (d: DoctorDeps) => Promise<DoctorLine[]>]> = [
    ['Slack', slackChecks],
    ['Zoom', zoomChecks],
    ['Runtime', (d) => runtimeChecks(d, opts.nodeVersion)],
  ];
  const lines: DoctorLine[] = [];
  for (const [area, check] of parts) {
    try {
      lines.push(...(await check(deps)));
    } catch (error) {
      lines.push(bad(area, `The ${area} checks stopped: ${reason(error)}.`, 'Fix what the message names and run the doctor again.'));
    }
  }
  return lines;
}

export const allGood = (lines: readonly DoctorLine[]): boolean => lines.every((l) => l.ok);
