// The doctor's tables against what users read and install: the manifests' bot scopes and the README's Zoom scope table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeLine } from '../../../src/doctor/runtime.js';
import { MANIFEST_BOT_SCOPES } from '../../../src/doctor/slack.js';
import { SCOPE_TABLE, scopeLines } from '../../../src/doctor/zoom-scopes.js';

function botScopes(file: string): string[] {
  const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
  const block = /\n {4}bot:\n((?: {6}- .+\n)+)/.exec(text);
  if (!block) throw new Error(`${file} has no oauth_config.scopes.bot list`);
  return block[1]!.trim().split('\n').map((l) => l.replace(/^\s*- /, '').trim());
}

describe('the doctor compares against', () => {
  it.each(['manifest.yml', 'manifest.dev.yml'])('the bot scopes %s asks for', (file) => {
    expect([...MANIFEST_BOT_SCOPES].sort()).toEqual(botScopes(file).sort());
  });

  it("every scope of the README's Zoom scope table, and no other", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| commands | scopes |'), readme.indexOf('3. **Activate**'));
    const listed = new Set([...table.matchAll(/`([a-z_]+:[a-z_:.]+)`/g)].map((m) => m[1]!));
    const known = new Set(SCOPE_TABLE.flatMap((row) => row.needs.flatMap((n) => [n.granular, ...n.classic])));
    expect([...known].filter((s) => !listed.has(s))).toEqual([]);
    expect([...listed].filter((s) => !known.has(s))).toEqual([]);
  });
});

describe('scopeLines', () => {
  it('blocks a command when neither its granular nor any classic scope is granted', () => {
    const lines = scopeLines(['phone_call_log:read:admin']);
    expect(lines.find((l) => l.what.startsWith('`phone calls'))?.ok).toBe(true);
    expect(lines.find((l) => l.what.startsWith('`chat send'))).toMatchObject({ ok: false, what: '`chat send` is blocked: the Zoom app lacks `team_chat:write:user_message:admin`.' });
  });
});

describe('nodeLine', () => {
  it.each([
    ['22.12.0', true],
    ['24.1.0', true],
    ['20.19.0', false],
    ['18.20.0', false],
  ])('judges Node %s', (version, ok) => {
    expect(nodeLine(version).ok).toBe(ok);
  });
});
