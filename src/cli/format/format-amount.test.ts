import { describe, expect, it } from 'vitest';
import { formatAmount, formatRate } from './format-amount.js';

describe('formatAmount', () => {
  it('shows bytes as decimal MB', () => {
    expect(formatAmount(120_500_000, 3_000_000_000, 'bytes')).toBe('120.5 / 3000.0 MB');
    expect(formatAmount(42_000_000, null, 'bytes')).toBe('42.0 MB');
  });

  it('counts steps and items as they are', () => {
    expect(formatAmount(3, 5, 'steps')).toBe('3 / 5 steps');
    expect(formatAmount(7, null, 'items')).toBe('7 items');
  });
});

describe('formatRate', () => {
  it('shows MB/s for bytes and unit/s otherwise', () => {
    expect(formatRate(12_345_678, 'bytes')).toBe('12.3 MB/s');
    expect(formatRate(49.84, 'steps')).toBe('49.8 steps/s');
  });

  it('shows a dash until a rate exists', () => {
    expect(formatRate(null, 'bytes')).toBe('-');
  });
});
