// The ways a recording file's transfer fails, each telling the retry loop (transfer.ts) and the job (job.ts) what to
// do next: give the file up, stop and resume later, try again from the bytes on disk, or start the file over.

/** The download cannot succeed by trying again (a refused host, an HTML page, no space …): one sentence why. */
export class DownloadRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** The download stopped because `signal` was aborted (shutdown, cancel) or `mayWrite` said no; the `.part` is kept for a resume. */
export class DownloadStoppedError extends Error {
  constructor(readonly bytesOnDisk: number) {
    super('the download was stopped; it resumes from the bytes on disk');
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A failure worth another attempt from the bytes on disk (network cut, 5xx, an expired signed URL). */
export class TransientDownloadError extends Error {}

/** The server no longer agrees with the bytes on disk: the next attempt starts the file over. */
export class StartOverError extends TransientDownloadError {}

/** Writing the `.part` failed (disk full, I/O error): said as such, never as a network cut. */
export class DiskWriteError extends Error {}
