import { describe, expect, it } from 'vitest';
import { mayDo, roleOf } from '../../../src/slack/authorize.js';
import type { SlackDirectory, SlackPerson } from '../../../src/slack/directory.js';

/** A directory with fixed people and groups, counting the lookups it answers. */
function directory(people: Record<string, Partial<SlackPerson>>, groups: Record<string, string[]> = {}) {
  const lookups: string[] = [];
  const dir = {
    person: async (id: string) => {
      lookups.push(`person:${id}`);
      return { id, name: id, tz: 'UTC', isWorkspaceAdmin: false, ...people[id] };
    },
    groupMembers: async (id: string) => {
      lookups.push(`group:${id}`);
      return groups[id] ?? [];
    },
  } as unknown as SlackDirectory;
  return { dir, lookups };
}

describe('roleOf', () => {
  it('makes workspace admins and owners the admins when ZOOMOPS_ADMINS is unset', async () => {
    const { dir } = directory({ UOWNER: { isWorkspaceAdmin: true } });
    expect(await roleOf('UOWNER', {}, dir)).toBe('admin');
    expect(await roleOf('UOTHER', {}, dir)).toBe('none');
  });

  it('uses only ZOOMOPS_ADMINS when set: a workspace owner not listed is not an admin', async () => {
    const { dir } = directory({ UOWNER: { isWorkspaceAdmin: true } });
    const policy = { admins: { users: ['UALICE'], groups: [] } };
    expect(await roleOf('UALICE', policy, dir)).toBe('admin');
    expect(await roleOf('UOWNER', policy, dir)).toBe('none');
  });

  it('finds admins and viewers through user groups', async () => {
    const { dir } = directory({}, { SADMINS: ['UBOB'], SREADERS: ['UCAROL'] });
    const policy = { admins: { users: [], groups: ['SADMINS'] }, viewers: { users: [], groups: ['SREADERS'] } };
    expect(await roleOf('UBOB', policy, dir)).toBe('admin');
    expect(await roleOf('UCAROL', policy, dir)).toBe('viewer');
    expect(await roleOf('UDAVE', policy, dir)).toBe('none');
  });
});

describe('mayDo', () => {
  it('lets viewers read only, admins everything, others nothing', () => {
    expect([mayDo('admin', 'write'), mayDo('admin', 'read')]).toEqual([true, true]);
    expect([mayDo('viewer', 'write'), mayDo('viewer', 'read')]).toEqual([false, true]);
    expect([mayDo('none', 'write'), mayDo('none', 'read')]).toEqual([false, false]);
  });
});
