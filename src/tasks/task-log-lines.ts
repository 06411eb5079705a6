import { CancelledError, describeError } from '../errors.js';

/** "Failed: …", "Cancelled: …", or just "Cancelled." when that is all the reason says. */
export function endLine(cancelled: boolean, message: string): string {
  if (!cancelled) return `Failed: ${message}`;
  return message === new CancelledError().message ? message : `Cancelled: ${message}`;
}

export function historyNote(error: unknown): string {
  const { message, hint } = describeError(error);
  return `${message} ${hint}`;
}
