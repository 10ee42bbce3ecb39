import { describe, expect, it } from 'vitest';
import { OutsiderError, mayDo, roleOf } from '../../../src/slack/authorize.js';
import { renderError } from '../../../src/views/errors.js';
import type { SlackDirectory, SlackHome, SlackPerson } from '../../../src/slack/directory.js';

/** A directory with fixed people and groups (of workspace T1 unless said), counting the lookups it answers. */
function directory(people: Record<string, Partial<SlackPerson>>, groups: Record<string, string[]> = {}, home: SlackHome = { teamId: 'T1' }) {
  const lookups: string[] = [];
  const dir = {
    person: async (id: string) => {
      lookups.push(`person:${id}`);
      return { id, name: id, tz: 'UTC', isWorkspaceAdmin: false, teamId: 'T1', ...people[id] };
    },
    home: async () => home,
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

describe('roleOf with Slack Connect guests', () => {
  it('refuses a guest of another workspace, admin there and listed here, before any list is read', async () => {
    const { dir, lookups } = directory({ UGUEST: { teamId: 'TPARTNER', isWorkspaceAdmin: true } }, { SADMINS: ['UGUEST'] });
    await expect(roleOf('UGUEST', {}, dir)).rejects.toBeInstanceOf(OutsiderError);
    const refusal = await roleOf('UGUEST', { admins: { users: ['UGUEST'], groups: ['SADMINS'] } }, dir).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'zoomops_outsider', expected: true });
    expect(renderError(refusal)).toContain('ZoomOps takes requests only from people of the Slack workspace it is installed in');
    expect(lookups.filter((l) => l.startsWith('group:'))).toEqual([]);
  });

  it('refuses someone whose workspace Slack did not name', async () => {
    const { dir } = directory({ UNKNOWN: { teamId: undefined, isWorkspaceAdmin: true } });
    await expect(roleOf('UNKNOWN', {}, dir)).rejects.toBeInstanceOf(OutsiderError);
  });

  it('takes anyone of the same Enterprise Grid organisation, from any of its workspaces, and nobody outside it', async () => {
    const home = { teamId: 'T1', enterpriseId: 'E1' };
    const { dir } = directory(
      {
        USIBLING: { teamId: 'T2', enterpriseId: 'E1', isWorkspaceAdmin: true },
        UOTHERORG: { teamId: 'T1', enterpriseId: 'E9', isWorkspaceAdmin: true },
        UNOGRID: { teamId: 'T7', isWorkspaceAdmin: true },
      },
      {},
      home,
    );
    expect(await roleOf('USIBLING', {}, dir)).toBe('admin');
    await expect(roleOf('UOTHERORG', {}, dir)).rejects.toBeInstanceOf(OutsiderError);
    await expect(roleOf('UNOGRID', {}, dir)).rejects.toBeInstanceOf(OutsiderError);
  });
});

describe('mayDo', () => {
  it('lets viewers read only, admins everything, others nothing', () => {
    expect([mayDo('admin', 'write'), mayDo('admin', 'read')]).toEqual([true, true]);
    expect([mayDo('viewer', 'write'), mayDo('viewer', 'read')]).toEqual([false, true]);
    expect([mayDo('none', 'write'), mayDo('none', 'read')]).toEqual([false, false]);
  });
});
