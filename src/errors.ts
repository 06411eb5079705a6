export interface CompanionErrorOptions {
  cause?: unknown;
  /** The hint for the command line where it differs from the app's (it names a flag instead of a field). */
  cliHint?: string;
  /** What a tool printed that explains it: for the task log only, never a headline. */
  details?: string;
}

/**
 * Base of every error the core raises on purpose: a stable code, a message for the user and a hint on what to do, in
 * the app's words; `cliHint` says it for the command line when that differs.
 */
export class CompanionError extends Error {
  readonly cliHint: string | undefined;
  readonly details: string | undefined;

  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    options: CompanionErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.cliHint = options.cliHint;
    this.details = options.details;
  }
}

/** A domain's error class with its own codes, e.g. `class FlashError extends DomainError<FlashErrorCode> {}`. */
export class DomainError<Code extends string> extends CompanionError {
  declare readonly code: Code;

  constructor(code: Code, message: string, hint: string, options?: CompanionErrorOptions) {
    super(code, message, hint, options);
  }
}

/** The codes any layer raises; `internal` is what `describeError` calls anything not raised on purpose. */
export type CoreErrorCode = 'invalid-request' | 'not-found' | 'cancelled' | 'task-busy' | 'internal';

/**
 * Whether `code` is one of `codes`. The caller names the union the codes belong to (`isCode<FlashErrorCode>(…)`;
 * without it nothing is accepted), so a misspelt code is a compile error, not a comparison that is never true.
 */
export function isCode<C extends string = never>(code: string, ...codes: NoInfer<C>[]): code is C {
  return (codes as readonly string[]).includes(code);
}

/**
 * `isCode` on an error. It checks the base class: an error that crossed a process boundary (the flash writer's) or
 * a test double arrives as a plain CompanionError with the same code.
 */
export function hasCode<C extends string = never>(
  error: unknown,
  ...codes: NoInfer<C>[]
): error is CompanionError & { readonly code: C } {
  return error instanceof CompanionError && isCode<C>(error.code, ...codes);
}

/** The request itself was wrong (bad field, unknown id): the caller must change what it asks. */
export class InvalidRequestError extends CompanionError {
  declare readonly code: 'invalid-request';

  constructor(message: string, hint = 'Check the values you entered and try again.') {
    super('invalid-request', message, hint);
  }
}

/** Something the user asked for does not exist (task, terminal, host). */
export class NotFoundError extends CompanionError {
  declare readonly code: 'not-found';

  constructor(message: string, hint: string) {
    super('not-found', message, hint);
  }
}

/** The user (or the app on their behalf) cancelled the operation. */
export class CancelledError extends CompanionError {
  declare readonly code: 'cancelled';

  constructor(message = 'Cancelled.', hint = 'Nothing else to do; start it again when you are ready.') {
    super('cancelled', message, hint);
  }
}

/** Turns anything thrown into the `{code, message, hint}` the faces show (with `cliHint` where it differs). */
export function describeError(error: unknown): {
  code: string;
  message: string;
  hint: string;
  cliHint?: string;
} {
  if (error instanceof CompanionError) {
    const info = { code: error.code, message: error.message, hint: error.hint };
    return error.cliHint ? { ...info, cliHint: error.cliHint } : info;
  }
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
