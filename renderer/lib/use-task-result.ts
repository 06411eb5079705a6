import { useEffect, useState } from 'react';
import { taskResultOf, type TaskKind, type TaskResult } from '../../src/contract/index.js';
import { call, companion } from './companion.js';
import { useCompanionEvents } from './use-companion-events.js';

/**
 * A task's result, live: one fetch (it may have changed before we listened, or ended before this page opened), then
 * every `task.detail` event of that task. Checked against the kind's schema; null while there is none.
 */
export function useTaskResult<K extends TaskKind>(kind: K, id: string | null): TaskResult<K> | null {
  const [latest, setLatest] = useState<{ id: string; result: TaskResult<K> } | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    call(companion().tasks.result({ id }))
      .then((carrier) => {
        const result = taskResultOf(kind, carrier);
        // An event that arrived meanwhile is newer than this answer.
        if (live && result) setLatest((current) => (current?.id === id ? current : { id, result }));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [kind, id]);
  useCompanionEvents((event) => {
    if (event.type !== 'task.detail' || event.id !== id) return;
    const result = taskResultOf(kind, event);
    if (result) setLatest({ id, result });
  });
  return latest && latest.id === id ? latest.result : null;
}
