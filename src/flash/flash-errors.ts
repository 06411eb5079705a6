import { CompanionError } from '../errors.js';

/** A flash input or step that failed; the message names the drive or image, the hint what to do. */
export class FlashError extends CompanionError {}
