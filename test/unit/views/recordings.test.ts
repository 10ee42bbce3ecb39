// The download summary of a recordings job and Slack's 1 GB file limit.
import { describe, expect, it } from 'vitest';
import { downloadSummaryMessage } from '../../../src/views/recordings.js';

describe('the download summary and Slack’s 1 GB file limit', () => {
  const summary = (bytes: number) =>
    downloadSummaryMessage({
      jobId: 'dl-1',
      description: 'Recordings of Weekly sync',
      saved: [{ id: 'f1', name: 'video.mp4', path: '/data/recordings/video.mp4', bytes }],
      failures: [],
      meetingUuid: 'uuid-1',
      shareChannel: 'C1',
    });
  const shareButtons = (message: ReturnType<typeof summary>) => JSON.stringify(message.blocks).match(/Share to Slack/g) ?? [];

  it('offers Share to Slack for a file of exactly 1 GB', () => {
    const message = summary(1_000_000_000);
    expect(shareButtons(message)).toHaveLength(1);
    expect(JSON.stringify(message.blocks)).not.toContain('1 GB limit');
  });

  it('keeps a larger file on disk and says why, without a Share button', () => {
    const message = summary(1_000_000_001);
    expect(shareButtons(message)).toHaveLength(0);
    expect(JSON.stringify(message.blocks)).toContain('over Slack\'s 1 GB limit, so it stays on disk');
  });
});
