import { useEffect, useRef } from 'react';
import type { HostProfile, TaskKind, TaskSnapshot } from '../../src/contract/index.js';
import { call, companion } from './companion.js';

/**
 * Once, when the page opens: if a task of `kind` is already running for a host (after a reload, or started by a
 * `companion` command), hands that host's profile and the task to `attach`, so the page shows the run instead of an
 * empty form for the same host. Nothing happens when none runs, or the host has no profile here.
 */
export function useReattach(kind: TaskKind, attach: (host: HostProfile, task: TaskSnapshot) => void): void {
  const latest = useRef(attach);
  useEffect(() => {
    latest.current = attach;
  });
  useEffect(() => {
    let live = true;
    void (async () => {
      const tasks = await call(companion().tasks.list({}));
      const running = tasks
        .filter((task) => task.kind === kind && task.state === 'running' && task.subject?.host)
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
      if (!running) return;
      const host = (await call(companion().hosts.list({}))).find((h) => h.name === running.subject?.host);
      if (live && host) latest.current(host, running);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [kind]);
}
