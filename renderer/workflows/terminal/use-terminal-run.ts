import { useEffect, useRef, useState } from 'react';
import type { CompanionEvent } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import { useCompanionEvents } from '../../lib/use-companion-events.js';
import type { TerminalHandle } from './terminal-view.js';

export type TerminalRun =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'running'; id: string }
  | { state: 'exited'; id: string; exitCode: number | null; signal: number | null };

/**
 * One command at a time in an xterm: output and exit events for the current run, typing and resizing passed through.
 * `start` gets the terminal's size and returns the core's answer; output that arrives before that answer (and so
 * before we know the id) is held and replayed.
 */
export function useTerminalRun() {
  const [run, setRun] = useState<TerminalRun>({ state: 'idle' });
  const handle = useRef<TerminalHandle | null>(null);
  const runId = useRef<string | null>(null);
  const early = useRef<CompanionEvent[]>([]);

  const onEvent = (event: CompanionEvent) => {
    if (event.type !== 'terminal.data' && event.type !== 'terminal.exit') return;
    if (!runId.current) {
      early.current.push(event);
      return;
    }
    if (event.id !== runId.current) return;
    if (event.type === 'terminal.data') handle.current?.terminal.write(event.data);
    else setRun({ state: 'exited', id: event.id, exitCode: event.exitCode, signal: event.signal });
  };
  useCompanionEvents(onEvent);

  useEffect(() => {
    const terminal = handle.current?.terminal;
    if (!terminal || run.state !== 'running') return;
    const input = terminal.onData((data) => void companion().terminal.write({ id: run.id, data }));
    const resize = terminal.onResize(
      ({ cols, rows }) => void companion().terminal.resize({ id: run.id, cols, rows }),
    );
    return () => {
      input.dispose();
      resize.dispose();
    };
  }, [run]);

  /** Clears the terminal and starts a run; rejects (back to idle) with the core's error. */
  const startRun = async (
    begin: (size: { cols: number; rows: number }) => Parameters<typeof call<{ id: string }>>[0],
  ): Promise<void> => {
    const terminal = handle.current?.terminal;
    terminal?.reset();
    runId.current = null;
    early.current = [];
    setRun({ state: 'starting' });
    try {
      const { id } = await call(begin({ cols: terminal?.cols ?? 80, rows: terminal?.rows ?? 24 }));
      runId.current = id;
      setRun({ state: 'running', id });
      const held = early.current;
      early.current = [];
      held.forEach(onEvent);
      terminal?.focus();
    } catch (error) {
      setRun({ state: 'idle' });
      throw error;
    }
  };

  /** Give to TerminalView's onReady. */
  const attach = (next: TerminalHandle | null) => {
    handle.current = next;
  };
  return { run, attach, terminal: () => handle.current, start: startRun };
}
