import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { trackProcessGroup } from '../tasks/index.js';
import { TailBuffer, killGroup } from '../tools/index.js';

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
 * never pass through this process. runTool cannot hand a child a file as stdout, so this follows its rules instead:
 * an argv array (no shell), its own process group, the whole group killed on stop.
 */
export function spawnDecompressor(
  file: string,
  args: readonly string[],
  outputFd: number,
  inputFd?: number,
  runAs?: { uid: number; gid: number },
): Decompressor {
  const child = spawn(file, args, {
    stdio: [inputFd ?? 'pipe', outputFd, 'pipe'],
    detached: true,
    // The privileged writer runs it as the user it writes for: root's search for zstd may land on a binary that
    // user could replace, which then gains nothing. It needs no file access: both ends are inherited descriptors.
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  // Listed until it is gone, so a process that exits first still kills it (see cleanup-on-exit).
  const untrackGroup = child.pid === undefined ? () => false : trackProcessGroup(child.pid);
  const stdin = inputFd === undefined ? child.stdin : null;
  if (inputFd === undefined && !stdin) throw new Error('spawn gave the decompressor no stdin pipe');
  const stderr = new TailBuffer(STDERR_TAIL_BYTES);
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<DecompressorExit>((resolve) => {
    child.on('close', (code, signal) => {
      if (!stopping) untrackGroup(); // a stopped group stays listed until its SIGKILL sweep has run
      resolve({ code, signal, stderr: stderr.toString() });
    });
    // A spawn failure (the tool vanished since findTool) surfaces as a failed exit with its message.
    child.on('error', (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, stderr: error.message });
    });
  });
  let stopping = false;
  return {
    stdin,
    exited,
    stop() {
      if (stopping || child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => {
        killGroup(child, 'SIGKILL');
        untrackGroup();
      }, KILL_GRACE_MS).unref();
    },
  };
}
