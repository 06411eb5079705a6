import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion, errorInfo } from '../../lib/companion.js';
import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';
import { splitCommandLine } from './split-command.js';
import { TerminalView, type TerminalHandle } from './terminal-view.js';
import { useTerminalRun, type TerminalRun } from './use-terminal-run.js';

/** Runs one command in a pseudo-terminal: live output, typing passes through, resize follows the window. */
export function TerminalPage({ page, fontSize }: { page: PageEntry; fontSize: number }) {
  const [commandLine, setCommandLine] = useState('');
  const [cwd, setCwd] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const { run, attach, terminal, start: startRun } = useTerminalRun();

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
    startRun((size) =>
      companion().terminal.start({ file, args, ...(cwd.trim() ? { cwd: cwd.trim() } : {}), ...size }),
    ).catch((e: unknown) => setError(errorInfo(e)));
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
      <TerminalView fontSize={fontSize} onReady={attach} />
      {run.state !== 'idle' && (
        <button type="button" className="button-quiet" onClick={() => copyAll(terminal())}>
          Copy output
        </button>
      )}
    </PageFrame>
  );
}

function describeRun(run: TerminalRun): string {
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
