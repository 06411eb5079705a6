import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../src/contract/index.js';
import { baseName, progressFacts } from './progress-facts.js';

const writing = (done: number, rate: number | null): TaskProgress => ({
  phase: 'writing',
  done,
  total: 4_000_000_000,
  rate,
  unit: 'bytes',
});

describe('progressFacts', () => {
  it('says the phase in words, with a whole percentage and the bytes', () => {
    expect(progressFacts(writing(1_000_000_000, 20e6), 10_000)).toEqual({
      phase: 'Writing the card',
      percent: 25,
      amount: '1.0 GB of 4.0 GB',
      rate: '20.0 MB/s',
      eta: 'about 2m 30s left',
    });
  });

  it('holds the rate and time left back in a phase’s first seconds, and never says 0 B/s', () => {
    expect(progressFacts(writing(4_000_000, 40e6), 500)).toMatchObject({ rate: null, eta: null });
    expect(progressFacts(writing(0, 0), 20_000)).toMatchObject({ rate: null, eta: null });
  });

  it('never says "0s left"', () => {
    expect(progressFacts(writing(3_999_900_000, 500e6), 20_000).eta).toBeNull();
    expect(progressFacts(writing(4_000_000_000, 500e6), 20_000)).toMatchObject({ percent: 100, eta: null });
  });

  it('names a file by its base name', () => {
    expect(baseName('/home/me/out/pi-garage.img')).toBe('pi-garage.img');
    expect(baseName('/dev/sdb')).toBe('sdb');
  });
});
