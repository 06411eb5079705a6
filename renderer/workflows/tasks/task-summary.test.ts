import { describe, expect, it } from 'vitest';
import type { TaskSnapshot } from '../../../src/contract/index.js';
import { dockSummary, shortProgress } from './task-summary.js';

const task = (over: Partial<TaskSnapshot>): TaskSnapshot => ({
  id: 't-1',
  kind: 'flash',
  title: 'Flash pi.img',
  state: 'running',
  progress: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  error: null,
  outcome: null,
  logFile: '/tmp/t-1.log',
  subject: null,
  ...over,
});

describe('the collapsed Tasks panel line', () => {
  it('says nothing runs when every task has finished', () => {
    expect(dockSummary([task({ state: 'failed' }), task({ state: 'succeeded' })])).toBe('No tasks running');
  });

  it('gives the running task’s percentage and bytes first, then its phase', () => {
    const progress = { phase: 'writing', done: 1.4e9, total: 4e9, rate: 3e7, unit: 'bytes' as const };
    expect(dockSummary([task({ progress })])).toBe(
      'Flash pi.img · 35% · 1.4 GB of 4.0 GB · Writing the card',
    );
  });

  it('shows what is done when the total is unknown, and counts the others running', () => {
    const progress = { phase: 'decompressing', done: 5e8, total: null, rate: null, unit: 'bytes' as const };
    expect(shortProgress(progress)).toBe('500 MB · Unpacking the image');
    expect(dockSummary([task({ progress }), task({ id: 't-2' })])).toMatch(/\(and 1 more\)$/);
  });
});
