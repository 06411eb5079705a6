import { DomainError } from '../errors.js';
import type { ImageErrorCode } from '../image/index.js';
import type { DriveReasonCode } from './drives/drive-safety.js';

/** Why a flash failed or was refused; the writer also refuses a card with the safety policy's own reason code. */
export type FlashErrorCode =
  | DriveReasonCode
  | 'disk-in-use'
  | 'internal-disk-not-named'
  | 'unsupported-platform'
  | 'flash-as-user-reentered'
  | 'flash-bootstrap-mismatch'
  | 'flash-bootstrap-unreadable'
  | 'flash-device-busy'
  | 'flash-device-changed'
  | 'flash-device-denied'
  | 'flash-device-gone'
  | 'flash-device-refused'
  | 'flash-device-repeated'
  | 'flash-device-too-small'
  | 'flash-device-unknown'
  | 'flash-drive-busy'
  | 'flash-drive-missing'
  | 'flash-drive-not-found'
  | 'flash-drive-refused'
  | 'flash-elevation-denied'
  | 'flash-elevation-unavailable'
  | 'flash-image-missing'
  | 'flash-internal-disk-unnamed'
  | 'flash-needs-confirmation'
  | 'flash-one-internal-disk'
  | 'flash-some-cards-failed'
  | 'flash-source-refused'
  | 'flash-unmount-failed'
  | 'flash-user-unknown'
  | 'flash-verify-failed'
  | 'flash-writer-crashed'
  | 'flash-writer-pipes-refused'
  | 'flash-writer-still-running'
  | 'flash-writer-usage';

/** A flash input or step that failed; the message names the drive or image, the hint what to do. */
export class FlashError extends DomainError<FlashErrorCode> {}

/**
 * The writer's refusals that come before it opens a card for writing (its checks, the exclusive open, the password
 * prompt): the card is untouched, and saying "unusable" would send the user to flash a card that is fine.
 */
const REFUSED_BEFORE_WRITING: ReadonlySet<string> = new Set<FlashErrorCode | ImageErrorCode>([
  'flash-device-busy',
  'flash-device-refused',
  'flash-device-too-small',
  'flash-device-unknown',
  'flash-device-repeated',
  'flash-device-denied',
  'flash-drive-refused',
  'system-disk',
  'holds-source',
  'no-media',
  'read-only',
  'too-small',
  'internal-disk',
  'loop-device',
  'mounted',
  'disk-in-use',
  'internal-disk-not-named',
  'image-truncated',
  'flash-source-refused',
  'flash-user-unknown',
  'flash-elevation-denied',
  'flash-elevation-unavailable',
  'flash-writer-usage',
  'flash-writer-pipes-refused',
]);

/** Whether an error with this code left every card as it was; any code, as the writer's arrive over a pipe. */
export function refusedBeforeWriting(code: string): boolean {
  return REFUSED_BEFORE_WRITING.has(code);
}
