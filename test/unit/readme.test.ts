// What the README promises a new user, checked against the code: the sandbox comes first, and downloads land where
// it says.
import { existsSync, readFileSync, statSync } from 'node:fs';
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

  it('shows only pictures that are in the repository, each small (npm run screenshots takes them)', () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img [^>]*src="([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
    expect(images).toContain('docs/images/doctor.png');
    for (const image of images) {
      const file = new URL(`../../${image}`, import.meta.url);
      expect(existsSync(file), `${image} is linked from the README but missing`).toBe(true);
      expect(statSync(file).size, `${image} is over 200 KB`).toBeLessThan(200 * 1024);
    }
  });
});
