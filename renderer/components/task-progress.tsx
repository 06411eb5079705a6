import type { TaskSnapshot } from '../../src/contract/index.js';
import { describeProgress } from '../lib/format.js';

/** A labelled progress bar: determinate when the total is known, with bytes, rate and ETA in words. */
export function TaskProgressBar({ task }: { task: TaskSnapshot }) {
  const progress = task.progress;
  const label = `${task.title} progress`;
  if (!progress) return <progress aria-label={label} />;
  return (
    <div className="task-progress">
      {progress.total === null ? (
        <progress aria-label={label} />
      ) : (
        <progress aria-label={label} value={progress.done} max={Math.max(progress.total, 1)} />
      )}
      <span className="task-progress-text">
        <span className="task-phase">{progress.phase}</span> · {describeProgress(progress)}
      </span>
    </div>
  );
}
