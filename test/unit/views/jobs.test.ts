import { describe, expect, it } from 'vitest';
import { jobListMessage, jobStatusMessage, type JobInfo } from '../../../src/views/jobs.js';

const text = (m: { blocks?: unknown[] }) => JSON.stringify(m.blocks);

describe('a Zoom event’s relay job in /zoom jobs', () => {
  // The relay keeps no job progress (it cost BullMQ's Redis commands per event): its result says where it went.
  const relayJob: JobInfo = { id: 'evt-1a2b', state: 'completed', description: 'meeting.started', result: { channels: 2 }, createdAt: 1_700_000_000_000, finishedAt: 1_700_000_001_000 };

  it('lists the channels it alerted', () => {
    expect(text(jobListMessage('Jobs', [], 'No jobs.', { finished: [relayJob], zone: 'UTC' }))).toContain('`evt-1a2b` *completed* · meeting.started · alerted 2 channels · finished');
  });

  it('says so in its status, with one channel in the singular', () => {
    expect(text(jobStatusMessage({ ...relayJob, result: { channels: 1 } }, 'UTC'))).toContain('State: *completed*\\nalerted 1 channel\\nFinished at');
  });
});
