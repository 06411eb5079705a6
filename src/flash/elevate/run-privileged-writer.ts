import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sniffImageFormat } from '../../image/image-format.js';
import { decompressedImageSize } from '../write/image-size.js';
import { fileURLToPath } from 'node:url';
import { resourcesDir } from '../../provision/nixos-module.js';
import { runToolOrThrow } from '../../tools/run-tool.js';
import type { WriteImageToDeviceResult } from '../write/write-image-to-device.js';
import { type SuperviseOptions, superviseWriter } from './supervise-writer.js';
import { elevationUnavailable, PKEXEC_CANDIDATES, planWriterLaunch } from './writer-launch.js';
import { WRITER_PROTOCOL_VERSION, type WriterRequest } from './writer-protocol.js';

export interface RunPrivilegedWriterOptions extends SuperviseOptions {
  source: string;
  /** A whole disk the app's safety policy allowed; the writer checks it again as root. */
  device?: string;
  /** Several such disks (1–8), written from one read of the source; used instead of `device`. */
  devices?: readonly string[];
  verify?: boolean;
  /**
   * The built-in disks among the devices, as the user confirmed them by model and size ('WDC WD20EZAZ (2 TB),
   * /dev/sdb'). Non-empty starts the writer through its internal-disk launcher, whose own authorization says an
   * internal disk will be erased; the writer refuses built-in disks from the other launcher whatever is asked.
   */
  internalDisks?: readonly string[];
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
 * Writes `source` onto `device` through the privileged writer, asking for the admin password when not root (ISSUE 4:
 * the app never runs as root). Resolves like writeImageToDevice; a dismissed password prompt is a CancelledError.
 */
export async function runPrivilegedWriter(
  options: RunPrivilegedWriterOptions,
): Promise<WriteImageToDeviceResult> {
  const request = await buildWriterRequest(options);
  const internalDisks = options.internalDisks ?? [];
  const launcher = writerLauncherPath(internalDisks.length > 0);
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
      internalDisks,
      request,
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

/** The one request line the writer gets: what to write where, nothing about whether it may (the writer decides). */
export async function buildWriterRequest(options: RunPrivilegedWriterOptions): Promise<WriterRequest> {
  const devices = [...(options.devices ?? (options.device === undefined ? [] : [options.device]))];
  return {
    v: WRITER_PROTOCOL_VERSION,
    source: path.resolve(options.source),
    // One card keeps the original request form.
    ...(devices.length === 1 ? { device: devices[0] } : { devices }),
    verify: options.verify ?? true,
    // Measured here, as the user: the writer would otherwise run zstd/xz -l as root on the user's file.
    expectedSize: await decompressedImageSize(
      path.resolve(options.source),
      await sniffImageFormat(options.source),
    ),
  };
}
