import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/inflight.js';

describe('InFlight', () => {
  it('drains once every running piece of work has finished', async () => {
    const inflight = new InFlight();
    let finish!: () => void;
    const running = inflight.run(() => new Promise<void>((resolve) => (finish = resolve)));
    let drained = false;
    const drain = inflight.drain(5_000).then((ok) => (drained = ok));
    await Promise.resolve();
    expect(drained).toBe(false);
    finish();
    await running;
    await drain;
    expect(drained).toBe(true);
    expect(inflight.size).toBe(0);
  });

  it('gives up after the deadline and says so', async () => {
    const inflight = new InFlight();
    void inflight.run(() => new Promise<void>(() => undefined));
    expect(await inflight.drain(20)).toBe(false);
    expect(inflight.size).toBe(1);
  });

  it('counts work that fails as finished', async () => {
    const inflight = new InFlight();
    await expect(inflight.run(async () => Promise.reject(new Error('zoom down')))).rejects.toThrow('zoom down');
    expect(await inflight.drain(10)).toBe(true);
  });
});
