import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CompanionEvent, ErrorInfo } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { useCompanionEvents } from '../../lib/use-companion-events.js';
import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';
import { splitCommandLine } from './split-command.js';
import { TerminalView, type TerminalHandle } from './terminal-view.js';

type Run =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'running'; id: string }
  | { state: 'exited'; id: string; exitCode: number | null; signal: number | null };

/** Runs one command in a pseudo-terminal: live output, typing passes through, resize follows the window. */
export function TerminalPage({ page, fontSize }: { page: PageEntry; fontSize: number }) {
  const [commandLine, setCommandLine] = useState('');
  const [cwd, setCwd] = useState('');
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const [error, setError] = useState<ErrorInfo | null>(null);
  const handle = useRef<TerminalHandle | null>(null);
  const runId = useRef<string | null>(null);
  // Output can arrive before `start` answers with the id; hold it until then.
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

  const start = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let argv: string[];
    try {
      argv = splitCommandLine(commandLine);
    } catch (e) {
      setError({
        code: 'invalid-command',
        message: (e as Error).message,
        hint: 'Close the quote and run it again.',
      });
      return;
    }
    const [file, ...args] = argv;
    if (!file) {
      setError({
        code: 'invalid-command',
        message: 'Type a command to run.',
        hint: 'For example: nix --version',
      });
      return;
    }
    const terminal = handle.current?.terminal;
    terminal?.reset();
    runId.current = null;
    early.current = [];
    setRun({ state: 'starting' });
    call(
      companion().terminal.start({
        file,
        args,
        ...(cwd.trim() ? { cwd: cwd.trim() } : {}),
        cols: terminal?.cols ?? 80,
        rows: terminal?.rows ?? 24,
      }),
    )
      .then(({ id }) => {
        runId.current = id;
        setRun({ state: 'running', id });
        const held = early.current;
        early.current = [];
        held.forEach(onEvent);
        terminal?.focus();
      })
      .catch((e: unknown) => {
        setRun({ state: 'idle' });
        setError(errorInfo(e));
      });
  };

  const busy = run.state === 'starting' || run.state === 'running';
  return (
    <PageFrame page={page} className="page-terminal" note="It runs the program directly, without a shell.">
      <form className="terminal-form" onSubmit={start}>
        <label>
          Command
          <input
            name="command"
            value={commandLine}
            onChange={(e) => setCommandLine(e.target.value)}
            placeholder="nix build .#nixosConfigurations.pi.config.system.build.sdImage"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label>
          Folder
          <input
            name="cwd"
            value={cwd}
            onChange={(e) => setCwd(e.target.value)}
            placeholder="your home folder"
            spellCheck={false}
          />
        </label>
        <button type="submit" disabled={busy}>
          Run
        </button>
        {run.state === 'running' && (
          <button type="button" onClick={() => void companion().terminal.kill({ id: run.id })}>
            Stop
          </button>
        )}
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <p className="terminal-status" role="status" aria-live="polite">
        {describeRun(run)}
      </p>
      <TerminalView fontSize={fontSize} onReady={(h) => (handle.current = h)} />
      {run.state !== 'idle' && (
        <button type="button" className="button-quiet" onClick={() => copyAll(handle.current)}>
          Copy output
        </button>
      )}
    </PageFrame>
  );
}

function describeRun(run: Run): string {
  switch (run.state) {
    case 'idle':
      return 'Nothing running.';
    case 'starting':
      return 'Starting…';
    case 'running':
      return 'Running.';
    case 'exited':
      if (run.exitCode !== null) return `Exited with code ${run.exitCode}.`;
      return `Stopped by signal ${run.signal ?? 'unknown'}.`;
  }
}

function copyAll(handle: TerminalHandle | null): void {
  if (!handle) return;
  handle.terminal.selectAll();
  void navigator.clipboard?.writeText(handle.terminal.getSelection());
  handle.terminal.clearSelection();
}
