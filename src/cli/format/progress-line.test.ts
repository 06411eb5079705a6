import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../contract/index.js';
import { formatProgressLine, progressFraction, renderBar } from './progress-line.js';

const steps: TaskProgress = { phase: 'counting', done: 3, total: 5, rate: 2, unit: 'steps' };

describe('progressFraction', () => {
  it('is done/total, clamped, or null without a total', () => {
    expect(progressFraction({ done: 3, total: 5 })).toBe(0.6);
    expect(progressFraction({ done: 9, total: 5 })).toBe(1);
    expect(progressFraction({ done: 3, total: null })).toBeNull();
    expect(progressFraction({ done: 0, total: 0 })).toBeNull();
  });
});

describe('renderBar', () => {
  it('fills its width in proportion', () => {
    expect(renderBar(0.6, 10)).toBe('██████░░░░');
    expect(renderBar(1, 4)).toBe('████');
    expect(renderBar(null, 4)).toBe('░░░░');
  });
});

describe('formatProgressLine', () => {
  it('shows phase, percent, amount, rate and ETA', () => {
    expect(formatProgressLine(steps)).toBe('counting 60%  3 / 5 steps  2.0 steps/s  ETA 0:01');
  });

  it('draws a bar when given a width', () => {
    expect(formatProgressLine(steps, { barWidth: 5 })).toBe(
      'counting [███░░] 60%  3 / 5 steps  2.0 steps/s  ETA 0:01',
    );
  });

  it('renders bytes as MB and MB/s', () => {
    const bytes: TaskProgress = {
      phase: 'writing',
      done: 500_000_000,
      total: 2_000_000_000,
      rate: 25_000_000,
      unit: 'bytes',
    };
    expect(formatProgressLine(bytes)).toBe('writing 25%  500.0 / 2000.0 MB  25.0 MB/s  ETA 1:00');
  });

  it('leaves out percent and ETA when the total is unknown', () => {
    const open: TaskProgress = {
      phase: 'downloading',
      done: 3_000_000,
      total: null,
      rate: null,
      unit: 'bytes',
    };
    expect(formatProgressLine(open)).toBe('downloading  3.0 MB  -');
  });

  it('shows an unknown ETA before the first rate', () => {
    expect(formatProgressLine({ ...steps, rate: null })).toBe('counting 60%  3 / 5 steps  -  ETA --:--');
  });
});
