import { useEffect, useRef } from 'react';
import type { HostProfile, TaskKind, TaskSnapshot } from '../../src/contract/index.js';
import { call, companion } from './companion.js';

/**
 * Once, when the page opens: the newest task of `kind` that is already running (the page was reloaded, or left while
 * it ran, or a `companion` command started it), handed to `onFound`. Nothing happens when none runs.
 */
export function useRunningTaskOnOpen(
  kind: TaskKind,
  onFound: (task: TaskSnapshot) => void | Promise<void>,
): void {
  const latest = useRef(onFound);
  useEffect(() => {
    latest.current = onFound;
  });
  useEffect(() => {
    let live = true;
    void (async () => {
      const tasks = await call(companion().tasks.list({}));
      const running = tasks
        .filter((task) => task.kind === kind && (task.state === 'running' || task.state === 'queued'))
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
      if (live && running) await latest.current(running);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [kind]);
}

/**
 * The same for a task that works on a host: `attach` gets that host's profile with the task, so the page shows the
 * run instead of an empty form for the same host. Nothing happens when the host has no profile here.
 */
export function useReattach(kind: TaskKind, attach: (host: HostProfile, task: TaskSnapshot) => void): void {
  useRunningTaskOnOpen(kind, async (running) => {
    const name = running.subject?.host;
    if (!name) return;
    const host = (await call(companion().hosts.list({}))).find((h) => h.name === name);
    if (host) attach(host, running);
  });
}
