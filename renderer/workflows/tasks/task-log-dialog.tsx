import { useEffect, useState } from 'react';
import type { ErrorInfo, LogLine, TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { useCompanionEvents } from '../../lib/use-companion-events.js';

/** The task's log as written to disk, followed live while the task runs. */
export function TaskLogDialog({ task, onClose }: { task: TaskSnapshot; onClose: () => void }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    call(companion().tasks.log({ id: task.id }))
      .then((loaded) =>
        setLines((live) => [
          ...loaded,
          ...live.filter((l) => !loaded.some((x) => x.at === l.at && x.message === l.message)),
        ]),
      )
      .catch((e: unknown) => setError(errorInfo(e)));
  }, [task.id]);

  useCompanionEvents((event) => {
    if (event.type === 'task.log' && event.taskId === task.id)
      setLines((current) => [...current, event.line]);
  });

  return (
    <ModalDialog className="log-dialog" label={`Log of ${task.title}`} title={task.title} onClose={onClose}>
      <p className="log-file">
        Saved at <code>{task.logFile}</code>
      </p>
      {error && <ErrorNotice error={error} />}
      <pre className="log-lines" tabIndex={0} aria-label="Log lines">
        {lines.map((line, index) => (
          <span key={index} className={`log-${line.level}`}>
            {new Date(line.at).toLocaleTimeString()} {line.level.toUpperCase().padEnd(5)} {line.message}
            {'\n'}
          </span>
        ))}
      </pre>
    </ModalDialog>
  );
}
