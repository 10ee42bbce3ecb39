// The zone a rule set's channel reads times in: the one of the admin who last set the rules.
import type { Services } from '../services.js';
import type { RuleSet } from './model.js';

/** Cards in the rule set's channel show times in the zone of the admin who last set the rules (UTC when unknown). */
export async function rulesZone(services: Services, rules: RuleSet | undefined): Promise<string> {
  if (!rules) return 'UTC';
  try {
    return (await services.directory.person(rules.updatedBy)).tz;
  } catch {
    return 'UTC';
  }
}
