// Two tiers of access (ZOOMOPS_ADMINS, ZOOMOPS_VIEWERS in docs/configuration.md): admins may do everything, viewers only read; checked before any work.
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
