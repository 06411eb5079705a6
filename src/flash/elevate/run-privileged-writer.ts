import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sniffImageFormat } from '../../image/index.js';
import { decompressedImageSize } from '../../image/index.js';
import { fileURLToPath } from 'node:url';
import { resourcesDir } from '../../store/index.js';
import { runToolOrThrow } from '../../tools/index.js';
import type { WriteImageToDeviceResult } from '../write/write-image-to-device.js';
import { type SuperviseOptions, superviseWriter } from './supervise-writer.js';
import {
  elevationUnavailable,
  type InternalDisk,
  internalDiskArgs,
  PKEXEC_CANDIDATES,
  planWriterLaunch,
} from './writer-launch.js';
import { WRITER_PROTOCOL_VERSION, type WriterRequest } from './writer-protocol.js';

export interface RunPrivilegedWriterOptions extends SuperviseOptions {
  source: string;
  /** Whole disks (1–8) the safety policy allowed, written from one read of the source; the writer re-checks each. */
  devices: readonly string[];
  verify?: boolean;
  /**
   * The built-in disk among the devices (at most one per write), as the user confirmed it by model and size, with its
   * by-id name and size in bytes. Set, the writer is started through its internal-disk launcher with that disk as
   * its arguments, which the password prompt shows; the writer writes no other built-in disk.
   */
  internalDisk?: InternalDisk | null;
}

const HELPER_FILE = 'companion-flash-writer.cjs';

/** The fixed launcher paths: the ones polkit's policy names (resources/polkit), one action each. */
export const writerLauncherPath = (internal = false): string =>
  path.join(resourcesDir(), 'bin', internal ? 'companion-flash-writer-internal' : 'companion-flash-writer');

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
 * Writes `source` onto the devices through the privileged writer, asking for the admin password when not root (the
 * app never runs as root). Resolves like writeImageToDevice; a dismissed password prompt is a CancelledError.
 */
export async function runPrivilegedWriter(
  options: RunPrivilegedWriterOptions,
): Promise<WriteImageToDeviceResult> {
  const request = await buildWriterRequest(options);
  const internalDisk = options.internalDisk ?? null;
  const launcher = writerLauncherPath(internalDisk !== null);
  const launcherArgs = internalDiskArgs(internalDisk);
  const platform = process.platform;
  const isRoot = process.getuid?.() === 0;
  // The real path: the writer refuses a pipe folder reached through a link (macOS's /var is one).
  const pipeDir =
    platform === 'darwin' && !isRoot
      ? await realpath(await mkdtemp(path.join(tmpdir(), 'companion-writer-')))
      : null;
  try {
    const plan = planWriterLaunch({
      platform,
      isRoot,
      inElectron: Boolean(process.versions.electron),
      execPath: process.execPath,
      helperScript: writerHelperScript(),
      launcher,
      internalDisk,
      request,
      pkexec: PKEXEC_CANDIDATES.find((p) => existsSync(p)) ?? null,
      pipeDir,
    });
    if (plan.pipes) {
      const mkfifo = '/usr/bin/mkfifo';
      for (const fifo of [plan.pipes.in, plan.pipes.out]) await runToolOrThrow(mkfifo, ['-m', '600', fifo]);
    }
    return await superviseWriter(plan, request, { path: launcher, args: launcherArgs }, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw elevationUnavailable(launcher, 'the elevation tool vanished', request, launcherArgs);
    throw error;
  } finally {
    if (pipeDir) await rm(pipeDir, { recursive: true, force: true });
  }
}

/** The one request line the writer gets: what to write where, nothing about whether it may (the writer decides). */
export async function buildWriterRequest(options: RunPrivilegedWriterOptions): Promise<WriterRequest> {
  return {
    v: WRITER_PROTOCOL_VERSION,
    source: path.resolve(options.source),
    devices: [...options.devices],
    verify: options.verify ?? true,
    // Measured here, as the user: the writer would otherwise run zstd/xz -l as root on the user's file.
    expectedSize: await decompressedImageSize(
      path.resolve(options.source),
      await sniffImageFormat(options.source),
    ),
  };
}
