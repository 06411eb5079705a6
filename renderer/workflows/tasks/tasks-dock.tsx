import { useMemo } from 'react';
import type { ErrorInfo, TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { parseBoolean, parseStrings, useStoredState } from '../../lib/stored-state.js';
import { progressFacts } from '../../components/progress-facts.js';
import { dockSummary, isFinished } from './task-summary.js';
import { TasksPanel } from './tasks-panel.js';

const OPEN_KEY = 'companion.tasks.open';
const DISMISSED_KEY = 'companion.tasks.dismissed';
/** Enough for any history the core keeps; older ids fall off so the list cannot grow without end. */
const DISMISSED_LIMIT = 500;

/**
 * The Tasks panel at the foot of the window: one line (the running task and how far it is) until opened, then a
 * capped, scrolling list. Dismissing hides a finished task here only; the core's history stays as it is.
 */
export function TasksDock({ tasks, error }: { tasks: TaskSnapshot[]; error: ErrorInfo | null }) {
  const [open, setOpen] = useStoredState(OPEN_KEY, false, parseBoolean);
  const [dismissed, setDismissed] = useStoredState<string[]>(DISMISSED_KEY, [], parseStrings);
  const hidden = useMemo(() => new Set(dismissed), [dismissed]);
  const shown = tasks.filter((task) => !(hidden.has(task.id) && isFinished(task)));
  const finished = shown.filter(isFinished);

  const dismiss = (ids: string[]) =>
    setDismissed((old) => [...old.filter((id) => !ids.includes(id)), ...ids].slice(-DISMISSED_LIMIT));

  const running = tasks.find((task) => !isFinished(task));
  const percent = running?.progress ? progressFacts(running.progress, 0).percent : null;

  return (
    <aside className={open ? 'dock dock-open' : 'dock'} aria-label="Tasks panel">
      <div className="dock-bar">
        <button
          type="button"
          className="dock-toggle"
          aria-expanded={open}
          aria-controls="tasks-panel-body"
          onClick={() => setOpen((old) => !old)}
        >
          <span className="dock-chevron" aria-hidden="true" />
          <span className="dock-label">Tasks</span>
          <span className="dock-summary">{dockSummary(tasks)}</span>
          {running && (
            <span
              className="dock-meter"
              aria-hidden="true"
              data-indeterminate={percent === null || undefined}
            >
              <span style={{ width: `${percent ?? 100}%` }} />
            </span>
          )}
        </button>
        {open && finished.length > 0 && (
          <button type="button" className="button-quiet" onClick={() => dismiss(finished.map((t) => t.id))}>
            Clear finished
          </button>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      {open && (
        <div className="dock-body" id="tasks-panel-body">
          <TasksPanel tasks={shown} anyTasks={tasks.length > 0} onDismiss={(task) => dismiss([task.id])} />
        </div>
      )}
    </aside>
  );
}
