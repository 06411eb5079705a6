import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo, TaskSnapshot } from '../../src/contract/index.js';
import { call, companion, errorInfo } from './companion.js';
import { useCompanionEvents } from './use-companion-events.js';

/** Every task, newest first: the persisted history plus live updates pushed by the core. */
export function useTasks(): { tasks: TaskSnapshot[]; error: ErrorInfo | null; refresh: () => void } {
  const [byId, setById] = useState<Map<string, TaskSnapshot>>(new Map());
  const [error, setError] = useState<ErrorInfo | null>(null);
  // Tasks updated by an event while a list was in flight: their live snapshot is newer than the list's (or the
  // list, read before they started, lacks them), whatever state they reached.
  const liveDuringList = useRef(new Set<string>());

  const refresh = useCallback(() => {
    const live = new Set<string>();
    liveDuringList.current = live;
    call(companion().tasks.list({}))
      .then((list) => {
        setById((current) => {
          const next = new Map(list.map((task) => [task.id, task]));
          for (const id of live) {
            const task = current.get(id);
            if (task) next.set(id, task);
          }
          return next;
        });
        setError(null);
      })
      .catch((e: unknown) => setError(errorInfo(e)));
  }, []);

  useEffect(refresh, [refresh]);

  useCompanionEvents((event) => {
    if (event.type !== 'task.updated') return;
    liveDuringList.current.add(event.task.id);
    setById((current) => new Map(current).set(event.task.id, event.task));
  });

  const tasks = [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return { tasks, error, refresh };
}
