import { SingleBar } from 'cli-progress';
import type { TaskProgress } from '../contract/index.js';
import { formatProgressLine } from './format/progress-line.js';

/** Shows a running task's progress somewhere; `stop` is idempotent and later updates are ignored. */
export interface ProgressView {
  update(progress: TaskProgress): void;
  stop(): void;
}

export const silentProgressView: ProgressView = { update() {}, stop() {} };

/** A live bar redrawn in place (cli-progress), for a terminal. */
export function createBarView(stream: NodeJS.WriteStream): ProgressView {
  // Leave room for phase, amount, rate and ETA on an 80-column terminal.
  const barWidth = Math.max(10, Math.min(30, (stream.columns || 80) - 60));
  const bar = new SingleBar({
    stream,
    format: (_options, _params, payload: { progress: TaskProgress }) =>
      formatProgressLine(payload.progress, { barWidth }),
    hideCursor: true,
    fps: 10,
    // We own SIGINT (it cancels the task); cli-progress's own handler would only race ours.
    gracefulExit: false,
  });
  let state: 'idle' | 'active' | 'stopped' = 'idle';
  return {
    update(progress) {
      if (state === 'stopped') return;
      if (state === 'idle') bar.start(1, 0, { progress });
      else bar.update({ progress });
      state = 'active';
    },
    stop() {
      if (state === 'active') bar.stop();
      state = 'stopped';
    },
  };
}

/** Plain lines at most once per interval, for pipes and log files where redrawing would leave garbage. */
export function createLineView(
  writeLine: (line: string) => void,
  now: () => number = Date.now,
  intervalMs = 1000,
): ProgressView {
  let lastAt = Number.NEGATIVE_INFINITY;
  let stopped = false;
  return {
    update(progress) {
      const at = now();
      if (stopped || at - lastAt < intervalMs) return;
      lastAt = at;
      writeLine(formatProgressLine(progress));
    },
    stop() {
      stopped = true;
    },
  };
}
