import { useEffect, useState } from 'react';
import type { TaskSnapshot } from '../../src/contract/index.js';
import { call, companion } from './companion.js';
import { useCompanionEvents } from './use-companion-events.js';

/** One task's latest snapshot: pushed updates, plus one fetch in case the first events came before we listened. */
export function useTask(id: string | null): TaskSnapshot | undefined {
  const [task, setTask] = useState<TaskSnapshot | undefined>(undefined);
  useEffect(() => {
    if (!id) return;
    let live = true;
    call(companion().tasks.list({}))
      .then((tasks) => {
        const found = tasks.find((t) => t.id === id);
        if (live && found) setTask((current) => (current && current.state !== 'running' ? current : found));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id]);
  useCompanionEvents((event) => {
    if (event.type === 'task.updated' && event.task.id === id) setTask(event.task);
  });
  return id ? task : undefined;
}
