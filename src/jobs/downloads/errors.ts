// The ways a recording file's transfer fails, each telling the retry loop (transfer.ts) and the job (file-step.ts)
// what to do next: give the file up, stop and resume later, try again from the bytes on disk, or start the file over.
// Their messages are the reasons a job's summary lists (views/recordings.ts), written for the admin.
import { CodedError } from '../../errors.js';

/**
 * The download cannot succeed by trying again (a refused host, an HTML page, no space …): one sentence why. Expected:
 * Zoom, the network or the disk decided it, and the job's summary says so; it is no fault of ZoomOps.
 */
export class DownloadRefusedError extends CodedError<'download_refused'> {
  constructor(message: string) {
    super('download_refused', message, { expected: true });
  }
}

/** The download stopped because `signal` was aborted (shutdown, cancel) or `mayWrite` said no; the `.part` is kept for a resume. */
export class DownloadStoppedError extends CodedError<'download_stopped'> {
  constructor(readonly bytesOnDisk: number) {
    super('download_stopped', 'the download was stopped; it resumes from the bytes on disk', { expected: true });
  }
}

/** A failure worth another attempt from the bytes on disk (network cut, 5xx, an expired signed URL). */
export class TransientDownloadError extends CodedError<'download_retry' | 'download_start_over'> {
  constructor(message: string, code: 'download_retry' | 'download_start_over' = 'download_retry') {
    super(code, message, { expected: true });
  }
}

/** The server no longer agrees with the bytes on disk: the next attempt starts the file over. */
export class StartOverError extends TransientDownloadError {
  constructor(message: string) {
    super(message, 'download_start_over');
  }
}

/** Writing the `.part` failed (disk full, I/O error): said as such, never as a network cut. Not expected: the disk failed. */
export class DiskWriteError extends CodedError<'download_disk_write'> {
  constructor(message: string) {
    super('download_disk_write', message);
  }
}
