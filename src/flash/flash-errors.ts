import { CompanionError } from '../errors.js';

/** A flash input or step that failed; the message names the drive or image, the hint what to do. */
export class FlashError extends CompanionError {}

/**
 * The writer's refusals that come before it opens a card for writing (its checks, the exclusive open, the password
 * prompt): the card is untouched, and saying "unusable" would send the user to flash a card that is fine.
 */
const REFUSED_BEFORE_WRITING = new Set([
  'flash-device-busy',
  'flash-device-refused',
  'flash-device-too-small',
  'flash-device-unknown',
  'flash-device-repeated',
  'flash-device-denied',
  'flash-drive-refused',
  'system-disk',
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

/** Whether an error with this code left every card as it was. */
export function refusedBeforeWriting(code: string): boolean {
  return REFUSED_BEFORE_WRITING.has(code);
}
