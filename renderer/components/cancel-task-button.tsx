import { useState } from 'react';
import { call, companion } from '../lib/companion.js';
import { ModalDialog } from './modal-dialog.js';

/** What stopping a task costs, asked once before it is stopped. */
export interface CancelQuestion {
  /** "Stop writing?" */
  title: string;
  /** "The card will be unusable until flashed again." */
  body: string;
  /** "Stop writing" */
  confirm: string;
  /** "Keep writing" */
  keep: string;
}

/** A secondary Cancel that asks once, in a modal dialog, and then stops the task. */
export function CancelTaskButton({ taskId, question }: { taskId: string; question: CancelQuestion }) {
  const [asking, setAsking] = useState(false);
  const [stopping, setStopping] = useState(false);
  const stop = () => {
    setAsking(false);
    setStopping(true);
    // The task's own snapshot says when it has stopped; a refused cancel leaves it running, shown as such.
    call(companion().tasks.cancel({ id: taskId })).catch(() => setStopping(false));
  };
  return (
    <>
      <button type="button" className="button-quiet" disabled={stopping} onClick={() => setAsking(true)}>
        {stopping ? 'Stopping…' : 'Cancel'}
      </button>
      {asking && (
        <ModalDialog
          label={question.title}
          title={question.title}
          className="confirm-dialog"
          onClose={() => setAsking(false)}
        >
          <p>{question.body}</p>
          <div className="wizard-actions">
            <button type="button" className="button-danger" onClick={stop}>
              {question.confirm}
            </button>
            <button type="button" autoFocus onClick={() => setAsking(false)}>
              {question.keep}
            </button>
          </div>
        </ModalDialog>
      )}
    </>
  );
}
