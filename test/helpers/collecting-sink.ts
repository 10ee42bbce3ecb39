// A body sink for the download clients' tests: keeps what it is given, in one buffer it reuses as the part writer does,
// and never asks to pause.
import type { BodySink } from '../../src/jobs/downloads/http1.js';

export class CollectingSink implements BodySink {
  readonly received: Buffer[] = [];
  private readonly buffer = Buffer.alloc(65_536);
  space(): Buffer {
    return this.buffer;
  }
  filled(n: number): boolean {
    this.received.push(Buffer.from(this.buffer.subarray(0, n)));
    return true;
  }
  get body(): string {
    return Buffer.concat(this.received).toString('latin1');
  }
}
