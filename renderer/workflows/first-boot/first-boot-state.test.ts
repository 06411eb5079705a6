import { describe, expect, it } from 'vitest';
import { describeBootTime } from './first-boot-state.js';

describe('describeBootTime', () => {
  it('shows the elapsed time against the usual range', () => {
    expect(describeBootTime(42.7)).toBe('42 s — a first boot usually takes 1–5 min');
    expect(describeBootTime(80)).toBe('1 min 20 s — a first boot usually takes 1–5 min');
  });

  it('says what to look at once the usual range is passed', () => {
    expect(describeBootTime(301)).toMatch(/^5 min 1 s — longer than the usual 1–5 min: check the Pi/);
  });
});
