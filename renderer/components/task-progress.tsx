import type { TaskSnapshot } from '../../src/contract/index.js';
import { progressFacts } from './progress-facts.js';

/**
 * A compact labelled progress bar: percentage, bytes, rate and time left (never "0 B/s" or "0s left"). It waits for no
 * settling time, unlike the large view: a glance at a list wants the numbers now.
 */
export function TaskProgressBar({ task }: { task: TaskSnapshot }) {
  const progress = task.progress;
  const label = `${task.title} progress`;
  if (!progress) return <progress aria-label={label} />;
  const facts = progressFacts(progress, Number.POSITIVE_INFINITY);
  const words = [facts.percent === null ? null : `${facts.percent}%`, facts.amount, facts.rate, facts.eta];
  return (
    <div className="task-progress">
      {progress.total === null ? (
        <progress aria-label={label} />
      ) : (
        <progress aria-label={label} value={progress.done} max={Math.max(progress.total, 1)} />
      )}
      <span className="task-progress-text">
        <span className="task-phase">{facts.phase}</span> · {words.filter(Boolean).join(' · ')}
      </span>
    </div>
  );
}
