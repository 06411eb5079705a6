import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../contract/index.js';
import { createLineView } from './progress-views.js';

const at = (done: number): TaskProgress => ({
  phase: 'counting',
  done,
  total: 10,
  rate: null,
  unit: 'steps',
});

describe('createLineView', () => {
  it('prints at most one line per interval', () => {
    const lines: string[] = [];
    let now = 0;
    const view = createLineView(
      (line) => lines.push(line),
      () => now,
      1000,
    );
    for (const [time, done] of [
      [0, 1],
      [500, 2],
      [999, 3],
      [1000, 4],
      [1500, 5],
      [2100, 6],
    ] as const) {
      now = time;
      view.update(at(done));
    }
    expect(lines.map((line) => line.split('  ')[1])).toEqual([
      '1 / 10 steps',
      '4 / 10 steps',
      '6 / 10 steps',
    ]);
  });

  it('prints nothing after stop', () => {
    const lines: string[] = [];
    const view = createLineView(
      (line) => lines.push(line),
      () => 0,
    );
    view.stop();
    view.update(at(1));
    expect(lines).toEqual([]);
  });
});
