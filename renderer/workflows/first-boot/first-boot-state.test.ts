import { describe, expect, it } from 'vitest';
import { describeBootTime, formatTarget } from './first-boot-state.js';

describe('describeBootTime', () => {
  it('shows the elapsed time against the usual range', () => {
    expect(describeBootTime(42.7)).toBe('42 s — a first boot usually takes 1–5 min');
    expect(describeBootTime(80)).toBe('1 min 20 s — a first boot usually takes 1–5 min');
  });

  it('says what to look at once the usual range is passed', () => {
    expect(describeBootTime(301)).toMatch(/^5 min 1 s — longer than the usual 1–5 min: check the Pi/);
  });
});

describe('formatTarget', () => {
  it('brackets an IPv6 address before its port', () => {
    expect(formatTarget({ address: '192.0.2.7', port: 22 })).toBe('192.0.2.7:22');
    expect(formatTarget({ address: 'fd00::7', port: 2222 })).toBe('[fd00::7]:2222');
  });
});
