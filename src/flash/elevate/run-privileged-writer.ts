import { type ChildProcess, spawn } from 'node:child_process';
import { constants, existsSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourcesDir } from '../../provision/nixos-module.js';
import { runToolOrThrow } from '../../tools/run-tool.js';
import type { FlashProgress, WriteImageToDeviceResult } from '../write/write-image-to-device.js';
import { readLines } from './line-stream.js';
import {
  elevationUnavailable,
  interpretWriterExit,
  PKEXEC_CANDIDATES,
  planWriterLaunch,
  type WriterExit,
  type WriterLaunch,
} from './writer-launch.js';
import {
  decodeEvent,
  encodeLine,
  requestDevices,
  WRITER_PROTOCOL_VERSION,
  type WriterRequest,
} from './writer-protocol.js';

export interface RunPrivilegedWriterOptions {
  source: string;
  /** A whole disk the app's safety policy allowed; the writer checks it again as root. */
  device?: string;
  /** Several such disks (1–8), written from one read of the source; used instead of `device`. */
  devices?: readonly string[];
  verify?: boolean;
  /** The user confirmed a non-removable disk (see the protocol's field of the same name). */
  allowNonRemovable?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: FlashProgress) => void;
  log?: (line: string) => void;
}

/** After `{cancel: true}` and EOF, how long the writer gets before it is killed (when we may kill it). */
const CANCEL_GRACE_MS = 2000;
const STDERR_TAIL = 4096;
const HELPER_FILE = 'companion-flash-writer.cjs';

/** The fixed launcher path: the one polkit's policy names (resources/polkit). */
export const writerLauncherPath = (): string => path.join(resourcesDir(), 'bin', 'companion-flash-writer');

/** The bundled writer: its packaged copy, next to a bundled face (dist/main → dist/helper), or the dev build. */
export function writerHelperScript(): string {
  const candidates = [
    path.join(resourcesDir(), 'helper', HELPER_FILE),
    fileURLToPath(new URL(`../helper/${HELPER_FILE}`, import.meta.url)),
    fileURLToPath(new URL(`../../../dist/helper/${HELPER_FILE}`, import.meta.url)),
  ];
  return candidates.find((c) => existsSync(c)) ?? (candidates.at(-1) as string);
}

/**
 * Writes `source` onto `device` through the privileged writer, asking for the admin password when not root (ISSUE 4:
 * the app never runs as root). Resolves like writeImageToDevice; a dismissed password prompt is a CancelledError.
 */
export async function runPrivilegedWriter(
  options: RunPrivilegedWriterOptions,
): Promise<WriteImageToDeviceResult> {
  const devices = [...(options.devices ?? (options.device === undefined ? [] : [options.device]))];
  const request: WriterRequest = {
    v: WRITER_PROTOCOL_VERSION,
    source: path.resolve(options.source),
    // One card keeps the original request form.
    ...(devices.length === 1 ? { device: devices[0] } : { devices }),
    verify: options.verify ?? true,
    ...(options.allowNonRemovable ? { allowNonRemovable: true } : {}),
  };
  const launcher = writerLauncherPath();
  const platform = process.platform;
  const isRoot = process.getuid?.() === 0;
  const pipeDir =
    platform === 'darwin' && !isRoot ? await mkdtemp(path.join(tmpdir(), 'companion-writer-')) : null;
  try {
    const plan = planWriterLaunch({
      platform,
      isRoot,
      inElectron: Boolean(process.versions.electron),
      execPath: process.execPath,
      helperScript: writerHelperScript(),
      launcher,
      pkexec: PKEXEC_CANDIDATES.find((p) => existsSync(p)) ?? null,
      pipeDir,
    });
    if (plan.pipes) {
      const mkfifo = '/usr/bin/mkfifo';
      for (const fifo of [plan.pipes.in, plan.pipes.out]) await runToolOrThrow(mkfifo, ['-m', '600', fifo]);
    }
    return await superviseWriter(plan, request, launcher, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw elevationUnavailable(launcher, 'the elevation tool vanished', request);
    throw error;
  } finally {
    if (pipeDir) await rm(pipeDir, { recursive: true, force: true });
  }
}

/** The two ends of the protocol: the child's stdio, or on macOS the pipes opened read-write (never blocking). */
function protocolStreams(plan: WriterLaunch, child: ChildProcess) {
  if (plan.pipes) {
    const toWriter = new Socket({ fd: openSync(plan.pipes.in, constants.O_RDWR), readable: false });
    const fromWriter = new Socket({ fd: openSync(plan.pipes.out, constants.O_RDWR), writable: false });
    return { toWriter, fromWriter };
  }
  if (!child.stdin || !child.stdout) throw new Error('spawn gave the writer no stdio pipes');
  return { toWriter: child.stdin, fromWriter: child.stdout };
}

function superviseWriter(
  plan: WriterLaunch,
  request: WriterRequest,
  launcher: string,
  options: RunPrivilegedWriterOptions,
): Promise<WriteImageToDeviceResult> {
  const { signal, onProgress, log = () => {} } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(plan.file, plan.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const { toWriter, fromWriter } = protocolStreams(plan, child);
    let outcome: WriterExit['outcome'] = null;
    let stderr = '';
    let cancelRequested = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', cancel);
      if (plan.pipes) [toWriter, fromWriter].forEach((s) => s.destroy());
      action();
    };
    const cancel = () => {
      cancelRequested = true;
      // Both levers: the cancel line, then EOF. Killing may be refused (a pkexec'd writer is root's process).
      if (toWriter.writable) toWriter.end(encodeLine({ cancel: true }));
      killTimer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(() => reject(interpretWriterExit(exitOf(null, 'SIGKILL'))));
      }, CANCEL_GRACE_MS);
    };
    const exitOf = (code: number | null, sig: NodeJS.Signals | null): WriterExit => ({
      via: plan.via,
      code,
      signal: sig,
      stderr,
      outcome,
      cancelRequested,
      launcher,
      request,
    });
    // EPIPE when the writer (or pkexec) is gone before reading: its exit code tells the story.
    toWriter.on('error', () => {});
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
    readLines(fromWriter, {
      onLine: (line) => {
        let event;
        try {
          event = decodeEvent(line);
        } catch (error) {
          child.kill('SIGKILL');
          finish(() => reject(error));
          return;
        }
        if ('progress' in event) onProgress?.({ ...event.progress, unit: 'bytes' });
        else if ('log' in event) log(event.log);
        else outcome = event;
      },
      onError: (error) => {
        child.kill('SIGKILL');
        finish(() => reject(error));
      },
      onEnd: () => {},
    });
    child.on('error', (error) => finish(() => reject(error)));
    child.on('close', (code, sig) => {
      finish(() => {
        try {
          const done = interpretWriterExit(exitOf(code, sig));
          const devices = requestDevices(request);
          // A writer that predates per-card results only says done when its one card succeeded.
          resolve({
            ...done,
            devices:
              done.devices ??
              devices.map((device) => ({
                device,
                ok: true,
                bytesWritten: done.bytesWritten,
                verified: done.verified,
              })),
          });
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
