import { describe, expect, it } from 'vitest';
import { bootTimeNote, formatClock, formatTarget } from './first-boot-state.js';

describe('bootTimeNote', () => {
  it('says how long a first boot usually takes', () => {
    expect(bootTimeNote(42.7)).toBe('A first boot usually takes 1–5 minutes.');
  });

  it('says what to look at once the usual range is passed', () => {
    expect(bootTimeNote(301)).toMatch(/^That is longer than the usual 1–5 minutes: check the Pi/);
  });
});

describe('formatClock', () => {
  it('reads like a stopwatch', () => {
    expect(formatClock(72.9)).toBe('1:12');
    expect(formatClock(900)).toBe('15:00');
    expect(formatClock(3723)).toBe('1:02:03');
  });
});

describe('formatTarget', () => {
  it('brackets an IPv6 address before its port', () => {
    expect(formatTarget({ address: '192.0.2.7', port: 22 })).toBe('192.0.2.7:22');
    expect(formatTarget({ address: 'fd00::7', port: 2222 })).toBe('[fd00::7]:2222');
  });
});
