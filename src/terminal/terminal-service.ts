import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute } from 'node:path';
import type { TerminalStartRequest } from '../contract/index.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { EventHub } from '../event-hub.js';
import { TerminalStartError, findExecutable } from './find-executable.js';
import { nodePtySpawner } from './pty-spawner.js';
import type { PtyProcess, PtySpawner } from './pty-spawner.js';
import { Scrollback } from './scrollback.js';

export const TERMINAL_LIMITS = {
  batchMs: 16, // about one frame: coalesces a chatty `nix build` into few IPC messages
  batchChars: 64 * 1024,
  scrollbackChars: 256 * 1024,
  killGraceMs: 2000,
  keptExited: 10,
} as const;

// node-pty strips these itself only when given process.env unchanged; they describe the parent's terminal, not ours.
const PARENT_TERMINAL_VARS = [
  'TMUX',
  'TMUX_PANE',
  'STY',
  'WINDOW',
  'WINDOWID',
  'TERMCAP',
  'COLUMNS',
  'LINES',
];

interface LiveTerminal {
  pty: PtyProcess;
  scrollback: Scrollback;
  pending: string[];
  pendingChars: number;
  flushTimer: NodeJS.Timeout | null;
  killTimer: NodeJS.Timeout | null;
  exited: Promise<void>;
}

export interface TerminalServiceOptions {
  spawner?: PtySpawner;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  platform?: NodeJS.Platform;
}

/** Interactive terminals (a shell, `nix build`, `ssh`) whose output streams to the UI as batched events. */
export class TerminalService {
  private readonly live = new Map<string, LiveTerminal>();
  private exitedScrollback: Array<{ id: string; text: string }> = [];
  private nextId = 0;
  private readonly spawner: PtySpawner;
  private readonly env: NodeJS.ProcessEnv;
  private readonly homeDir: string;
  private readonly platform: NodeJS.Platform;

  constructor(
    private readonly events: EventHub,
    options: TerminalServiceOptions = {},
  ) {
    this.spawner = options.spawner ?? nodePtySpawner;
    this.env = options.env ?? process.env;
    this.homeDir = options.homeDir ?? homedir();
    this.platform = options.platform ?? process.platform;
  }

  /** Checks the folder and the program, then starts `file` with `args` (an argv, never a shell string). */
  start(req: TerminalStartRequest): { id: string } {
    const cwd = req.cwd ?? this.homeDir;
    this.checkFolder(cwd);
    const env = this.buildEnv(req.env);
    const file = findExecutable(req.file, cwd, env.PATH ?? env.Path ?? '', this.platform);
    let pty: PtyProcess;
    try {
      pty = this.spawner.spawn(file, req.args, { cwd, env, cols: req.cols, rows: req.rows });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new TerminalStartError(
        `Could not start ${file}: ${detail}`,
        'Reinstall the app if this keeps happening; its terminal module may be broken.',
        { cause: error },
      );
    }
    const id = `pty-${++this.nextId}`;
    this.track(id, pty);
    return { id };
  }

