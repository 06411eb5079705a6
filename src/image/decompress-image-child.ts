import type { Writable } from 'node:stream';
import { startTool } from '../tools/index.js';

/** How a decompressor process ended, with the end of what it printed on stderr. */
export interface DecompressorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface Decompressor {
  /** Null when the decompressor reads an inherited descriptor instead of a pipe from us. */
  stdin: Writable | null;
  /** Settles once the process has exited and its pipes are closed; never rejects. */
  exited: Promise<DecompressorExit>;
  /** SIGTERM to the whole process group, SIGKILL after a grace period for anything that ignored it. */
  stop(): void;
}

const STDERR_TAIL_BYTES = 8 * 1024;
const KILL_GRACE_MS = 2000;

/**
 * Starts a decompressor that reads stdin and writes straight into `outputFd` (the destination file), so gigabytes
 * never pass through this process: an argv array (no shell), its own process group, the whole group killed on stop.
 */
export function spawnDecompressor(
  file: string,
  args: readonly string[],
  outputFd: number,
  inputFd?: number,
  runAs?: { uid: number; gid: number },
): Decompressor {
  const tool = startTool(file, args, {
    stdin: inputFd ?? 'pipe',
    stdout: outputFd,
    stderrTailBytes: STDERR_TAIL_BYTES,
    killGraceMs: KILL_GRACE_MS,
    // The privileged writer runs it as the user it writes for: root's search for zstd may land on a binary that
    // user could replace, which then gains nothing. It needs no file access: both ends are inherited descriptors.
    runAs,
  });
  const stdin = inputFd === undefined ? tool.stdin : null;
  if (inputFd === undefined && !stdin) throw new Error('spawn gave the decompressor no stdin pipe');
  return {
    stdin,
    // A start failure (the tool vanished since findTool) surfaces as a failed exit with its message.
    exited: tool.exited.then(({ code, signal, stderr, error }) => ({
      code,
      signal,
      stderr: error ? error.message : stderr,
    })),
    stop: () => tool.stop(),
  };
}
