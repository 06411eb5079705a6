import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CancelledError, CompanionError } from '../errors.js';
import { trackProcessGroup } from '../tasks/index.js';
import { createSearchContext, MissingToolError, missingToolError, type SearchContext } from './find-tool.js';
import { locateKnownProgram } from './system-programs.js';
import { toolEntryForProgram } from './tool-catalog.js';
import { LineSplitter, TailBuffer } from './tool-output.js';

/** A descriptor handed to the child beyond stdin/stdout/stderr; `extraFds[i]` becomes fd `FIRST_EXTRA_FD + i`. */
export type ExtraFd =
  /** The child reads this from the fd, then EOF: how secrets travel (e.g. `BORG_PASSPHRASE_FD=3`), never argv or env. */
  | { input: string | Uint8Array }
  /** The child writes to the fd (e.g. a status channel). */
  | { output: (chunk: Buffer) => void }
  /** A descriptor this process already holds (e.g. a device opened through UDisks), passed through as is. */
  | { inherit: number };

export const FIRST_EXTRA_FD = 3;

export interface RunToolOptions {
  cwd?: string;
  /** Merged over this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string | Uint8Array;
  extraFds?: readonly ExtraFd[];
  /** Aborting stops the child (SIGTERM, then SIGKILL) and rejects with CancelledError once it is gone. */
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /**
   * Raw stdout bytes, for binary output (e.g. `debugfs -R 'cat …'`). When set, stdout is neither decoded, split into
   * lines nor kept in the result (`stdout` is ''): text decoding would corrupt the bytes and the tail cap would cut them.
   */
  onStdoutData?: (chunk: Buffer) => void;
  /** How much of each stream the result keeps (the end of it). Default 1 MiB. */
  maxBufferBytes?: number;
  /** Time between SIGTERM and SIGKILL on abort. Default 2 s. */
  killGraceMs?: number;
  /** Where a bare program name is looked for (tests lay out another system); this process's search by default. */
  search?: Partial<SearchContext>;
}

export interface ToolResult {
  /** Exit code, or null when a signal ended the child. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A tool ran but reported failure; the message carries its exit code and last stderr lines. */
export class ToolFailedError extends CompanionError {
  constructor(
    readonly tool: string,
    readonly result: ToolResult,
    hint = 'The task log has the full output of the tool.',
  ) {
    const how = result.signal ? `was stopped by ${result.signal}` : `failed with exit code ${result.code}`;
    const tail = lastLines(result.stderr, 5);
    super('tool-failed', `${tool} ${how}${tail ? `:\n${tail}` : '.'}`, hint);
  }
}

const MIB = 1024 * 1024;
// After the child exits, how long to wait for grandchildren that still hold its stdout/stderr.
const CLOSE_GRACE_MS = 1000;

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function mergeEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

function extraStdio(fd: ExtraFd): 'pipe' | number {
  return 'inherit' in fd ? fd.inherit : 'pipe';
}

async function spawnFailure(
  file: string,
  cwd: string | undefined,
  error: NodeJS.ErrnoException,
): Promise<Error> {
  // A missing working directory also fails the spawn with ENOENT; that is not a missing tool.
  if (error.code !== 'ENOENT' || (cwd !== undefined && !existsSync(cwd))) return error;
  const program = path.basename(file);
  const entry = toolEntryForProgram(program);
  if (entry) return missingToolError(entry);
  return new MissingToolError(
    program,
    `${program} was not found.`,
    'Install it and make sure it is on your PATH.',
  );
}

/**
 * Runs a program with an argv array (never a shell); resolves with its exit status whatever it is. A bare name is
 * found by the tools layer's search (PATH, sbin, NixOS's profiles and wrappers), not by the child's PATH alone.
 */
export async function runTool(file: string, args: readonly string[], options: RunToolOptions = {}) {
  const found = file.includes('/')
    ? file
    : await locateKnownProgram(file, createSearchContext(options.search));
  // Not found: spawning the bare name fails with ENOENT, which becomes the usual missing-tool error.
  return runResolved(found ?? file, args, options);
}

/** Own process group, so an abort also stops what the tool started (wrapper scripts, ssh under borg). */
function spawnInOwnGroup(
  file: string,
  args: readonly string[],
  options: RunToolOptions,
  extraFds: readonly ExtraFd[],
): ChildProcess {
  const stdin: 'ignore' | 'pipe' = options.stdin === undefined ? 'ignore' : 'pipe';
  const stdio: StdioOptions = [stdin, 'pipe', 'pipe', ...extraFds.map(extraStdio)];
  return spawn(file, args, {
    cwd: options.cwd,
    env: mergeEnv(options.env),
    stdio,
    detached: true,
  });
}

/** Signals the child's whole process group (it was spawned detached), or the child alone when there is none. */
export function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, sig);
  } catch {
    child.kill(sig); // the group is gone or was never made; the child itself may still be there
  }
}

