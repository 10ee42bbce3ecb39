// Two tiers of access (contract.md): admins may do everything, viewers only read; checked before any work.
import type { Principals } from '../config.js';
import type { SlackDirectory } from './directory.js';

export type AccessRole = 'admin' | 'viewer' | 'none';
export type Access = 'read' | 'write';

export interface AccessPolicy {
  admins?: Principals;
  viewers?: Principals;
}

export async function roleOf(userId: string, policy: AccessPolicy, directory: SlackDirectory): Promise<AccessRole> {
  if (policy.admins) {
    if (await isListed(userId, policy.admins, directory)) return 'admin';
  } else if ((await directory.person(userId)).isWorkspaceAdmin) {
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
