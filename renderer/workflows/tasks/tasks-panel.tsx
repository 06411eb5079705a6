import { useState } from 'react';
import type { ErrorInfo, TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { TaskItem } from './task-item.js';
import { TaskLogDialog } from './task-log-dialog.js';

/** Live progress, cancel and logs for every long operation, plus the persisted history not dismissed here. */
export function TasksPanel({
  tasks,
  anyTasks,
  onDismiss,
}: {
  tasks: TaskSnapshot[];
  /** False when there is no history at all, true when what there is was dismissed. */
  anyTasks: boolean;
  onDismiss: (task: TaskSnapshot) => void;
}) {
  const [logOf, setLogOf] = useState<TaskSnapshot | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const cancel = (task: TaskSnapshot) => {
    call(companion().tasks.cancel({ id: task.id })).catch((e: unknown) => setError(errorInfo(e)));
  };

  return (
    <div className="tasks-panel">
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {tasks.length === 0 ? (
        <p className="empty">
          {anyTasks
            ? 'Nothing to show: finished tasks were dismissed. Their logs stay in the history until you clear it in Settings.'
            : 'No tasks yet. Long operations (builds, flashing, backups) show up here.'}
        </p>
      ) : (
        <ul className="task-list" aria-label="Tasks">
          {tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              onCancel={() => cancel(task)}
              onLog={() => setLogOf(task)}
              onDismiss={() => onDismiss(task)}
            />
          ))}
        </ul>
      )}
      {logOf && (
        <TaskLogDialog task={tasks.find((t) => t.id === logOf.id) ?? logOf} onClose={() => setLogOf(null)} />
      )}
    </div>
  );
}
