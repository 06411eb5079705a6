import type { TaskSnapshot } from '../../../src/contract/index.js';
import { TaskProgressBar } from '../../components/task-progress.js';
import { formatDuration } from '../../lib/format.js';
import { isFinished } from './task-summary.js';

/** One task: a head line, then its progress while it runs or one line of what came of it. */
export function TaskItem({
  task,
  onCancel,
  onLog,
  onDismiss,
}: {
  task: TaskSnapshot;
  onCancel: () => void;
  onLog: () => void;
  onDismiss: () => void;
}) {
  const finished = isFinished(task);
  return (
    <li className={`task task-${task.state}`} data-task-id={task.id} data-state={task.state}>
      <div className="task-head">
        <span className="task-title">{task.title}</span>
        <span className={`badge badge-${task.state}`}>{task.state}</span>
        <span className="task-time">{describeTime(task)}</span>
        {!finished && (
          <button
            type="button"
            className="button-secondary"
            onClick={onCancel}
            aria-label={`Cancel ${task.title}`}
          >
            Cancel
          </button>
        )}
        <button type="button" className="button-quiet" onClick={onLog} aria-label={`Log of ${task.title}`}>
          Log
        </button>
        {finished && (
          <button
            type="button"
            className="button-quiet"
            onClick={onDismiss}
            aria-label={`Dismiss ${task.title}`}
          >
            Dismiss
          </button>
        )}
      </div>
      {!finished && <TaskProgressBar task={task} />}
      {finished && <TaskEnd task={task} />}
    </li>
  );
}

/**
 * What a finished task came to, in one line: a failure's message (its hint and outcome folded away), a
 * cancellation's message as the core wrote it, or a success's outcome.
 */
function TaskEnd({ task }: { task: TaskSnapshot }) {
  if (task.state === 'failed' && task.error) {
    return (
      <details className="task-failure" data-code={task.error.code}>
        <summary>
          <span className="task-failure-message">{task.error.message}</span>
        </summary>
        <p className="task-failure-hint">{task.error.hint}</p>
        {task.outcome && <p className="task-outcome">{task.outcome}</p>}
      </details>
    );
  }
  const line =
    task.state === 'cancelled'
      ? [task.error?.message ?? 'Cancelled.', task.outcome].filter(Boolean).join(' ')
      : task.outcome;
  return line ? <p className="task-outcome">{line}</p> : null;
}

/** "09:41:02 · took 3s": the date only when it is not today, as the panel is mostly about this session. */
function describeTime(task: TaskSnapshot): string {
  const started = new Date(task.startedAt);
  const end = task.endedAt ? new Date(task.endedAt) : null;
  const today = started.toDateString() === new Date().toDateString();
  const when = today ? started.toLocaleTimeString() : started.toLocaleString();
  if (!end) return `started ${when}`;
  const seconds = (end.getTime() - started.getTime()) / 1000;
  return `${when} · took ${seconds < 1 ? 'under a second' : formatDuration(seconds)}`;
}
