/** Base of every error the core raises on purpose: a stable code, a message for the user and a hint on what to do. */
export class CompanionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request itself was wrong (bad field, unknown id): the caller must change what it asks. */
export class InvalidRequestError extends CompanionError {
  constructor(message: string, hint = 'Check the values you entered and try again.') {
    super('invalid-request', message, hint);
  }
}

/** Something the user asked for does not exist (task, terminal, host). */
export class NotFoundError extends CompanionError {
  constructor(message: string, hint: string) {
    super('not-found', message, hint);
  }
}

/** The user (or the app on their behalf) cancelled the operation. */
export class CancelledError extends CompanionError {
  constructor(message = 'Cancelled.', hint = 'Nothing else to do; start it again when you are ready.') {
    super('cancelled', message, hint);
  }
}

/** Turns anything thrown into the `{code, message, hint}` triple the faces show. */
export function describeError(error: unknown): { code: string; message: string; hint: string } {
  if (error instanceof CompanionError) return { code: error.code, message: error.message, hint: error.hint };
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: message || 'An unexpected error occurred.',
    hint: 'This is a bug in the app. The task log has details; please report it with that log.',
  };
}

/** Why a file could not be read, as the end of a sentence: "does not exist", "is not readable by you", … */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable by you';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot be read (${code ?? String(error)})`;
}
