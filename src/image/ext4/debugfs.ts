import { randomBytes } from 'node:crypto';
import { findTool, runTool, type ToolResult } from '../../tools/index.js';
import {
  type CommandOutput,
  type ScriptOutput,
  buildScript,
  isOpenFailure,
  splitRequestStderr,
  splitScriptOutput,
} from './debugfs-output.js';
import { type DebugfsVersion, imageSpec } from './debugfs-syntax.js';
import { Ext4Error } from './ext4-error.js';
import type { Ext4Target } from './ext4-types.js';

// Fixed English messages (our parsers read them) and never a pager, even if someone runs us on a terminal.
const DEBUGFS_ENV = { LC_ALL: 'C', LANGUAGE: undefined, DEBUGFS_PAGER: '__none__', PAGER: '__none__' };
// Enough for `stat` of many paths; a script whose output is cut shows up as "incomplete", never as success.
const SCRIPT_BUFFER_BYTES = 16 * 1024 * 1024;

export function describeExt4Target(target: Ext4Target): string {
  return target.offset === 0 ? target.image : `${target.image} (at byte offset ${target.offset})`;
}

/** The error for "no usable ext4 here", with debugfs's own words. */
export function openFailedError(target: Ext4Target, messages: readonly string[]): Ext4Error {
  const toolMessage = messages.join('\n');
  return new Ext4Error(
    'ext4-open-failed',
    `No readable ext4 file system in ${describeExt4Target(target)}: ${messages[0] ?? 'debugfs could not open it'}`,
    'Check that this is the right image and partition offset; the image may be truncated or damaged.',
    { toolMessage },
  );
}

function assertRan(result: ToolResult, target: Ext4Target, what: string): void {
  if (result.code === null) {
    throw new Ext4Error(
      'ext4-debugfs-failed',
      `debugfs was stopped by ${result.signal ?? 'a signal'} while ${what} ${describeExt4Target(target)}.`,
      'Try again; if it keeps happening, check the image with e2fsck.',
      { toolMessage: result.stderr.trim() },
    );
  }
}

/**
 * Runs commands with `debugfs [-w] -f -` in one process (one open and one flush of the file system) and attributes
 * every stderr line to the command that printed it. Throws when the file system cannot be opened or debugfs stopped
 * early; per-command errors are returned, not thrown (see `assertCommandsSucceeded`).
 */
export async function runDebugfsScript(
  target: Ext4Target,
  commands: readonly string[],
  options: { write?: boolean; signal?: AbortSignal } = {},
): Promise<ScriptOutput> {
  const debugfs = await findTool('debugfs');
  const nonce = randomBytes(6).toString('hex');
  const args = [...(options.write ? ['-w'] : []), '-f', '-', imageSpec(target.image, target.offset)];
  const result = await runTool(debugfs, args, {
    stdin: buildScript(commands, nonce),
    env: DEBUGFS_ENV,
    signal: options.signal,
    maxBufferBytes: SCRIPT_BUFFER_BYTES,
  });
  assertRan(result, target, options.write ? 'writing to' : 'reading');
  const output = splitScriptOutput(commands, nonce, result.stdout, result.stderr);
  if (output.openErrors.length > 0) throw openFailedError(target, output.openErrors);
  if (!output.complete || output.closeErrors.length > 0) {
    throw new Ext4Error(
      'ext4-debugfs-failed',
      `debugfs did not finish its commands on ${describeExt4Target(target)}` +
        (output.closeErrors.length ? `: ${output.closeErrors.join('; ')}` : ' (its output stopped early).'),
      options.write ? 'The image may be partly changed: start again from a fresh copy.' : 'Try again.',
      { toolMessage: result.stderr.trim() },
    );
  }
  return output;
}

/** The first command that reported an error, if any. */
export function firstFailedCommand(output: ScriptOutput): CommandOutput | undefined {
  return output.commands.find((command) => command.errors.length > 0);
}

/** Throws `ext4-command-failed` naming the first failing command and debugfs's message. */
export function assertCommandsSucceeded(output: ScriptOutput, target: Ext4Target, hint: string): void {
  const failed = firstFailedCommand(output);
  if (!failed) return;
  const toolMessage = failed.errors.join('\n');
  throw new Ext4Error(
    'ext4-command-failed',
    `debugfs could not do \`${failed.command}\` in ${describeExt4Target(target)}: ${failed.errors.join('; ')}`,
    hint,
    { command: failed.command, toolMessage },
  );
}

/**
 * Runs one read-only request (`debugfs -R`). `onStdoutData` receives stdout as raw bytes (for `cat` of binary files);
 * otherwise it is returned as text.
 */
export async function runDebugfsRequest(
  target: Ext4Target,
  request: string,
  options: { signal?: AbortSignal; onStdoutData?: (chunk: Buffer) => void } = {},
): Promise<{ stdout: string; errors: string[]; version: DebugfsVersion | null }> {
  const debugfs = await findTool('debugfs');
  const result = await runTool(debugfs, ['-R', request, imageSpec(target.image, target.offset)], {
    env: DEBUGFS_ENV,
    signal: options.signal,
    onStdoutData: options.onStdoutData,
  });
  assertRan(result, target, 'reading');
  const { version, errors } = splitRequestStderr(result.stderr);
  // With -R there is no marker before the request: an open failure shows as "… while trying to open …" and the
  // request's own "Filesystem not open".
  if (errors.some(isOpenFailure)) throw openFailedError(target, errors);
  return { stdout: result.stdout, errors, version };
}
