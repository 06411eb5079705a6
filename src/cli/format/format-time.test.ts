import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatTimestamp, taskDuration } from './format-time.js';

describe('formatDuration', () => {
  it.each([
    [0, '0.0 s'],
    [420, '0.4 s'],
    [9_940, '9.9 s'],
    [9_960, '10 s'],
    [42_000, '42 s'],
    [59_600, '1 m 00 s'],
    [187_000, '3 m 07 s'],
    [3_600_000, '1 h 00 m'],
    [7_500_000, '2 h 05 m'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('shows a dash for nonsense (clock skew, NaN)', () => {
    expect(formatDuration(-5)).toBe('-');
    expect(formatDuration(Number.NaN)).toBe('-');
  });
});

describe('formatClock', () => {
  it.each([
    [0, '0:00'],
    [0.2, '0:01'],
    [27, '0:27'],
    [723, '12:03'],
    [3723, '1:02:03'],
  ])('%d s → %s', (seconds, text) => expect(formatClock(seconds)).toBe(text));

  it('shows an unknown ETA as --:--', () => {
    expect(formatClock(null)).toBe('--:--');
    expect(formatClock(Number.POSITIVE_INFINITY)).toBe('--:--');
  });
});

describe('formatTimestamp', () => {
  it('formats local time', () => {
    expect(formatTimestamp(new Date(2025, 0, 2, 13, 4, 5).toISOString())).toBe('2025-01-02 13:04:05');
  });

  it('passes unparseable text through', () => {
    expect(formatTimestamp('yesterday')).toBe('yesterday');
  });
});

describe('taskDuration', () => {
  it('measures ended tasks from start to end, running ones up to now', () => {
    expect(taskDuration('2025-01-01T00:00:00.000Z', '2025-01-01T00:00:42.000Z')).toBe('42 s');
    expect(taskDuration('2025-01-01T00:00:00.000Z', null, Date.parse('2025-01-01T00:03:07.000Z'))).toBe(
      '3 m 07 s',
    );
  });
});
