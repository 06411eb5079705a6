import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';

export interface TerminalHandle {
  terminal: Terminal;
  fit: FitAddon;
}

/** Mounts xterm.js, keeps it fitted to its box, and hands the instance to the owner. */
export function TerminalView({
  fontSize,
  onReady,
}: {
  fontSize: number;
  onReady: (handle: TerminalHandle | null) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const ready = useRef(onReady);

  useEffect(() => {
    if (!box.current) return;
    const notify = ready.current;
    const terminal = new Terminal({
      fontSize,
      convertEol: false,
      cursorBlink: true,
      scrollback: 10_000,
      screenReaderMode: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(box.current);
    fit.fit();
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(box.current);
    notify({ terminal, fit });
    return () => {
      observer.disconnect();
      notify(null);
      terminal.dispose();
    };
  }, [fontSize]);

  return <div className="terminal-box" ref={box} />;
}
