import { CompanionError } from '../errors.js';

/** A provisioning input or step that failed; the message names the file or value, the hint the fix. */
export class ProvisionError extends CompanionError {}
