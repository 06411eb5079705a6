import { useCallback, useEffect, useState } from 'react';
import type { TaskSnapshot } from '../../src/contract/index.js';
import { call, companion, errorInfo } from './companion.js';
import type { ErrorInfo } from '../../src/contract/index.js';
import { useCompanionEvents } from './use-companion-events.js';

/** Every task, newest first: the persisted history plus live updates pushed by the core. */
export function useTasks(): { tasks: TaskSnapshot[]; error: ErrorInfo | null; refresh: () => void } {
  const [byId, setById] = useState<Map<string, TaskSnapshot>>(new Map());
  const [error, setError] = useState<ErrorInfo | null>(null);

  const refresh = useCallback(() => {
    call(companion().tasks.list({}))
      .then((list) => {
        setById((current) => {
          const next = new Map(list.map((task) => [task.id, task]));
          // Keep live snapshots that arrived while the list was in flight.
          for (const [id, task] of current) if (!next.has(id) && task.state === 'running') next.set(id, task);
          return next;
        });
        setError(null);
      })
      .catch((e: unknown) => setError(errorInfo(e)));
  }, []);

  useEffect(refresh, [refresh]);

  useCompanionEvents((event) => {
    if (event.type !== 'task.updated') return;
    setById((current) => new Map(current).set(event.task.id, event.task));
  });

  const tasks = [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return { tasks, error, refresh };
}
