import { CancelledError } from '../../errors.js';
import { formatSize } from '../../image/index.js';
import { FlashError } from '../flash-errors.js';
import { DeviceWriteFailure } from './device-write-failure.js';

/** Said after every failure once writing has begun: a half-written card must not be trusted. */
export const CARD_UNUSABLE = 'The card is unusable until it is flashed again.';

export function deviceTooSmall(device: string, imageBytes: number | null, deviceBytes: number): FlashError {
  const image =
    imageBytes === null
      ? 'The image is larger than'
      : `The image (${formatSize(imageBytes)}, ${imageBytes} bytes) is larger than`;
  const after =
    imageBytes === null
      ? ` It filled the whole drive before it ended. ${CARD_UNUSABLE}`
      : ' Nothing was written.';
  return new FlashError(
    'flash-device-too-small',
    `${image} ${device} (${formatSize(deviceBytes)}, ${deviceBytes} bytes).${after}`,
    'Use a bigger card.',
  );
}

export function deviceBusy(device: string, cause: unknown): FlashError {
  return new FlashError(
    'flash-device-busy',
    `${device} is in use (mounted, or opened by another program); nothing was written.`,
    'Unmount all of its partitions (or eject it in the file manager without removing it), then try again.',
    { cause },
  );
}

export function deviceGone(device: string, offset: number, cause: unknown): FlashError {
  const code = (cause as NodeJS.ErrnoException | null)?.code ?? 'an I/O error';
  return new FlashError(
    'flash-device-gone',
    `${device} stopped responding at byte ${offset} (${formatSize(offset)} in; ${code}): it was removed, or it has failed. ${CARD_UNUSABLE}`,
    'Reinsert the card (try another reader or card if it happens again), then flash it again.',
    { cause },
  );
}

export function deviceDenied(device: string, cause: unknown): FlashError {
  return new FlashError(
    'flash-device-denied',
    `Permission to write ${device} was denied; nothing was written.`,
    'Run the flash with administrator rights (the app asks for them when it flashes).',
    { cause },
  );
}

export function verifyFailed(device: string, offset: number | null): FlashError {
  const where =
    offset === null
      ? 'differs from the image'
      : `differs from the image at byte ${offset} (${formatSize(offset)} in)`;
  return new FlashError(
    'flash-verify-failed',
    `Verification failed: what was read back from ${device} ${where}. ${CARD_UNUSABLE}`,
    'The card or reader is probably faulty (fake-capacity cards fail this way): flash again, then try another card.',
  );
}

export function flashCancelled(): CancelledError {
  return new CancelledError(`Flashing was cancelled. ${CARD_UNUSABLE}`, 'Flash it again before using it.');
}

const GONE = new Set(['EIO', 'ENODEV', 'ENXIO', 'ENOMEDIUM', 'ESHUTDOWN']);

/**
 * Maps a write/read failure on the device to the words for it; unknown errors pass through. `written` is how far the
 * device got, used when the failure does not say where it happened.
 */
export function deviceIoError(device: string, written: number, deviceBytes: number, error: unknown): unknown {
  const failure = error instanceof DeviceWriteFailure ? error : null;
  const code = failure ? failure.code : (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EFBIG') {
    // Only a write reaching past the stated capacity means the image did not fit. Short of it, the card refused
    // room it claims to have (measured: a loop over a full tmpfs answers O_DIRECT writes with ENOSPC, not EIO).
    if (!failure || failure.end > deviceBytes) return deviceTooSmall(device, null, deviceBytes);
    return deviceGone(device, failure.offset, error);
  }
  if (code !== undefined && GONE.has(code)) return deviceGone(device, failure?.offset ?? written, error);
  return failure ? failure.cause : error;
}
