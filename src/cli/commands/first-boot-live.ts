import type { FirstBootReport, FirstBootStage, LogLine } from '../../contract/index.js';

/**
 * What of a first-boot run goes to stderr while it runs: progress, not results. Until the Pi is found every line
 * (each address tried, each warning); after that only warnings, since what was found, the key verdict, the login and
 * each check are the report's lines, printed once on stdout at the end. Errors are the run's own error, printed last.
 */
export function createFirstBootLive(write: (text: string) => void) {
  let stage: FirstBootStage = 'finding';
  let waiting: string | null = null;
  return {
    /** A change of the live report (a `task.detail` event): its stage, and what it waits for now. */
    report(report: FirstBootReport): void {
      stage = report.stage;
      if (report.waiting && report.waiting !== waiting) write(`… ${report.waiting}\n`);
      waiting = report.waiting;
    },
    log(line: LogLine): void {
      const shown =
        line.level === 'warn'
          ? stage !== 'checking' && stage !== 'done'
          : line.level === 'info' && stage === 'finding';
      if (shown) write(`${line.message}\n`);
    },
  };
}
