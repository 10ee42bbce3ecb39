// What the README promises a new user, checked against the code: the sandbox comes first, and downloads land where
// it says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordingFolderName } from '../../src/jobs/downloads/names.js';
import { SANDBOX_RECORDINGS_DIR } from '../../src/sandbox/start.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the sandbox', () => {
    expect(readme.match(/^## .*$/m)?.[0]).toBe('## Try it in 2 minutes: the sandbox');
  });

  it('states the sandbox download folder as the code builds it', () => {
    expect(readme).toContain(`\`${SANDBOX_RECORDINGS_DIR}/<day>_<topic>_<id>/\``);
    const example = recordingFolderName({ start_time: '2025-03-12T15:00:00Z', topic: 'Weekly sync', id: '81234567890' });
    expect(readme).toContain(`e.g. \`${example}/\``);
  });
});
