// Two tiers of access (ZOOMOPS_ADMINS, ZOOMOPS_VIEWERS in docs/configuration.md): admins may do everything, viewers only
// read; checked before any work. Both are people of the workspace the bot is installed in: a Slack Connect guest of a
// shared channel is refused whatever their own organisation makes them and whatever ZOOMOPS_ADMINS / ZOOMOPS_VIEWERS list.
import type { Principals } from '../config.js';
import { CodedError } from '../errors.js';
import type { SlackDirectory, SlackHome, SlackPerson } from './directory.js';

export type AccessRole = 'admin' | 'viewer' | 'none';
export type Access = 'read' | 'write';

export interface AccessPolicy {
  admins?: Principals;
  viewers?: Principals;
}

/**
 * Someone may not do this: `what` they tried (`run \`/zoom meeting delete\``, `use this button`) and what the refusal
 * says about them (their role, whom to ask). views/errors.ts writes the sentence.
 */
export class NotAllowedError extends CodedError<'zoomops_not_allowed' | 'zoomops_outsider'> {
  constructor(
    readonly what: string,
    readonly refused: Refused = { role: 'none' },
    code: 'zoomops_not_allowed' | 'zoomops_outsider' = 'zoomops_not_allowed',
  ) {
    super(code, `not allowed to ${what} (role ${refused.role})`, { expected: true });
  }
}

/** The refusal of someone from another organisation (Slack Connect), whatever role they would otherwise have. */
export class OutsiderError extends NotAllowedError {
  declare readonly code: 'zoomops_outsider';

  constructor() {
    super('use ZoomOps', { role: 'none' }, 'zoomops_outsider');
  }
}

/** Same workspace, or the same Enterprise Grid organisation when the bot is installed in one. Unknown is not home. */
function isHomePerson(person: Pick<SlackPerson, 'teamId' | 'enterpriseId'>, home: SlackHome): boolean {
  if (home.enterpriseId) return person.enterpriseId === home.enterpriseId;
  return person.teamId !== undefined && person.teamId === home.teamId;
}

/** The caller's role; throws OutsiderError for someone of another organisation before any list is read. */
export async function roleOf(userId: string, policy: AccessPolicy, directory: SlackDirectory): Promise<AccessRole> {
  const [person, home] = await Promise.all([directory.person(userId), directory.home()]);
  if (!isHomePerson(person, home)) throw new OutsiderError();
  if (policy.admins) {
    if (await isListed(userId, policy.admins, directory)) return 'admin';
  } else if (person.isWorkspaceAdmin) {
    return 'admin';
  }
  if (policy.viewers && (await isListed(userId, policy.viewers, directory))) return 'viewer';
  return 'none';
}

/** Who was refused, as far as the refusal needs to say what they may do and whom to ask. */
export interface Refused {
  role: AccessRole;
  /** ZOOMOPS_ADMINS as configured; absent when unset, and then the workspace's admins and owners are ZoomOps's. */
  admins?: Principals;
  /** The slash command, for the example of what a viewer may run. */
  command?: string;
}

/** What a refusal of `role` needs to know from the configuration. */
export function refused(services: { config: { access: AccessPolicy; slack: { command: string } } }, role: AccessRole): Refused {
  const { admins } = services.config.access;
  return { role, command: services.config.slack.command, ...(admins ? { admins } : {}) };
}

export function mayDo(role: AccessRole, access: Access): boolean {
  return role === 'admin' || (role === 'viewer' && access === 'read');
}

async function isListed(userId: string, principals: Principals, directory: SlackDirectory): Promise<boolean> {
  if (principals.users.includes(userId)) return true;
  for (const group of principals.groups) {
    if ((await directory.groupMembers(group)).includes(userId)) return true;
  }
  return false;
}
