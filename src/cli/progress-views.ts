import type { TaskProgress } from '../contract/index.js';
import { formatProgressLine } from './format/progress-line.js';

/** Shows a running task's progress somewhere; `stop` is idempotent and later updates are ignored. */
export interface ProgressView {
  update(progress: TaskProgress): void;
  /** Ends the view before anything else is printed: a bar is cleared, a log of lines ends on the last state. */
  stop(): void;
}

export const silentProgressView: ProgressView = { update() {}, stop() {} };

const CLEAR_LINE = '\r\x1b[K';

/**
 * One line redrawn in place on a terminal, at most once per interval (a late update is drawn when the interval
 * ends). Only carriage returns, no saved cursor positions: text another program prints meanwhile (a password prompt)
 * cannot make the final clear land on some other line. Stopping clears the line, so the result is printed where the
 * bar was and no stale percentage stays behind.
 */
export function createBarView(
  stream: Pick<NodeJS.WriteStream, 'write' | 'columns'>,
  now: () => number = Date.now,
  intervalMs = 100,
): ProgressView {
  const columns = () => stream.columns || 80;
  // Leave room for phase, amount, rate and ETA on an 80-column terminal.
  const barWidth = Math.max(10, Math.min(30, columns() - 60));
  let latest: TaskProgress | null = null;
  let drawn = '';
  let drawnAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const draw = () => {
    timer = null;
    if (stopped || !latest) return;
    // A line wider than the terminal would wrap, and the carriage return would then redraw only its last row.
    const line = formatProgressLine(latest, { barWidth }).slice(0, Math.max(1, columns() - 1));
    drawnAt = now();
    if (line === drawn) return;
    stream.write(`${CLEAR_LINE}${line}`);
    drawn = line;
  };
  return {
    update(progress) {
      if (stopped) return;
      latest = progress;
      const wait = drawnAt + intervalMs - now();
      if (wait <= 0) draw();
      else timer ??= setTimeout(draw, wait).unref();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      if (drawn) stream.write(CLEAR_LINE);
    },
  };
}

/**
 * Plain lines at most once per interval, for pipes and log files where redrawing would leave garbage. Stopping prints
 * the last state when it was held back, so the log ends where the task ended, not at an early percentage.
 */
export function createLineView(
  writeLine: (line: string) => void,
  now: () => number = Date.now,
  intervalMs = 1000,
): ProgressView {
  let lastAt = Number.NEGATIVE_INFINITY;
  let held: TaskProgress | null = null;
  let stopped = false;
  return {
    update(progress) {
      if (stopped) return;
      const at = now();
      if (at - lastAt < intervalMs) {
        held = progress;
        return;
      }
      lastAt = at;
      held = null;
      writeLine(formatProgressLine(progress));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (held) writeLine(formatProgressLine(held));
    },
  };
}
