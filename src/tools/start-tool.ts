import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { trackProcessGroup } from '../tasks/index.js';
import { TailBuffer } from './tool-output.js';

/** Where one of the child's descriptors goes: a pipe to this process, a descriptor this process holds, or nowhere. */
export type StdioTarget = 'pipe' | 'ignore' | number;

export interface StartToolOptions {
  cwd?: string;
  /** Merged over this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Default 'ignore' (/dev/null). */
  stdin?: StdioTarget;
  /** Default 'pipe'. A descriptor (e.g. the destination file) keeps the bytes out of this process. */
  stdout?: StdioTarget;
  /** Default 'pipe'; its tail is kept for `exited`. */
  stderr?: StdioTarget;
  /** Descriptors 3, 4, …: a pipe each, or a descriptor this process holds, passed through. */
  extraStdio?: readonly ('pipe' | number)[];
  /** Run as this user (needs root): a program found by root's search then gains nothing if that user replaced it. */
  runAs?: { uid: number; gid: number };
  /**
   * Default true: the child leads its own process group (a new session), so stop() also reaches what it started,
   * and the group is killed if this process exits first (cleanup-on-exit). False keeps it in ours, e.g. pkexec,
   * whose text agent asks for the password on the controlling terminal that a new session would not have.
   */
  ownProcessGroup?: boolean;
  /** How much of stderr `exited` keeps (the end of it). Default 64 KiB. */
  stderrTailBytes?: number;
  /** Time between stop()'s SIGTERM and its SIGKILL. Default 2 s. */
  killGraceMs?: number;
  /**
   * After the child exits, how long to wait for grandchildren that still hold its stdout/stderr before those pipes
   * are cut. Default 1 s; Infinity waits for them (a protocol whose last line must be read whole).
   */
  closeGraceMs?: number;
  /** Called once the process is running, with its id. */
  onSpawn?: (pid: number) => void;
  /** Errors once the process runs: a signal the system refused (a setuid child is not ours to kill). */
  onError?: (error: Error) => void;
}

/** How a started program ended, with the end of what it printed on stderr. */
export interface ToolExit {
  /** Exit code, or null when a signal ended the child (or it never started). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES): there was no process. */
  error?: NodeJS.ErrnoException;
}

export interface StartedTool {
  /** Undefined when the start failed (`exited` then carries the error). */
  readonly pid: number | undefined;
  /** The child's end of each descriptor given as 'pipe'; null otherwise. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Descriptor 3 + i's pipe, or null where a descriptor was passed through. */
  readonly extraStdio: readonly (Readable | Writable | null)[];
  /** Settles once the process has exited and its pipes are closed (or cut after closeGraceMs); never rejects. */
  readonly exited: Promise<ToolExit>;
  /** True until the process has exited. */
  readonly running: boolean;
  /** Signals the process group (or the child alone without one); false when the signal could not be sent. */
  kill(signal: NodeJS.Signals): boolean;
  /** SIGTERM, then SIGKILL after killGraceMs for anything in the group that ignored it; once only. */
  stop(): void;
}

const DEFAULT_STDERR_TAIL = 64 * 1024;

function mergeEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/** Signals the child's whole process group (it was spawned detached), or the child alone when there is none. */
function killGroup(child: ChildProcess, sig: NodeJS.Signals): boolean {
  try {
    if (child.pid !== undefined) {
      process.kill(-child.pid, sig);
      return true;
    }
  } catch {
    // the group is gone or was never made; the child itself may still be there
  }
  return child.kill(sig);
}

function spawnChild(file: string, args: readonly string[], options: StartToolOptions): ChildProcess {
  const { stdin = 'ignore', stdout = 'pipe', stderr = 'pipe', extraStdio = [], runAs } = options;
  return spawn(file, args, {
    cwd: options.cwd,
    env: mergeEnv(options.env),
    stdio: [stdin, stdout, stderr, ...extraStdio],
    detached: options.ownProcessGroup ?? true,
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
}

/** Settles with the exit once 'close' comes, or closeGraceMs after 'exit' when something still holds the pipes. */
function watchExit(
  child: ChildProcess,
  options: StartToolOptions,
  stderrTail: TailBuffer,
  onSettle: () => void,
): Promise<ToolExit> {
  const { closeGraceMs = 1000 } = options;
  return new Promise((resolve) => {
    let exit: Pick<ToolExit, 'code' | 'signal'> | null = null;
    let closeTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (result: ToolExit) => {
      if (settled) return;
      settled = true;
      clearTimeout(closeTimer);
      onSettle();
      resolve(result);
    };
    const ended = () => ({ ...(exit ?? { code: null, signal: null }), stderr: stderrTail.toString() });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) settle({ code: null, signal: null, stderr: '', error });
      else options.onError?.(error);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (!Number.isFinite(closeGraceMs)) return;
      closeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settle(ended());
      }, closeGraceMs);
    });
    child.on('close', (code, signal) => {
      exit ??= { code, signal };
      settle(ended());
    });
  });
}

/**
 * Starts a program with an argv array (never a shell) and hands back its pipes, its exit and a way to stop it. The
 * one place the core spawns a program; runTool is built on it.
 */
export function startTool(
  file: string,
  args: readonly string[],
  options: StartToolOptions = {},
): StartedTool {
  const { killGraceMs = 2000 } = options;
  const ownGroup = options.ownProcessGroup ?? true;
  const child = spawnChild(file, args, options);
  // Listed until it is gone, so a process that exits first (a second Ctrl-C) still kills what the tool started.
  const untrackGroup = ownGroup && child.pid !== undefined ? trackProcessGroup(child.pid) : () => {};
  const stderrTail = new TailBuffer(options.stderrTailBytes ?? DEFAULT_STDERR_TAIL);
  child.stderr?.on('data', (chunk: Buffer) => stderrTail.push(chunk));
  const kill = (sig: NodeJS.Signals) => (ownGroup ? killGroup(child, sig) : child.kill(sig));
  let stopping = false;
  let settled = false;
  const exited = watchExit(child, options, stderrTail, () => {
    settled = true;
    if (!stopping) untrackGroup(); // a stopped group stays listed until its SIGKILL sweep has run
  });
  const { onSpawn } = options;
  if (onSpawn) child.on('spawn', () => child.pid !== undefined && onSpawn(child.pid));
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    extraStdio: (options.extraStdio ?? []).map((_, i) => child.stdio[3 + i] ?? null),
    exited,
    get running() {
      return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill,
    stop() {
      if (stopping || settled) return;
      stopping = true;
      kill('SIGTERM');
      // Not cleared on exit: it also sweeps group members that ignored SIGTERM.
      setTimeout(() => {
        kill('SIGKILL');
        untrackGroup();
      }, killGraceMs).unref();
    },
  };
}
