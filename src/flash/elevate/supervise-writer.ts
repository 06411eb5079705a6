import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { startTool, type StartedTool, type ToolExit } from '../../tools/index.js';
import type { FlashProgress, WriteImageToDeviceResult } from '../write/write-image-to-device.js';
import { FlashError } from '../flash-errors.js';
import { readLines } from './line-stream.js';
import { interpretWriterExit, type WriterExit, type WriterLaunch } from './writer-launch.js';
import { decodeEvent, encodeLine, type WriterRequest } from './writer-protocol.js';

export interface SuperviseOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FlashProgress) => void;
  log?: (line: string) => void;
  /** After `{cancel: true}` and EOF, how long the writer gets to stop before it is killed. */
  cancelGraceMs?: number;
  /** Called with the spawned process's id (the writer itself, or pkexec/osascript in front of it). */
  onSpawn?: (pid: number) => void;
}

/** A writer mid-write usually stops within a block; a card stuck in a flush can take seconds. */
export const CANCEL_GRACE_MS = 10_000;
const STDERR_TAIL_BYTES = 4096;

/** The two ends of the protocol: the child's stdio, or on macOS the pipes opened read-write (never blocking). */
function protocolStreams(plan: WriterLaunch, child: StartedTool) {
  if (plan.pipes) {
    const toWriter = new Socket({ fd: openSync(plan.pipes.in, constants.O_RDWR), readable: false });
    const fromWriter = new Socket({ fd: openSync(plan.pipes.out, constants.O_RDWR), writable: false });
    return { toWriter, fromWriter };
  }
  if (!child.stdin || !child.stdout) throw new Error('spawn gave the writer no stdio pipes');
  return { toWriter: child.stdin, fromWriter: child.stdout };
}

function writerStillRunning(pid: number | undefined, request: WriterRequest): FlashError {
  return new FlashError(
    'flash-writer-still-running',
    `The privileged writer (pid ${pid ?? 'unknown'}) did not stop after the cancel and could not be killed: it may ` +
      `still be writing ${request.devices.join(', ')}. The card is unusable until it is flashed again.`,
    `Leave the card in until that process has ended (an administrator can run: sudo kill -9 ${pid ?? '<pid>'}).`,
  );
}

/** What the supervisor learns while the writer runs; read when the process has gone. */
interface WriterObservations {
  outcome: WriterExit['outcome'];
  cancelRequested: boolean;
  /** Why we stopped listening (a malformed line): the verdict once the process is gone. */
  failure: unknown;
}

function startWriter(
  plan: WriterLaunch,
  options: SuperviseOptions,
  log: (line: string) => void,
): StartedTool {
  return startTool(plan.file, plan.args, {
    stdin: 'pipe',
    env: plan.env,
    // In this process's group and session: pkexec's text agent asks for the password on the controlling terminal,
    // which a new session would not have. Only the started process is ever signalled (kill below).
    ownProcessGroup: false,
    stderrTailBytes: STDERR_TAIL_BYTES,
    // Its last line is the outcome: wait for the pipe to close, however long something holds it.
    closeGraceMs: Infinity,
    onSpawn: (pid) => {
      log(`Started the privileged writer (pid ${pid}, ${plan.via})`);
      options.onSpawn?.(pid);
    },
  });
}

/** Decodes the writer's lines into progress, log lines and its outcome; a line that does not decode stops it. */
function readWriterEvents(
  fromWriter: Readable,
  seen: WriterObservations,
  handlers: { onProgress?: (progress: FlashProgress) => void; log: (line: string) => void },
  stopListening: (error: unknown) => void,
): void {
  readLines(fromWriter, {
    onLine: (line) => {
      if (seen.failure) return;
      let event;
      try {
        event = decodeEvent(line);
      } catch (error) {
        stopListening(error);
        return;
      }
      if ('progress' in event) handlers.onProgress?.({ ...event.progress, unit: 'bytes' });
      else if ('log' in event) handlers.log(event.log);
      else seen.outcome = event;
    },
    onError: stopListening,
    onEnd: () => {},
  });
}

/** The verdict on an exited writer: its result, or its error thrown. */
function writerResult(
  plan: WriterLaunch,
  request: WriterRequest,
  launcher: { path: string; args: readonly string[] },
  seen: WriterObservations,
  exit: ToolExit,
): WriteImageToDeviceResult {
  return interpretWriterExit({
    via: plan.via,
    code: exit.code,
    signal: exit.signal,
    stderr: exit.stderr,
    outcome: seen.outcome,
    cancelRequested: seen.cancelRequested,
    launcher: launcher.path,
    launcherArgs: launcher.args,
    request,
  });
}

/**
 * Runs one writer and turns its lines and exit into a result. Whatever happens, the promise settles only once the
 * process has exited (a cancelled task must not look over while a root process still writes the card), or, when it
 * could not be killed, with an error saying so.
 */
export function superviseWriter(
  plan: WriterLaunch,
  request: WriterRequest,
  /** The launcher and its arguments, for the command offered when elevation fails. */
  launcher: { path: string; args: readonly string[] },
  options: SuperviseOptions,
): Promise<WriteImageToDeviceResult> {
  const { signal, onProgress, log = () => {}, cancelGraceMs = CANCEL_GRACE_MS } = options;
  return new Promise((resolve, reject) => {
    const child = startWriter(plan, options, log);
    const { toWriter, fromWriter } = protocolStreams(plan, child);
    const seen: WriterObservations = { outcome: null, cancelRequested: false, failure: null };
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal?.removeEventListener('abort', cancel);
      if (plan.pipes) [toWriter, fromWriter].forEach((s) => s.destroy());
      action();
    };
    // A refused kill (a pkexec'd writer is root's process) returns false rather than throwing.
    const kill = (why: string) => {
      if (!child.running) return;
      log(`${why}: killing the privileged writer (pid ${child.pid}, SIGKILL)`);
      if (child.kill('SIGKILL')) return;
      log(`The privileged writer (pid ${child.pid}) could not be killed; waiting for it to stop`);
      timers.push(
        setTimeout(() => finish(() => reject(writerStillRunning(child.pid, request))), cancelGraceMs),
      );
    };
    const cancel = () => {
      if (seen.cancelRequested) return;
      seen.cancelRequested = true;
      // Both levers: the cancel line, then EOF. The writer stops at its next block and exits.
      if (toWriter.writable) toWriter.end(encodeLine({ cancel: true }));
      timers.push(
        setTimeout(
          () => kill(`The writer did not stop within ${cancelGraceMs / 1000} s of the cancel`),
          cancelGraceMs,
        ),
      );
    };
    const stopListening = (error: unknown) => {
      seen.failure ??= error;
      // Drained and dropped from here on: a paused pipe would keep 'close' from ever coming.
      fromWriter.resume();
      kill('The writer sent a malformed message');
    };
    // EPIPE when the writer (or pkexec) is gone before reading: its exit code tells the story.
    toWriter.on('error', () => {});
    readWriterEvents(fromWriter, seen, { onProgress, log }, stopListening);
    // Settles after the exit (the process has been reaped) and after its output was read to the end.
    void child.exited.then((exit) => {
      finish(() => {
        // Before the start there is no process to wait for.
        if (exit.error) return reject(exit.error);
        if (seen.failure) return reject(seen.failure);
        try {
          resolve(writerResult(plan, request, launcher, seen, exit));
        } catch (error) {
          reject(error);
        }
      });
    });
    toWriter.write(encodeLine(request));
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}
