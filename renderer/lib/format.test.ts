import { describe, expect, it } from 'vitest';
import { describeProgress, formatBytes, formatDuration, formatRate } from './format.js';

describe('format', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [31_914_983_424, '31.9 GB'],
    [150_000_000, '150 MB'],
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [0, '0s'],
    [59.6, '1m 00s'],
    [61, '1m 01s'],
    [3600 * 2 + 60 * 5, '2h 05m'],
  ])('formatDuration(%d) = %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));

  it('rates by unit', () => {
    expect(formatRate(35_000_000, 'bytes')).toBe('35.0 MB/s');
    expect(formatRate(2.5, 'steps')).toBe('2.5 steps/s');
    expect(formatRate(null, 'bytes')).toBeNull();
  });

  it('describes progress with ETA only when total and rate are known', () => {
    expect(describeProgress({ phase: 'w', done: 1e9, total: 4e9, rate: 1e8, unit: 'bytes' })).toBe(
      '1.0 GB of 4.0 GB · 100 MB/s · 30s left',
    );
    expect(describeProgress({ phase: 'w', done: 5, total: null, rate: null, unit: 'items' })).toBe('5');
  });
});
