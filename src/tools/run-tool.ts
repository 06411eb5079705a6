import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CancelledError, CompanionError } from '../errors.js';
import {
  createSearchContext,
  locateKnownProgram,
  MissingToolError,
  missingToolError,
  type SearchContext,
} from './find-tool.js';
import { startTool, type StartedTool } from './start-tool.js';
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

/** A failure the caller knows by what the tool said, turned into its own error. */
export interface ExpectedToolError {
  /** Matched against the tool's stderr. */
  pattern: RegExp;
  error: (result: ToolResult) => Error;
}

/** How runToolOrThrow and assertToolSucceeded judge a finished run; runTool itself resolves whatever the exit. */
export interface ToolSuccessRules {
  /** Exit codes that count as success. Default [0] (borg exits 1 when it only warned). */
  successExitCodes?: readonly number[];
  /** Tried in order on a failure, before the generic ToolFailedError: the first whose pattern matches wins. */
  expectedErrors?: readonly ExpectedToolError[];
  /** The generic ToolFailedError's hint. */
  hint?: string;
}

export interface RunToolOptions extends ToolSuccessRules {
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

interface ToolOutput {
  stdout: TailBuffer;
  splitters: { stdout: LineSplitter | undefined; stderr: LineSplitter | undefined };
}

function toolOutput(options: RunToolOptions, maxBufferBytes: number): ToolOutput {
  return {
    stdout: new TailBuffer(maxBufferBytes),
    splitters: {
      stdout: options.onStdoutLine && new LineSplitter(options.onStdoutLine, maxBufferBytes),
      stderr: options.onStderrLine && new LineSplitter(options.onStderrLine, maxBufferBytes),
    },
  };
}

/** Keeps stdout's tail and feeds the line callbacks, or for binary stdout the raw one (and keeps nothing). */
function forwardOutput(
  tool: StartedTool,
  options: RunToolOptions,
  output: ToolOutput,
  fail: (error: unknown) => void,
): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const raw = name === 'stdout' ? options.onStdoutData : undefined;
    tool[name]?.on('data', (chunk: Buffer) => {
      if (name === 'stdout' && !raw) output.stdout.push(chunk);
      try {
        if (raw) raw(chunk);
        else output.splitters[name]?.push(chunk);
      } catch (error) {
        fail(error); // a throwing callback must not crash the process from inside a stream event
      }
    });
  }
}

/** Writes stdin and the input descriptors (then EOF), and hooks up the output descriptors. */
function feedChildDescriptors(
  tool: StartedTool,
  options: RunToolOptions,
  extraFds: readonly ExtraFd[],
): void {
  if (options.stdin !== undefined && tool.stdin) {
    tool.stdin.on('error', () => {}); // EPIPE when the child exits without reading: its exit status tells
    tool.stdin.end(options.stdin);
  }
  extraFds.forEach((fd, i) => {
    const stream = tool.extraStdio[i];
    if ('input' in fd) (stream as Writable).on('error', () => {}).end(fd.input);
    if ('output' in fd) (stream as Readable).on('data', fd.output);
  });
}

async function runResolved(
  file: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<ToolResult> {
  const { signal, extraFds = [], maxBufferBytes = MIB, killGraceMs = 2000 } = options;
  const cancelled = () => new CancelledError(`${path.basename(file)} was cancelled.`);
  if (signal?.aborted) throw cancelled();
  let failure: unknown = null;
  let aborted = false;
  const tool = startTool(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? 'ignore' : 'pipe',
    extraStdio: extraFds.map((fd) => ('inherit' in fd ? fd.inherit : 'pipe')),
    stderrTailBytes: maxBufferBytes,
    killGraceMs,
    closeGraceMs: CLOSE_GRACE_MS,
    onError: (error) => fail(error),
  });
  function fail(error: unknown) {
    failure ??= error;
    tool.stop();
  }
  const onAbort = () => {
    aborted = true;
    tool.stop();
  };
  const output = toolOutput(options, maxBufferBytes);
  forwardOutput(tool, options, output, fail);
  feedChildDescriptors(tool, options, extraFds);
  signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await tool.exited;
  signal?.removeEventListener('abort', onAbort);
  if (exit.error) throw await spawnFailure(file, options.cwd, exit.error);
  try {
    output.splitters.stdout?.end();
    output.splitters.stderr?.end();
  } catch (error) {
    failure ??= error;
  }
  if (failure) throw failure;
  if (aborted) throw cancelled();
  return { code: exit.code, signal: exit.signal, stdout: output.stdout.toString(), stderr: exit.stderr };
}

/** Returns the result when the tool exited with a success code, else throws an expected error or ToolFailedError. */
export function assertToolSucceeded(
  tool: string,
  result: ToolResult,
  rules: ToolSuccessRules = {},
): ToolResult {
  const { successExitCodes = [0], expectedErrors = [] } = rules;
  if (result.code !== null && successExitCodes.includes(result.code)) return result;
  const expected = expectedErrors.find(({ pattern }) => result.stderr.search(pattern) !== -1);
  if (expected) throw expected.error(result);
  throw new ToolFailedError(tool, result, rules.hint);
}

/** runTool, but an exit outside `successExitCodes` throws (an expected error, else ToolFailedError). */
export async function runToolOrThrow(
  file: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  return assertToolSucceeded(path.basename(file), await runTool(file, args, options), options);
}
