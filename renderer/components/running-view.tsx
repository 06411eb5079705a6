import type { TaskSnapshot } from '../../src/contract/index.js';
import { CancelTaskButton, type CancelQuestion } from './cancel-task-button.js';
import { baseName, progressFacts } from './progress-facts.js';
import { usePhaseClock } from './use-phase-clock.js';

/**
 * Running work, large: what goes where (source → targets), the phase in words, the percentage, bytes, and the rate and
 * time left once they mean something; Cancel is secondary and asks once.
 */
export function RunningView({ task, cancel }: { task: TaskSnapshot; cancel: CancelQuestion }) {
  const progress = task.progress;
  const phaseMs = usePhaseClock(progress?.phase ?? null);
  const facts = progress ? progressFacts(progress, phaseMs) : null;
  const label = `${task.title} progress`;
  return (
    <div className="run-view" data-testid="run-view">
      <RunRoute task={task} />
      <div className="run-headline" aria-live="polite">
        {facts && facts.percent !== null && (
          <span className="run-percent" data-testid="run-percent">
            {facts.percent}%
          </span>
        )}
        <span className="run-phase">{facts?.phase ?? 'Starting…'}</span>
      </div>
      {progress && progress.total !== null ? (
        <progress
          className="run-bar"
          aria-label={label}
          value={progress.done}
          max={Math.max(progress.total, 1)}
        />
      ) : (
        <progress className="run-bar" aria-label={label} />
      )}
      <p className="run-numbers">
        {facts && <span>{facts.amount}</span>}
        {facts?.rate && <span>{facts.rate}</span>}
        {facts?.eta && <span>{facts.eta}</span>}
      </p>
      <div className="wizard-actions run-actions">
        <CancelTaskButton taskId={task.id} question={cancel} />
      </div>
    </div>
  );
}

/** "pi-garage.img → /dev/sdb": the task's subject, full paths on hover. */
export function RunRoute({ task }: { task: TaskSnapshot }) {
  const subject = task.subject;
  if (!subject?.source && !subject?.targets.length) return null;
  return (
    <p className="run-route" data-testid="run-route">
      {subject.source && (
        <span className="run-source" title={subject.source}>
          {baseName(subject.source)}
        </span>
      )}
      <span className="run-arrow" aria-hidden="true">
        →
      </span>
      {subject.targets.map((target) => (
        <span key={target} className="run-target" title={target}>
          {target.startsWith('/dev/') ? target : baseName(target)}
        </span>
      ))}
    </p>
  );
}
