// What a download's messages may show of the server: a watching channel (maybe public) sees paths relative to
// ZOOMOPS_RECORDINGS_DIR, the admin's own DM the absolute ones.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathsShownTo } from '../../../src/jobs/shown-paths.js';

describe('pathsShownTo', () => {
  const dir = '/srv/zoomops/recordings';

  it('shows a channel paths relative to ZOOMOPS_RECORDINGS_DIR and the directory by its setting’s name', () => {
    const channel = { inChannel: true };
    expect(pathsShownTo(channel, dir, join(dir, '2026-03-14_Review_812', 'speaker_view_F1.mp4'))).toBe('2026-03-14_Review_812/speaker_view_F1.mp4');
    expect(pathsShownTo(channel, dir, `not enough disk space in ${dir}: 2.0 GB needed, 1.0 GB free; free some space or point ZOOMOPS_RECORDINGS_DIR elsewhere`)).toBe(
      'not enough disk space in ZOOMOPS_RECORDINGS_DIR: 2.0 GB needed, 1.0 GB free; free some space or point ZOOMOPS_RECORDINGS_DIR elsewhere',
    );
    expect(pathsShownTo(channel, dir, `the download kept failing (writing ${dir}/2026-03-14_Review_812/a.mp4.part failed (ENOSPC))`)).toBe(
      'the download kept failing (writing 2026-03-14_Review_812/a.mp4.part failed (ENOSPC))',
    );
  });

  it('hides a relative setting too, in either form an error may name it', () => {
    const channel = { inChannel: true };
    expect(pathsShownTo(channel, './data/recordings', `writing ${join('./data/recordings', 'm', 'a.part')} failed`)).toBe('writing m/a.part failed');
    expect(pathsShownTo(channel, './data/recordings', `ENOSPC: open '${resolve('data/recordings/m/a.part')}'`)).toBe("ENOSPC: open 'm/a.part'");
  });

  it('takes the directory only where a path name ends, not a sibling or parent that shares its letters', () => {
    const channel = { inChannel: true };
    const rec = '/srv/rec';
    expect(pathsShownTo(channel, rec, 'renamed /srv/recordings-old/x.mp4 and /srv/rec.bak/y')).toBe('renamed /srv/recordings-old/x.mp4 and /srv/rec.bak/y');
    expect(pathsShownTo(channel, rec, 'moved from /mnt/srv/rec/z to /srv/rec/m/a.mp4')).toBe('moved from /mnt/srv/rec/z to m/a.mp4');
    expect(pathsShownTo(channel, rec, "EACCES: mkdir '/srv/rec' (in `/srv/rec`), also /srv/rec\tand /srv/rec")).toBe(
      "EACCES: mkdir 'ZOOMOPS_RECORDINGS_DIR' (in `ZOOMOPS_RECORDINGS_DIR`), also ZOOMOPS_RECORDINGS_DIR\tand ZOOMOPS_RECORDINGS_DIR",
    );
    expect(pathsShownTo(channel, rec, 'nothing is written to /srv/rec.')).toBe('nothing is written to ZOOMOPS_RECORDINGS_DIR.');
  });

  it('leaves the admin’s DM its absolute paths', () => {
    expect(pathsShownTo({}, dir, join(dir, 'm', 'a.mp4'))).toBe(join(dir, 'm', 'a.mp4'));
  });
});
