import type { ImageFormat } from '../../image/index.js';
import type { Target } from './flash-targets.js';
import { deviceIoError, verifyFailed } from './flash-write-errors.js';
import { dropDeviceCache, findFirstMismatch, readBackSha256 } from './verify-device.js';

export interface VerifyContext {
  source: string;
  format: ImageFormat;
  sha256: string;
  bytes: number;
  signal: AbortSignal;
  sourceFd?: number;
  decompressAs?: { uid: number; gid: number };
}

/**
 * Reads one device back and compares with the source's hash; a mismatch marks that device failed. The read goes
 * through a second descriptor taken while the writer still holds the exclusive one.
 */
async function verifyTarget(
  target: Target,
  context: VerifyContext,
  onProgress: (done: number) => void,
  log: (line: string) => void,
): Promise<void> {
  const { device } = target;
  try {
    if (!(await dropDeviceCache(device)))
      log(`Could not drop the cache of ${device}; reading back with O_DIRECT where possible`);
    const { signal, bytes } = context;
    const reader = await target.writer.openReadBack();
    try {
      const readBack = await readBackSha256(reader, bytes, { signal, onProgress });
      if (readBack === context.sha256) {
        target.verified = true;
        return;
      }
      const offset = await findFirstMismatch(context.source, context.format, reader, bytes, signal, {
        ...(context.sourceFd === undefined ? {} : { sourceFd: context.sourceFd }),
        ...(context.decompressAs ? { decompressAs: context.decompressAs } : {}),
      });
      log(
        `Verification of ${device} FAILED: SHA-256 ${readBack}, first difference at ${offset ?? 'unknown offset'}`,
      );
      target.failure = verifyFailed(device, offset);
    } finally {
      await reader.handle.close();
    }
  } catch (error) {
    if (context.signal.aborted) throw error;
    target.failure = deviceIoError(device, target.written, target.capacity, error);
  }
}

/** Verifies every device at once; progress is the slowest one's. */
export async function verifyTargets(
  checking: readonly Target[],
  context: VerifyContext,
  report: (done: number) => void,
  log: (line: string) => void,
): Promise<void> {
  const done = checking.map(() => 0);
  await Promise.all(
    checking.map((t, i) =>
      verifyTarget(
        t,
        context,
        (n) => {
          done[i] = n;
          report(Math.min(...done));
        },
        log,
      ),
    ),
  );
}
