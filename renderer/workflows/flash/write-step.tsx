import type { TaskSnapshot } from '../../../src/contract/index.js';
import type { CancelQuestion } from '../../components/cancel-task-button.js';
import { RunningView } from '../../components/running-view.js';
import { useTaskResult } from '../../lib/use-task-result.js';
import { DoneView, EndedView } from './done-view.js';

const STOP_WRITING: CancelQuestion = {
  title: 'Stop writing?',
  body: 'The card will be unusable until flashed again.',
  confirm: 'Stop writing',
  keep: 'Keep writing',
};

/** Step 3: the write and verify, large; then Done with the next step, or what went wrong and what was left. */
export function WriteStep({
  taskId,
  task,
  onFirstBoot,
  onAgain,
}: {
  taskId: string;
  task: TaskSnapshot | null | undefined;
  onFirstBoot: () => void;
  onAgain: () => void;
}) {
  // The cards' results arrive as soon as the write ends, before the after-checks and the eject.
  const result = useTaskResult('flash', taskId);
  if (!task) return <p aria-live="polite">Starting…</p>;
  return (
    <div className="wizard-step" data-state={task.state}>
      {task.state === 'running' || task.state === 'queued' ? (
        <RunningView task={task} cancel={STOP_WRITING} />
      ) : task.state === 'succeeded' ? (
        <DoneView task={task} result={result} onFirstBoot={onFirstBoot} onAgain={onAgain} />
      ) : (
        <EndedView task={task} result={result} onAgain={onAgain} />
      )}
    </div>
  );
}
