import { useState } from 'react';
import type { ErrorInfo } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion, errorInfo } from '../../lib/companion.js';
import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';
import { TerminalView, type TerminalHandle } from './terminal-view.js';
import { useTerminalRun, type TerminalRun } from './use-terminal-run.js';

/**
 * The user's own login shell in a pseudo-terminal. The page only asks the core to open it; the core picks the shell,
 * and what the user types goes to that shell as keystrokes.
 */
export function TerminalPage({ page, fontSize }: { page: PageEntry; fontSize: number }) {
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [shell, setShell] = useState<string | null>(null);
  const { run, attach, terminal, start: startRun } = useTerminalRun();

  const open = () => {
    setError(null);
    startRun(async (size) => {
      const result = await companion().terminal.start(size);
      if (result.ok) setShell(result.value.shell);
      return result;
    }).catch((e: unknown) => setError(errorInfo(e)));
  };

  const busy = run.state === 'starting' || run.state === 'running';
  return (
    <PageFrame page={page} className="page-terminal" note="It opens in your home folder.">
      <div className="terminal-form">
        <button type="button" onClick={open} disabled={busy}>
          {run.state === 'exited' ? 'Open a new shell' : 'Open shell'}
        </button>
        {run.state === 'running' && (
          <button type="button" onClick={() => void companion().terminal.kill({ id: run.id })}>
            Stop
          </button>
        )}
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <p className="terminal-status" role="status" aria-live="polite">
        {describeRun(run, shell)}
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

function describeRun(run: TerminalRun, shell: string | null): string {
  switch (run.state) {
    case 'idle':
      return 'No shell open.';
    case 'starting':
      return 'Starting…';
    case 'running':
      return `Running ${shell ?? 'your shell'}: type into the terminal below.`;
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
