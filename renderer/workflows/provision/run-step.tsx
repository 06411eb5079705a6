import type { TaskSnapshot } from '../../../src/contract/index.js';
import type { CancelQuestion } from '../../components/cancel-task-button.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { RunningView } from '../../components/running-view.js';

const STOP_PROVISIONING: CancelQuestion = {
  title: 'Stop provisioning?',
  body: 'The image being made is not kept; the source image and the host are left as they are.',
  confirm: 'Stop provisioning',
  keep: 'Keep going',
};

/** Step 4: the provisioning task, live; on failure it says what was left behind and lets the user go back. */
export function RunStep({ task, onBack }: { task: TaskSnapshot | undefined; onBack: () => void }) {
  if (!task) return <p aria-live="polite">Starting…</p>;
  return (
    <div className="wizard-step" data-state={task.state}>
      {(task.state === 'running' || task.state === 'queued') && (
        <RunningView task={task} cancel={STOP_PROVISIONING} />
      )}
      {task.error && task.state === 'failed' && <ErrorNotice error={task.error} />}
      {task.state === 'cancelled' && <p role="status">Provisioning was stopped.</p>}
      {task.outcome && task.state !== 'running' && <p className="task-outcome">{task.outcome}</p>}
      {task.state !== 'running' && task.state !== 'queued' && (
        <div className="wizard-actions">
          <button type="button" onClick={onBack}>
            Back to the inputs
          </button>
        </div>
      )}
    </div>
  );
}