  write(id: string, data: string): void {
    this.get(id).pty.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
      throw new InvalidRequestError(`A terminal cannot be ${cols}×${rows}.`);
    }
    this.get(id).pty.resize(cols, rows);
  }

  /** Asks the program to stop (SIGTERM) and kills it (SIGKILL) if it is still there after 2 s. */
  kill(id: string): void {
    const terminal = this.get(id);
    if (terminal.killTimer) return;
    this.signal(terminal, 'SIGTERM');
    terminal.killTimer = setTimeout(() => this.signal(terminal, 'SIGKILL'), TERMINAL_LIMITS.killGraceMs);
    terminal.killTimer.unref();
  }

  /** Stops every terminal (app quit); resolves once all have exited, or gave up shortly after the SIGKILL. */
  async killAll(): Promise<void> {
    const exits = [...this.live.entries()].map(([id, terminal]) => {
      this.kill(id);
      return terminal.exited;
    });
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((done) => {
      timer = setTimeout(done, TERMINAL_LIMITS.killGraceMs + 1000);
    });
    await Promise.race([Promise.all(exits), giveUp]);
    clearTimeout(timer);
  }

  /** The last 256 KiB of output, for a UI that attaches late; also kept for the 10 most recently exited terminals. */
  scrollback(id: string): string {
    const terminal = this.live.get(id);
    if (terminal) return terminal.scrollback.text();
    const exited = this.exitedScrollback.find((entry) => entry.id === id);
    if (exited) return exited.text;
    throw this.notFound(id);
  }

  private track(id: string, pty: PtyProcess): void {
    let markExited = () => {};
    const terminal: LiveTerminal = {
      pty,
      scrollback: new Scrollback(TERMINAL_LIMITS.scrollbackChars),
      pending: [],
      pendingChars: 0,
      flushTimer: null,
      killTimer: null,
      exited: new Promise<void>((done) => (markExited = done)),
    };
    this.live.set(id, terminal);
    pty.onData((data) => {
      if (this.live.get(id) !== terminal) return;
      terminal.scrollback.append(data);
      terminal.pending.push(data);
      terminal.pendingChars += data.length;
      if (terminal.pendingChars >= TERMINAL_LIMITS.batchChars) this.flush(id, terminal);
      else terminal.flushTimer ??= setTimeout(() => this.flush(id, terminal), TERMINAL_LIMITS.batchMs);
    });
    pty.onExit(({ exitCode, signal }) => {
      if (this.live.get(id) !== terminal) return;
      this.flush(id, terminal);
      if (terminal.killTimer) clearTimeout(terminal.killTimer);
      this.live.delete(id);
      this.exitedScrollback = [...this.exitedScrollback, { id, text: terminal.scrollback.text() }].slice(
        -TERMINAL_LIMITS.keptExited,
      );
      // node-pty reports a signalled process as exit code 0; that must not read as success.
      const bySignal = signal ? signal : null;
      this.events.emit({ type: 'terminal.exit', id, exitCode: bySignal ? null : exitCode, signal: bySignal });
      markExited();
    });
  }

  private flush(id: string, terminal: LiveTerminal): void {
    if (terminal.flushTimer) clearTimeout(terminal.flushTimer);
    terminal.flushTimer = null;
    if (terminal.pending.length === 0) return;
    const data = terminal.pending.join('');
    terminal.pending = [];
    terminal.pendingChars = 0;
    this.events.emit({ type: 'terminal.data', id, data });
  }

  private signal(terminal: LiveTerminal, signal: 'SIGTERM' | 'SIGKILL'): void {
    try {
      // Windows has no signals: node-pty throws if given one, and kill() there ends the process outright.
      terminal.pty.kill(this.platform === 'win32' ? undefined : signal);
    } catch {
      // Already gone (ESRCH): its exit event is on the way.
    }
  }

  private buildEnv(extra: Record<string, string> | undefined): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.env)) {
      if (value !== undefined && !PARENT_TERMINAL_VARS.includes(name)) env[name] = value;
    }
    // TERM last: the renderer is xterm.js, whatever the caller's environment says.
    return { ...env, ...extra, TERM: 'xterm-256color' };
  }

  private checkFolder(cwd: string): void {
    if (!isAbsolute(cwd)) {
      throw new TerminalStartError(`The folder "${cwd}" is not an absolute path.`, 'Pick the folder again.');
    }
    let isFolder = false;
    try {
      isFolder = statSync(cwd).isDirectory();
    } catch {
      throw new TerminalStartError(
        `The folder ${cwd} does not exist.`,
        'Pick an existing folder to run it in.',
      );
    }
    if (!isFolder)
      throw new TerminalStartError(`${cwd} is not a folder.`, 'Pick a folder to run it in, not a file.');
  }

  private get(id: string): LiveTerminal {
    const terminal = this.live.get(id);
    if (!terminal) throw this.notFound(id);
    return terminal;
  }

  private notFound(id: string): NotFoundError {
    const exited = this.exitedScrollback.some((entry) => entry.id === id);
    return new NotFoundError(
      exited ? `Terminal ${id} has exited.` : `No terminal with id ${id}.`,
      'Start a new terminal.',
    );
  }
}