interface ToolOutput {
  out: { stdout: TailBuffer; stderr: TailBuffer };
  splitters: { stdout: LineSplitter | undefined; stderr: LineSplitter | undefined };
}

function toolOutput(options: RunToolOptions, maxBufferBytes: number): ToolOutput {
  return {
    out: { stdout: new TailBuffer(maxBufferBytes), stderr: new TailBuffer(maxBufferBytes) },
    splitters: {
      stdout: options.onStdoutLine && new LineSplitter(options.onStdoutLine, maxBufferBytes),
      stderr: options.onStderrLine && new LineSplitter(options.onStderrLine, maxBufferBytes),
    },
  };
}

/** Keeps each stream's tail and feeds the line callbacks, or for binary stdout the raw one (and keeps nothing). */
function forwardOutput(
  child: ChildProcess,
  options: RunToolOptions,
  { out, splitters }: ToolOutput,
  fail: (error: unknown) => void,
): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const raw = name === 'stdout' ? options.onStdoutData : undefined;
    child[name]?.on('data', (chunk: Buffer) => {
      if (!raw) out[name].push(chunk);
      try {
        if (raw) raw(chunk);
        else splitters[name]?.push(chunk);
      } catch (error) {
        fail(error); // a throwing callback must not crash the process from inside a stream event
      }
    });
  }
}

/** Writes stdin and the input descriptors (then EOF), and hooks up the output descriptors. */
function feedChildDescriptors(
  child: ChildProcess,
  options: RunToolOptions,
  extraFds: readonly ExtraFd[],
): void {
  if (options.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // EPIPE when the child exits without reading: its exit status tells
    child.stdin.end(options.stdin);
  }
  extraFds.forEach((fd, i) => {
    const stream = child.stdio[FIRST_EXTRA_FD + i];
    if ('input' in fd) (stream as Writable).on('error', () => {}).end(fd.input);
    if ('output' in fd) (stream as Readable).on('data', fd.output);
  });
}

function runResolved(file: string, args: readonly string[], options: RunToolOptions): Promise<ToolResult> {
  const { signal, extraFds = [], maxBufferBytes = MIB, killGraceMs = 2000 } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError(`${path.basename(file)} was cancelled.`));
  return new Promise<ToolResult>((resolve, reject) => {
    const child = spawnInOwnGroup(file, args, options, extraFds);
    // Listed until it is gone, so a CLI that exits first (a second Ctrl-C) still kills what the tool started.
    const untrackGroup = child.pid === undefined ? () => false : trackProcessGroup(child.pid);
    const output = toolOutput(options, maxBufferBytes);
    const { out, splitters } = output;
    let exit: Pick<ToolResult, 'code' | 'signal'> | null = null;
    let failure: unknown = null;
    let aborted = false;
    let settled = false;
    let closeTimer: NodeJS.Timeout | undefined;

    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      killGroup(child, 'SIGTERM');
      // Not cleared on exit: it also sweeps group members that ignored SIGTERM.
      setTimeout(() => {
        killGroup(child, 'SIGKILL');
        untrackGroup();
      }, killGraceMs).unref();
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };
    const fail = (error: unknown) => {
      failure ??= error;
      stop();
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(closeTimer);
      if (!stopping) untrackGroup(); // a stopped group stays listed until its SIGKILL sweep has run
      signal?.removeEventListener('abort', onAbort);
      try {
        splitters.stdout?.end();
        splitters.stderr?.end();
      } catch (error) {
        failure ??= error;
      }
      if (failure) return reject(failure);
      if (aborted) return reject(new CancelledError(`${path.basename(file)} was cancelled.`));
      resolve({
        ...(exit ?? { code: null, signal: null }),
        stdout: out.stdout.toString(),
        stderr: out.stderr.toString(),
      });
    };

    forwardOutput(child, options, output, fail);
    feedChildDescriptors(child, options, extraFds);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) {
        settled = true;
        void spawnFailure(file, options.cwd, error).then(reject, reject);
      } else fail(error);
    });
    child.on('exit', (code, sig) => {
      exit = { code, signal: sig };
      closeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, CLOSE_GRACE_MS);
    });
    child.on('close', (code, sig) => {
      exit ??= { code, signal: sig };
      finish();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Returns the result when the tool exited 0, else throws ToolFailedError. */
export function assertToolSucceeded(tool: string, result: ToolResult, hint?: string): ToolResult {
  if (result.code !== 0) throw new ToolFailedError(tool, result, hint);
  return result;
}

/** runTool, but a non-zero exit throws ToolFailedError. */
export async function runToolOrThrow(
  file: string,
  args: readonly string[],
  options?: RunToolOptions,
): Promise<ToolResult> {
  return assertToolSucceeded(path.basename(file), await runTool(file, args, options));
}
