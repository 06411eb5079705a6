import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../contract/index.js';
import { createBarView, createLineView } from './progress-views.js';

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

  it('ends on the last state when stopped, not on an early percentage it printed', () => {
    const lines: string[] = [];
    let now = 0;
    const view = createLineView(
      (line) => lines.push(line),
      () => now,
    );
    view.update(at(1));
    now = 10;
    view.update(at(10));
    view.stop();
    view.stop();
    expect(lines.map((line) => line.split('  ')[1])).toEqual(['1 / 10 steps', '10 / 10 steps']);
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

describe('createBarView', () => {
  function terminal(columns = 80) {
    const writes: string[] = [];
    return { writes, stream: { columns, write: (text: string) => writes.push(text) > 0 } };
  }

  it('redraws one line with carriage returns and clears it when stopped', () => {
    const { writes, stream } = terminal();
    let now = 0;
    const view = createBarView(stream, () => now);
    view.update(at(1));
    now = 200;
    view.update(at(5));
    view.stop();
    view.update(at(9));
    expect(writes).toHaveLength(3);
    const CLEAR = '\r\x1b[K';
    expect(writes[0]?.startsWith(`${CLEAR}counting [`)).toBe(true);
    expect(writes[0]).toContain('] 10%');
    expect(writes[1]?.startsWith(`${CLEAR}counting [`)).toBe(true);
    expect(writes[1]).toContain('] 50%');
    // No saved cursor (ESC 7/8): output printed meanwhile cannot send the clear to another line.
    expect(writes.at(-1)).toBe(CLEAR);
    expect(writes.join('')).not.toContain('\x1b7');
    expect(writes.join('')).not.toContain('\x1b8');
  });

  it('draws a held-back update once its interval ends, and never wider than the terminal', async () => {
    const { writes, stream } = terminal(40);
    const view = createBarView(stream, Date.now, 20);
    view.update(at(1));
    view.update(at(7));
    expect(writes).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(writes[1]).toMatch(/70%/);
    for (const text of writes) expect(text.replace('\r\x1b[K', '').length).toBeLessThan(40);
    view.stop();
  });

  it('writes nothing at all when no progress came', () => {
    const { writes, stream } = terminal();
    const view = createBarView(stream);
    view.stop();
    expect(writes).toEqual([]);
  });
});
