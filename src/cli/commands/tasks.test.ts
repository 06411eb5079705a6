import { describe, expect, it } from 'vitest';
import type { TaskSnapshot } from '../../contract/index.js';
import { formatLogLine, formatTaskList } from './tasks.js';

const local = (h: number, m: number, s: number) => new Date(2025, 0, 2, h, m, s).toISOString();

const task = (overrides: Partial<TaskSnapshot>): TaskSnapshot => ({
  id: 't-1',
  kind: 'self-test',
  title: 'Self-test (5 steps)',
  state: 'succeeded',
  progress: null,
  startedAt: local(13, 0, 0),
  endedAt: local(13, 0, 42),
  error: null,
  outcome: null,
  logFile: '/tmp/t-1.log',
  subject: null,
  ...overrides,
});

describe('formatTaskList', () => {
  it('lays out the tasks and puts error and hint under a failed one', () => {
    const failed = task({
      id: 't-22',
      state: 'failed',
      endedAt: local(13, 3, 7),
      error: { code: 'x', message: 'It broke.', hint: 'Try again.' },
    });
    const running = task({ id: 't-3', state: 'running', endedAt: null });
    expect(formatTaskList([failed, task({}), running], Date.parse(local(13, 0, 5)) + 200)).toBe(
      [
        'ID    KIND       STATE      STARTED              DURATION',
        't-22  self-test  failed     2025-01-02 13:00:00  3 m 07 s',
        '    error: It broke.',
        '    hint: Try again.',
        't-1   self-test  succeeded  2025-01-02 13:00:00      42 s',
        't-3   self-test  running    2025-01-02 13:00:00     5.2 s',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is no history', () => {
    expect(formatTaskList([])).toBe('No tasks yet.\n');
  });
});

describe('formatLogLine', () => {
  it('shows local time, level and message', () => {
    expect(formatLogLine({ at: local(9, 5, 1), level: 'warn', message: 'Cancelled.' })).toBe(
      '2025-01-02 09:05:01  warn   Cancelled.\n',
    );
  });
});
