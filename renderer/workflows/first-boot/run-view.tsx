import { useEffect, useState, type RefObject } from 'react';
import type { FirstBootReport, HostProfile, TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion } from '../../lib/companion.js';
import { useTask } from '../../lib/use-task.js';
import { useTaskResult } from '../../lib/use-task-result.js';
import { bootTimeNote, formatClock, formatTarget, type FirstBootStep } from './first-boot-state.js';
import { NextStepsView } from './next-steps-view.js';
import { ReportView } from './report-view.js';

const STAGE_TEXT: Record<FirstBootReport['stage'], (host: string) => string> = {
  finding: (host) => `Waiting for ${host}…`,
  verifying: (host) => `Checking ${host}’s host key…`,
  'logging-in': () => 'Logging in…',
  checking: () => 'Running the checks…',
  done: () => 'Finishing…',
};

/** Seconds since the task started, ticking once a second while it runs (the report changes only on events). */
function useElapsed(task: TaskSnapshot | undefined, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  if (!task) return 0;
  const end = task.endedAt ? Date.parse(task.endedAt) : now;
  return Math.max(0, (end - Date.parse(task.startedAt)) / 1000);
}

/** The live view: what the run waits for, how long it has waited of how long it will, with a spinner. */
function WaitingView({
  host,
  report,
  elapsed,
  limitSeconds,
}: {
  host: string;
  report: FirstBootReport | null;
  elapsed: number;
  limitSeconds: number;
}) {
  const stage = report?.stage ?? 'finding';
  // The limit is how long the run looks for the Pi; once found, the checks have their own.
  const limited = stage === 'finding' || stage === 'verifying';
  return (
    <div className="first-boot-waiting" data-testid="waiting">
      <span className="spinner" aria-hidden="true" />
      <div>
        <p className="waiting-headline" role="status" aria-live="polite">
          {STAGE_TEXT[stage](host)}{' '}
          <span className="waiting-clock" data-testid="waiting-clock">
            {formatClock(elapsed)}
            {limited && ` of ${formatClock(limitSeconds)}`}
          </span>
        </p>
        <p className="field-note">
          {/* While finding, the clock says it all; later the core says what it waits for (systemd starting). */}
          {stage !== 'finding' && report?.waiting ? `${report.waiting}. ` : ''}
          {bootTimeNote(elapsed)}
        </p>
      </div>
    </div>
  );
}

/** The run: the live view while it looks and checks, then the verdict, the report and what to do next. */
export function RunView({
  step,
  heading,
  onRestart,
  onBack,
}: {
  step: Extract<FirstBootStep, { kind: 'running' }>;
  heading: RefObject<HTMLHeadingElement | null>;
  onRestart: (host: HostProfile, address: string | null, trustPresentedKey?: string) => void;
  onBack: () => void;
}) {
  const task = useTask(step.taskId);
  const report = useTaskResult('first-boot', step.taskId) ?? null;
  const running = task?.state === 'running' || task === undefined;
  const elapsed = useElapsed(task, running);
  const presented = report?.trust.presentedKeyLine;
  // The trust box explains a mismatch or an unknown key in this face's words; the error adds only the hint.
  const trustExplains = report?.trust.status === 'mismatch' || report?.trust.status === 'unpinned';
  return (
    <div className="wizard-step" data-state={task?.state}>
      <h2 className="step-title" tabIndex={-1} ref={heading}>
        First boot of {step.host.name}
      </h2>
      {/* The verdict first: the report below is the evidence. */}
      {!running && task?.state === 'succeeded' && (
        <p className="notice notice-info" role="status" data-outcome="passed">
          {step.host.name} is up, trusted and every check passed.
        </p>
      )}
      {running && (
        <WaitingView
          host={step.host.name}
          report={report}
          elapsed={elapsed}
          limitSeconds={step.limitSeconds}
        />
      )}
      {report && <ReportView report={report} />}
      {running && (
        <button
          type="button"
          className="button-quiet"
          onClick={() => void companion().tasks.cancel({ id: step.taskId })}
        >
          Stop looking
        </button>
      )}
      {!running && task?.error && !trustExplains && <ErrorNotice error={task.error} />}
      {!running && task?.error && report?.trust.status === 'mismatch' && (
        <p className="notice-hint" data-testid="mismatch-hint">
          {task.error.hint}
        </p>
      )}
      {!running && report?.passed && <NextStepsView taskId={step.taskId} steps={report.nextSteps} />}
      {!running && (
        <div className="wizard-actions">
          <button type="button" className="button-quiet" onClick={onBack}>
            Back
          </button>
          {report?.trust.status === 'unpinned' && presented && (
            <button
              type="button"
              onClick={() =>
                onRestart(step.host, report.found ? formatTarget(report.found) : null, presented)
              }
            >
              Trust {report.trust.presentedFingerprint} and continue
            </button>
          )}
          <button type="button" onClick={() => onRestart(step.host, null)}>
            Run again
          </button>
        </div>
      )}
    </div>
  );
}
