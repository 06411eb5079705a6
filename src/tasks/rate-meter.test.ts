import { describe, expect, it } from 'vitest';
import { RateMeter, etaSeconds } from './rate-meter.js';

describe('RateMeter', () => {
  it('has no rate from a single sample', () => {
    expect(new RateMeter().sample(100, 0)).toBeNull();
  });

  it('measures a steady rate exactly', () => {
    const meter = new RateMeter();
    let rate: number | null = null;
    for (let t = 0; t <= 5000; t += 500) rate = meter.sample(t * 10, t);
    expect(rate).toBeCloseTo(10_000, 5);
  });

  it('follows a change of rate without jumping to it', () => {
    const meter = new RateMeter(1000);
    meter.sample(0, 0);
    meter.sample(1000, 1000); // 1000/s
    const after = meter.sample(1000 + 100, 2000); // 100/s for one second
    expect(after).toBeGreaterThan(100);
    expect(after).toBeLessThan(1000);
  });

  it('ignores samples that do not move time forward', () => {
    const meter = new RateMeter();
    meter.sample(0, 0);
    expect(meter.sample(500, 1000)).toBe(500);
    expect(meter.sample(9999, 1000)).toBe(500);
  });
});

describe('etaSeconds', () => {
  it.each([
    [50, 100, 10, 5],
    [50, null, 10, null],
    [50, 100, null, null],
    [50, 100, 0, null],
    [120, 100, 10, 0],
  ])('done %d of %s at %s/s → %s', (done, total, rate, eta) =>
    expect(etaSeconds(done, total, rate)).toBe(eta),
  );
});
