import { useEffect, useState } from 'react';
import type { TaskSnapshot } from '../../src/contract/index.js';
import { call, companion } from './companion.js';
import { useCompanionEvents } from './use-companion-events.js';

/**
 * One task's latest snapshot: pushed updates, plus one fetch in case it finished before we listened. Snapshots are
 * kept with their id, so a new id never shows the previous task's state.
 */
export function useTask(id: string | null): TaskSnapshot | undefined {
  const [latest, setLatest] = useState<TaskSnapshot | undefined>(undefined);
  useEffect(() => {
    if (!id) return;
    let live = true;
    call(companion().tasks.list({}))
      .then((tasks) => {
        const found = tasks.find((t) => t.id === id);
        if (!live || !found) return;
        // An event may already have brought a newer state; a finished one is final.
        setLatest((current) => (current?.id === id && current.state !== 'running' ? current : found));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id]);
  useCompanionEvents((event) => {
    if (event.type === 'task.updated' && event.task.id === id) setLatest(event.task);
  });
  return latest?.id === id ? latest : undefined;
}
