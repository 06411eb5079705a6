import type { TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { TaskProgressBar } from '../../components/task-progress.js';
import { companion } from '../../lib/companion.js';

/** Step 4: the provisioning task, live; on failure it says what was left behind and lets the user go back. */
export function RunStep({ task, onBack }: { task: TaskSnapshot | undefined; onBack: () => void }) {
  if (!task) return <p aria-live="polite">Starting…</p>;
  return (
    <div className="wizard-step" data-state={task.state}>
      {task.state === 'running' && (
        <>
          <TaskProgressBar task={task} />
          <button type="button" onClick={() => void companion().tasks.cancel({ id: task.id })}>
            Cancel
          </button>
        </>
      )}
      {task.error && task.state === 'failed' && <ErrorNotice error={task.error} />}
      {task.state === 'cancelled' && <p role="status">Cancelled.</p>}
      {task.outcome && task.state !== 'running' && <p className="task-outcome">{task.outcome}</p>}
      {task.state !== 'running' && (
        <div className="wizard-actions">
          <button type="button" className="button-quiet" onClick={onBack}>
            Back to the inputs
          </button>
        </div>
      )}
    </div>
  );
}
