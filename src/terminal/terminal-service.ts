import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute } from 'node:path';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { EventHub } from '../event-hub.js';
import { TerminalStartError, findExecutable } from './find-executable.js';
import { nodePtySpawner } from './pty-spawner.js';
import type { PtyProcess, PtySpawner } from './pty-spawner.js';
import { Scrollback } from './scrollback.js';
import { accountShell, findLoginShell } from './login-shell.js';
import type { TerminalSize } from '../contract/index.js';

/** A program, its argv and extra environment, as the core built them for a workflow. */
export interface CoreCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

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

type StopSignal = 'SIGHUP' | 'SIGTERM';

interface LiveTerminal {
  pty: PtyProcess;
  stopSignal: StopSignal;
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
  /** The shell in the user's account record; read from the user database by default. */
  accountShell?: string | null;
  shellsFile?: string;
}

/**
 * Interactive terminals whose output streams to the UI as batched events: the user's login shell, or a command the
 * core built (the first deploy). The renderer is untrusted, so no request names what runs.
 */
export class TerminalService {
  private readonly live = new Map<string, LiveTerminal>();
  private exitedScrollback: Array<{ id: string; text: string }> = [];
  private nextId = 0;
  private readonly spawner: PtySpawner;
  private readonly env: NodeJS.ProcessEnv;
  private readonly homeDir: string;
  private readonly platform: NodeJS.Platform;
  private readonly accountShell: string | null;
  private readonly shellsFile: string;

  constructor(
    private readonly events: EventHub,
    options: TerminalServiceOptions = {},
  ) {
    this.spawner = options.spawner ?? nodePtySpawner;
    this.env = options.env ?? process.env;
    this.homeDir = options.homeDir ?? homedir();
    this.platform = options.platform ?? process.platform;
    this.accountShell = options.accountShell === undefined ? accountShell() : options.accountShell;
    this.shellsFile = options.shellsFile ?? '/etc/shells';
  }

  /**
   * Opens a terminal the user asked for: their login shell in their home folder, nothing else. What they type reaches
   * it through `write`, as keystrokes; no request picks the program, its arguments or its environment.
   */
  openLoginShell(size: TerminalSize): { id: string; shell: string } {
    const shell = findLoginShell({
      accountShell: this.accountShell,
      envShell: this.env.SHELL,
      shellsFile: this.shellsFile,
      platform: this.platform,
      systemRoot: this.env.SystemRoot,
    });
    const env = { ...this.buildEnv({}), SHELL: shell.file };
    // Hang up, as closing a terminal window does: an interactive shell ignores SIGTERM.
    return { id: this.spawn(shell.file, shell.args, env, size, 'SIGHUP'), shell: shell.file };
  }

  /** Runs a command the core built for a workflow (the first deploy); never one taken from a request. */
  runCommand(command: CoreCommand, size: TerminalSize): { id: string } {
    const env = this.buildEnv(command.env);
    const file = findExecutable(command.file, this.homeDir, env.PATH ?? env.Path ?? '', this.platform);
    return { id: this.spawn(file, command.args, env, size, 'SIGTERM') };
  }

  private spawn(
    file: string,
    args: string[],
    env: Record<string, string>,
    size: TerminalSize,
    stopSignal: StopSignal,
  ): string {
    const cwd = this.homeDir;
    this.checkFolder(cwd);
    let pty: PtyProcess;
    try {
      pty = this.spawner.spawn(file, args, { cwd, env, cols: size.cols, rows: size.rows });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new TerminalStartError(
        `Could not start ${file}: ${detail}`,
        'Reinstall the app if this keeps happening; its terminal module may be broken.',
        { cause: error },
      );
    }
    const id = `pty-${++this.nextId}`;
    this.track(id, pty, stopSignal);
    return id;
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

  /** Asks the program to stop (SIGHUP for a shell, SIGTERM otherwise), then SIGKILL if it is still there after 2 s. */
  kill(id: string): void {
    const terminal = this.get(id);
    if (terminal.killTimer) return;
    this.signal(terminal, terminal.stopSignal);
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

  private track(id: string, pty: PtyProcess, stopSignal: StopSignal): void {
    let markExited = () => {};
    const terminal: LiveTerminal = {
      pty,
      stopSignal,
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

  private signal(terminal: LiveTerminal, signal: StopSignal | 'SIGKILL'): void {
    try {
      // Windows has no signals: node-pty throws if given one, and kill() there ends the process outright.
      terminal.pty.kill(this.platform === 'win32' ? undefined : signal);
    } catch {
      // Already gone (ESRCH): its exit event is on the way.
    }
  }

  private buildEnv(extra: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.env)) {
      if (value !== undefined && !PARENT_TERMINAL_VARS.includes(name)) env[name] = value;
    }
    // TERM last: the renderer is xterm.js, whatever the caller's environment says.
    return { ...env, ...extra, TERM: 'xterm-256color' };
  }

  private checkFolder(cwd: string): void {
    if (!isAbsolute(cwd)) {
      throw new TerminalStartError(
        `Your home folder "${cwd}" is not an absolute path.`,
        'Set HOME to your home folder, then start the app again.',
      );
    }
    let isFolder = false;
    try {
      isFolder = statSync(cwd).isDirectory();
    } catch {
      throw new TerminalStartError(
        `Your home folder ${cwd} does not exist.`,
        'Create it (or set HOME to an existing folder), then start the app again.',
      );
    }
    if (!isFolder)
      throw new TerminalStartError(
        `Your home folder ${cwd} is not a folder.`,
        'Set HOME to your home folder, then start the app again.',
      );
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
