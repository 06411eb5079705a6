import { useState } from 'react';
import type { ErrorInfo, TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { TaskProgressBar } from '../../components/task-progress.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { formatDuration } from '../../lib/format.js';
import { TaskLogDialog } from './task-log-dialog.js';

/** Live progress, cancel and logs for every long operation, plus the persisted history. */
export function TasksPanel({ tasks }: { tasks: TaskSnapshot[] }) {
  const [logOf, setLogOf] = useState<TaskSnapshot | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const cancel = (task: TaskSnapshot) => {
    call(companion().tasks.cancel({ id: task.id })).catch((e: unknown) => setError(errorInfo(e)));
  };

  return (
    <div className="tasks-panel">
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {tasks.length === 0 ? (
        <p className="empty">No tasks yet. Long operations (builds, flashing, backups) show up here.</p>
      ) : (
        <ul className="task-list" aria-label="Tasks">
          {tasks.map((task) => (
            <li
              key={task.id}
              className={`task task-${task.state}`}
              data-task-id={task.id}
              data-state={task.state}
            >
              <div className="task-head">
                <span className="task-title">{task.title}</span>
                <span className={`badge badge-${task.state}`}>{task.state}</span>
                <span className="task-time">{describeTime(task)}</span>
                {task.state === 'running' && (
                  <button type="button" onClick={() => cancel(task)} aria-label={`Cancel ${task.title}`}>
                    Cancel
                  </button>
                )}
                <button
                  type="button"
                  className="button-quiet"
                  onClick={() => setLogOf(task)}
                  aria-label={`Log of ${task.title}`}
                >
                  Log
                </button>
              </div>
              {task.state === 'running' && <TaskProgressBar task={task} />}
              {task.error && task.state !== 'cancelled' && <ErrorNotice error={task.error} />}
              {task.outcome && task.state !== 'running' && <p className="task-outcome">{task.outcome}</p>}
            </li>
          ))}
        </ul>
      )}
      {logOf && (
        <TaskLogDialog task={tasks.find((t) => t.id === logOf.id) ?? logOf} onClose={() => setLogOf(null)} />
      )}
    </div>
  );
}

function describeTime(task: TaskSnapshot): string {
  const started = new Date(task.startedAt);
  const end = task.endedAt ? new Date(task.endedAt) : null;
  const when = started.toLocaleString();
  return end
    ? `${when} · took ${formatDuration((end.getTime() - started.getTime()) / 1000)}`
    : `started ${when}`;
}
