import type { TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { TaskProgressBar } from '../../components/task-progress.js';
import { companion } from '../../lib/companion.js';

/** Step 3: the write and verify, then one line per card and where to go next. */
export function WriteStep({
  task,
  onFirstBoot,
  onAgain,
}: {
  task: TaskSnapshot | null | undefined;
  onFirstBoot: () => void;
  onAgain: () => void;
}) {
  return (
    <div className="wizard-step" data-state={task?.state}>
      {task?.state === 'running' && (
        <>
          <TaskProgressBar task={task} />
          <button type="button" onClick={() => void companion().tasks.cancel({ id: task.id })}>
            Cancel (the card will need flashing again)
          </button>
        </>
      )}
      {task?.state === 'failed' && task.error && <ErrorNotice error={task.error} />}
      {task && task.state !== 'running' && task.outcome && (
        <p
          className={`notice ${task.state === 'succeeded' ? 'notice-info' : 'notice-warning'}`}
          role="status"
        >
          {task.outcome.split('\n').map((line, i) => (
            <span key={i} className="outcome-line">
              {i > 0 && <br />}
              {line}
            </span>
          ))}
        </p>
      )}
      {task && task.state !== 'running' && (
        <div className="wizard-actions">
          {task.state === 'succeeded' && (
            <button type="button" onClick={onFirstBoot}>
              Continue to first boot
            </button>
          )}
          <button type="button" className="button-quiet" onClick={onAgain}>
            Flash another
          </button>
        </div>
      )}
    </div>
  );
}
